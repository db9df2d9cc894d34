import type { GuardSettings } from "../config/proxy.config.js";
import type { WindowStats } from "./guard-window.js";

export type TripReason = "5xx" | "latency";

export interface Verdict {
  readonly reason: TripReason;
  /** What the log and the flag store record, with its numbers: "service 5xx 12.0 % vs monolith 0.1 % (n=340)". */
  readonly text: string;
}

const pct = (rate: number): string => `${(rate * 100).toFixed(1)} %`;

/**
 * The guard's comparison of one route's service against the monolith over the window: undefined while the
 * service has fewer than minSamples answers, or while it is within the margins.
 * - 5xx: service rate − monolith rate > errorMarginPct percentage points;
 * - latency (only with minSamples monolith answers too): service p99 > monolith p99 × latencyRatio + latencySlackMs.
 * @example judge(window.snapshot(Date.now()), settings)?.text
 */
export function judge(w: WindowStats, settings: GuardSettings): Verdict | undefined {
  const { service, monolith } = w;
  if (service.n < settings.minSamples) return undefined;
  const serviceRate = service.errorRate ?? 0;
  const monolithRate = monolith.errorRate ?? 0;
  if ((serviceRate - monolithRate) * 100 > settings.errorMarginPct)
    return { reason: "5xx", text: `service 5xx ${pct(serviceRate)} vs monolith ${pct(monolithRate)} (n=${service.n})` };
  if (monolith.n < settings.minSamples || service.p99Ms === null || monolith.p99Ms === null) return undefined;
  const limit = monolith.p99Ms * settings.latencyRatio + settings.latencySlackMs;
  if (service.p99Ms > limit)
    return { reason: "latency", text: `service p99 ${service.p99Ms} ms vs monolith ${monolith.p99Ms} ms, limit ${limit} ms (n=${service.n})` };
  return undefined;
}
