import http from "node:http";
import { UnleashEvents } from "unleash-client";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../../src/platform/logger/logger.js";
import type { ProxyConfig } from "../config/proxy.config.js";
import type { RouteTableDefinition } from "../config/routes-file.js";
import { createExtractedHint } from "../routing/extracted-hint.js";
import { createFallback } from "../fallback/fallback.js";
import { createFlagDecider } from "../flags/runtime/flag-decider.js";
import type { FlagSource } from "../flags/runtime/flag-source.js";
import { createRouteGuard, type RollBackWriter } from "../guard/route-guard.js";
import { createObserver } from "../observability/observe.js";
import { createProxyMetrics } from "../observability/proxy-metrics.js";
import { TrafficWindow } from "../observability/traffic-window.js";
import { answerClientError, refuseConnect } from "../request/client-error.js";
import { createPipeline, createRelayHook } from "../request/pipeline.js";
import { ProxyRequest, type ProxyResponse } from "../request/proxy-request.js";
import { compileRouteMatcher, compileRoutes } from "../routing/route-table.js";
import { SubjectCache } from "../routing/subject-cache.js";
import { createStatusApp } from "../status/status.router.js";
import { createMirrorClient } from "../shadow/mirror-client.js";
import { createShadowStage } from "../shadow/shadow-stage.js";
import { ShadowStats } from "../shadow/shadow-stats.js";
import { startHealthPoller } from "../upstream/health-poller.js";
import { Upstream } from "../upstream/upstream.js";
import type { BreakerState } from "../upstream/upstream-breaker.js";

export interface RunningProxy {
  readonly port: number;
  readonly url: string;
  readonly server: http.Server;
  /** The admin server (ADMIN_PORT): status page, /_strangler/status, /metrics, /health/details, /health, /ready. */
  readonly adminPort: number;
  readonly adminUrl: string;
  /** SIGTERM: /ready answers 503 and every response carries `Connection: close`; requests are still served. */
  drain(): void;
  /** Stops accepting, lets in-flight requests finish (bounded), stops polling and flag refresh. */
  close(): Promise<void>;
}

/**
 * Wires upstreams, breakers, flags, metrics and the status page into the public HTTP server (PORT: proxied traffic,
 * /health, /ready) and the admin server (ADMIN_PORT: the proxy's internals), and starts both listening on HOST.
 */
export async function startProxyServer(config: ProxyConfig, table: RouteTableDefinition, flags: FlagSource, logger: Logger, rollBack?: RollBackWriter): Promise<RunningProxy> {
  const startedAt = new Date();
  const all: Upstream[] = [];
  const metrics = createProxyMetrics({ upstreams: () => all, flagsReady: () => flags.isReady() });
  const fallback = createFallback({ metrics, logger });
  let draining = false;
  const onResponse = createRelayHook(metrics, () => draining);
  const monolith = new Upstream(table.monolith, { withBreaker: false, hooks: { onResponse, onFailure: fallback.answer } });
  const onBreakerChange = breakerLog(logger);
  const services = table.services.map((d) => new Upstream(d, { withBreaker: true, hooks: { onResponse, onFailure: fallback.replayingOn(monolith) }, onBreakerChange }));
  all.push(monolith, ...services);
  const routes = compileRoutes(table.routes, services);
  const guard = createRouteGuard({ routes, defaults: config.guard, summary: (f) => flags.summary(f), rollBack, logger, registry: metrics.registry });
  const decider = createFlagDecider(flags);
  const toService = (flag: string, userId: string): boolean => guard.allows(flag) && decider(flag, userId);

  const traffic = new TrafficWindow(routes.length + 1);
  const unlistedIndex = routes.length;
  const shadowStats = new ShadowStats(routes.length, config.shadow.samples, metrics.registry);
  const mirrors = createMirrorClient(config.shadow);
  const isOn = (flag: string) => ((s) => s.exists && s.enabled)(flags.summary(flag));
  const shadow = createShadowStage({ routes, monolithUrl: monolith.url, toShadow: toService, isOn, client: mirrors, stats: shadowStats, limits: config.shadow, secret: config.shadow.secret });
  if (config.shadow.secret === undefined) logger.info("SHADOW_SECRET not set: shadow traffic mirrors reads only (an unsigned write would run for real on the service)");
  for (const event of [UnleashEvents.Ready, UnleashEvents.Changed]) flags.unleash.on(event, shadow.refresh);
  let closing: Promise<void> | undefined;
  const sources = { routes, monolith, services, flags, traffic, unlistedIndex, startedAt, guard, shadow: shadowStats, closing: () => draining };
  const own = createStatusApp(sources, metrics.registry, { internals: false });
  const adminServer = http.createServer(createStatusApp(sources, metrics.registry, { internals: true }));
  const accessLog = config.logLevel === "debug" || config.logLevel === "silly" ? (entry: Record<string, unknown>) => logger.debug("request", entry) : undefined;
  const handler = createPipeline({
    match: compileRouteMatcher(routes),
    monolith,
    toService,
    extractedHint: createExtractedHint(routes, toService),
    fallback,
    observe: createObserver({ metrics, traffic, unlistedIndex, monolith, guard, accessLog }),
    metrics,
    shadow,
    cookie: config.cookie,
    subjects: new SubjectCache(config.identityCacheMaxBytes),
    replayBodyMaxBytes: config.replayBodyMaxBytes,
    body: { bufferBytes: config.bodyBufferBytes, timeoutMs: config.bodyTimeoutMs },
    admin: own as unknown as http.RequestListener,
  });
  const health = startHealthPoller(all, { intervalMs: config.healthPollMs, timeoutMs: config.healthTimeoutMs, logger });

  // While draining, the proxy's own answers close their connection; relayed ones get it in the relay hook (the
  // upstream's headers replace ours there).
  const server = http.createServer({ IncomingMessage: ProxyRequest }, ((req: ProxyRequest, res: ProxyResponse) => {
    if (draining) res.setHeader("Connection", "close");
    handler(req, res);
  }) as unknown as http.RequestListener);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on("clientError", answerClientError); // node's bare 400/431/408 get the contract's error body
  server.on("connect", refuseConnect);
  try {
    await listen(server, config.port, config.host);
    await listen(adminServer, config.adminPort, config.host).catch(async (e: unknown) => {
      await new Promise((resolve) => server.close(resolve));
      throw e;
    });
  } catch (e) {
    health.stop();
    guard.close();
    for (const u of all) u.close();
    mirrors.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const adminPort = (adminServer.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  logger.info("proxy listening", { port, adminPort, host: config.host, routes: routes.map((r) => `${r.prefix} -> ${r.service.url} [${r.flag}]`), monolith: monolith.url });

  return {
    port,
    url: `http://${host}:${port}`,
    server,
    adminPort,
    adminUrl: `http://${host}:${adminPort}`,
    drain() {
      draining = true;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        draining = true;
        health.stop();
        guard.close();
        adminServer.close();
        adminServer.closeAllConnections();
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          for (const u of all) u.close();
          mirrors.close();
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Logs what an operator acts on: a service taken out of rotation (open, from closed) and put back (closed). The
 * open ⇄ half-open cycle of a service that stays down is at debug, so an upstream that is down for hours (or that
 * no flag sends traffic to) does not write a line every reset timeout.
 */
function breakerLog(logger: Logger): (upstream: Upstream, state: BreakerState, previous: BreakerState) => void {
  const log = logger.child({ component: "breaker" });
  return (upstream, state, previous) => {
    if (state === "open" && previous === "closed") log.warn("breaker open: traffic for this service goes to the monolith", { upstream: upstream.name });
    else if (state === "closed") log.info("breaker closed: service back in rotation", { upstream: upstream.name });
    else log.debug(state === "halfOpen" ? "breaker half-open: the next request probes the service" : "breaker open again: the probe failed", { upstream: upstream.name });
  };
}
