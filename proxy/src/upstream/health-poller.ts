import type { Logger } from "../../../src/platform/logger/logger.js";
import type { Upstream } from "./upstream.js";

/**
 * Polls GET <upstream>/health every `intervalMs` (timeout `timeoutMs`) and reports the result to the
 * upstream (status page, /metrics). An extracted service that fails its health check gets its breaker opened
 * by the upstream, so traffic goes to the monolith before users hit errors; the breaker's half-open
 * probe (a real request after BREAKER_RESET_TIMEOUT_MS) closes it again once the service is back.
 */
export function startHealthPoller(upstreams: readonly Upstream[], options: { intervalMs: number; timeoutMs: number; logger: Logger }) {
  const log = options.logger.child({ component: "health" });
  let stopped = false;

  async function check(upstream: Upstream): Promise<void> {
    let healthy = false;
    let error: string | undefined;
    try {
      const res = await fetch(new URL("health", withSlash(upstream.url)), { signal: AbortSignal.timeout(options.timeoutMs) });
      healthy = res.ok;
      if (!healthy) error = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (e) {
      const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
      error = cause?.code ?? cause?.message ?? (e instanceof Error ? (e.name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : e.message) : String(e));
    }
    if (stopped) return;
    const was = upstream.health.healthy;
    upstream.reportHealth(healthy, error);
    if (was !== healthy && was !== undefined) (healthy ? log.info : log.warn).call(log, `upstream ${healthy ? "healthy" : "unhealthy"}`, { upstream: upstream.name, error });
  }

  const run = () => void Promise.all(upstreams.map(check));
  run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    stop(): void {
      stopped = true;
      clearInterval(timer);
    },
  };
}

const withSlash = (url: string): string => (url.endsWith("/") ? url : `${url}/`);
