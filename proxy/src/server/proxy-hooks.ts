import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import type { Plugin } from "http-proxy-middleware";
import type { Logger } from "../../../src/platform/logger/logger.js";
import type { ProxyMetrics } from "../observability/proxy-metrics.js";
import type { Upstream, UpstreamRequest } from "../upstream/upstream.js";
import { settleBreaker } from "../upstream/upstream-breaker.js";
import { classifyFailure, IDEMPOTENT_METHODS, sendProxyError } from "./proxy-errors.js";
import { hasBody, type ProxyRequest, type ProxyResponse } from "./proxy-request.js";
import { replayOn } from "./replay.js";

/** Connection refusals in a row that open a service's breaker at once (the error-rate rule needs volume). */
const OPEN_AFTER_REFUSALS = 3;

export interface HookContext {
  /** Read when an event fires: the hooks are created before the upstreams that use them. */
  readonly monolith: () => Upstream;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
}

/**
 * The http-proxy event handlers every upstream shares (registered as an hpm plugin, default plugins
 * ejected): response heads settle the breaker, errors fall back to the monolith when that is safe or
 * become a 502/504 JSON error. One set of functions for all requests — no closures per request.
 */
export function createProxyHooks(ctx: HookContext): Plugin<UpstreamRequest, ServerResponse<UpstreamRequest>> {
  const { metrics } = ctx;
  const log = rateLimited(ctx.logger.child({ component: "proxy" }));

  // Connection/Keep-Alive are hop-by-hop: a client's "Connection: close" must not close the pooled upstream
  // socket, and the upstream's keep-alive terms must not reach the client (Node then answers the client's own).
  function onProxyReq(proxyReq: ClientRequest, req: ProxyRequest): void {
    req.proxyReq = proxyReq;
    if (req.headers.connection !== undefined) proxyReq.removeHeader("connection");
  }

  function onProxyRes(proxyRes: IncomingMessage, req: ProxyRequest): void {
    req.proxyRes = proxyRes;
    const headers = proxyRes.headers;
    if (headers.connection !== undefined) delete headers.connection;
    if (headers["keep-alive"] !== undefined) delete headers["keep-alive"];
    req.upstream!.connectFailuresInARow = 0;
    if (req.newCookie !== undefined) headers["set-cookie"]?.push(req.newCookie); // else ours is already set
    if ((proxyRes.statusCode ?? 0) < 500) return settleBreaker(req);
    metrics.upstreamError(req.upstream!.name, "status_5xx");
    settleBreaker(req, new Error(`status ${proxyRes.statusCode}`)); // a 5xx counts as a service failure
  }

  function onError(error: NodeJS.ErrnoException, req: ProxyRequest, res: ProxyResponse | unknown): void {
    const response = res as ProxyResponse;
    const upstream = req.upstream!;
    const elapsed = performance.now() - req.startedAt;
    const timedOut = req.proxyReq?.destroyed === true && elapsed >= upstream.settings.timeoutMs - 1;
    const kind = classifyFailure(error, timedOut);
    const clientGone = response.destroyed || req.socket.destroyed; // e.g. an upload aborted by the client
    settleBreaker(req, clientGone ? undefined : error);
    if (!clientGone) metrics.upstreamError(upstream.name, kind);
    if (kind === "connect" && ++upstream.connectFailuresInARow >= OPEN_AFTER_REFUSALS && upstream.breaker && !upstream.breaker.opened) upstream.breaker.open();
    if (req.holding) {
      req.holding = false;
      upstream.release();
    }
    if (response.headersSent) return void response.destroy(); // failed mid-response: nothing to salvage
    if (clientGone) return;
    log.warn(upstream.name, "upstream exchange failed", { upstream: upstream.name, kind, error: error.code ?? error.message, requestId: req.requestId });
    if (upstream !== ctx.monolith() && !req.replayed) {
      const bodiless = !hasBody(req);
      const reason = kind === "connect" ? "connect_failed" : "replayed_after_error";
      const safe = kind === "connect" ? bodiless || bodyKept(req) : bodiless && IDEMPOTENT_METHODS.has(req.method ?? "");
      if (safe) return replayOnMonolith(req, response, reason);
    }
    const status = kind === "timeout" ? 504 : 502;
    const code = kind === "timeout" ? "PROXY.UPSTREAM_TIMEOUT" : kind === "connect" ? "PROXY.UPSTREAM_UNAVAILABLE" : "PROXY.UPSTREAM_ERROR";
    const message = kind === "timeout" ? `${upstream.name} did not answer within ${upstream.settings.timeoutMs} ms` : `${upstream.name} failed (${error.code ?? error.message})`;
    sendProxyError(response, status, code, message, req.requestId, upstream.name);
  }

  function replayOnMonolith(req: ProxyRequest, res: ProxyResponse, reason: "connect_failed" | "replayed_after_error"): void {
    const monolith = ctx.monolith();
    metrics.fallback(req.route?.module ?? "unlisted", req.upstream!.name, reason);
    req.replayed = true;
    req.upstream = monolith;
    if (!monolith.tryAcquire()) {
      metrics.overloaded(monolith.name);
      return sendProxyError(res, 503, "PROXY.OVERLOADED", "the monolith is at its concurrency limit", req.requestId, monolith.name, {
        "x-strangler-overloaded": "true",
        "retry-after": "1",
      });
    }
    req.holding = true;
    res.setHeader("X-Upstream", monolith.name);
    // `complete` only says the parser has every byte; the body is fully kept once the stream has ended.
    if (req.readableEnded) return replayOn(monolith, req, res);
    req.once("end", () => replayOn(monolith, req, res));
    req.resume();
  }

  function onEconnreset(_error: Error, req: ProxyRequest): void {
    settleBreaker(req); // the client went away: not the service's fault
  }

  // The server only creates ProxyRequest objects (http.createServer({ IncomingMessage: ProxyRequest })).
  return (proxyServer) => {
    proxyServer.on("proxyReq", onProxyReq as never);
    proxyServer.on("proxyRes", onProxyRes as never);
    proxyServer.on("error", onError as never);
    proxyServer.on("econnreset", onEconnreset as never);
  };
}

/** The whole body was kept (it fitted in REPLAY_BODY_MAX_BYTES) — or is still arriving and being kept. */
function bodyKept(req: ProxyRequest): boolean {
  return req.bodyChunks !== null;
}

/** At most one log line per key per second: a dead upstream under load must not flood the logs. */
function rateLimited(logger: Logger) {
  const last = new Map<string, number>();
  const suppressed = new Map<string, number>();
  return {
    warn(key: string, message: string, meta: Record<string, unknown>): void {
      const now = Date.now();
      if (now - (last.get(key) ?? 0) < 1000) return void suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
      last.set(key, now);
      logger.warn(message, { ...meta, suppressedSinceLast: suppressed.get(key) ?? 0 });
      suppressed.set(key, 0);
    },
  };
}
