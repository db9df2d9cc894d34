import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../../src/platform/logger/logger.js";
import type { ProxyConfig } from "../config/proxy.config.js";
import type { RouteTableDefinition } from "../config/routes-file.js";
import { createFlagDecider } from "../flags/flag-decider.js";
import type { FlagSource } from "../flags/flag-source.js";
import { createProxyMetrics } from "../observability/proxy-metrics.js";
import { TrafficWindow } from "../observability/traffic-window.js";
import { compileRouteMatcher } from "../routing/route-table.js";
import { createStatusApp } from "../status/status.router.js";
import { startHealthPoller } from "../upstream/health-poller.js";
import { Upstream } from "../upstream/upstream.js";
import { createProxyHandler } from "./proxy-handler.js";
import { createProxyHooks } from "./proxy-hooks.js";
import { ProxyRequest, type CompiledRoute } from "./proxy-request.js";

export interface RunningProxy {
  readonly port: number;
  readonly url: string;
  readonly server: http.Server;
  /** Stops accepting, lets in-flight requests finish (bounded), stops polling and flag refresh. */
  close(): Promise<void>;
}

/** Wires upstreams, breakers, flags, metrics and the status page into one HTTP server and starts listening. */
export async function startProxyServer(config: ProxyConfig, table: RouteTableDefinition, flags: FlagSource, logger: Logger): Promise<RunningProxy> {
  const startedAt = new Date();
  const all: Upstream[] = [];
  const metrics = createProxyMetrics({ upstreams: () => all, flagsReady: () => flags.isReady() });
  const plugin = createProxyHooks({ monolith: () => monolith, metrics, logger });
  const monolith = new Upstream(table.monolith, { withBreaker: false, plugin });
  const services = table.services.map((d) => new Upstream(d, { withBreaker: true, plugin }));
  all.push(monolith, ...services);
  const byName = new Map(services.map((s) => [s.name, s]));
  const routes: CompiledRoute[] = table.routes.map((r, index) => ({ ...r, index, service: byName.get(r.module)! }));
  for (const s of services) watchBreaker(s, logger);

  const traffic = new TrafficWindow(routes.length + 1);
  const unlistedIndex = routes.length;
  const admin = createStatusApp({ routes, monolith, services, flags, traffic, unlistedIndex, startedAt }, metrics.registry);
  const handler = createProxyHandler({
    match: compileRouteMatcher(routes),
    monolith,
    toService: createFlagDecider(flags),
    metrics,
    traffic,
    unlistedIndex,
    cookie: config.cookie,
    replayBodyMaxBytes: config.replayBodyMaxBytes,
    admin: admin as unknown as http.RequestListener,
    accessLog: config.logLevel === "debug" || config.logLevel === "silly" ? (entry) => logger.debug("request", entry) : undefined,
  });
  const health = startHealthPoller(all, { intervalMs: config.healthPollMs, timeoutMs: config.healthTimeoutMs, logger });

  const server = http.createServer({ IncomingMessage: ProxyRequest }, handler as unknown as http.RequestListener);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    health.stop();
    for (const u of all) u.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  logger.info("proxy listening", { port, host: config.host, routes: routes.map((r) => `${r.prefix} -> ${r.service.url} [${r.flag}]`), monolith: monolith.url });

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}`,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        health.stop();
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          for (const u of all) u.close();
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

function watchBreaker(upstream: Upstream, logger: Logger): void {
  const log = logger.child({ component: "breaker", upstream: upstream.name });
  upstream.breaker?.on("open", () => log.warn("breaker open: traffic for this service goes to the monolith"));
  upstream.breaker?.on("halfOpen", () => log.info("breaker half-open: the next request probes the service"));
  upstream.breaker?.on("close", () => log.info("breaker closed: service back in rotation"));
}
