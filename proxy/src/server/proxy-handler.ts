import { randomUUID } from "node:crypto";
import type { RequestListener } from "node:http";
import type { ProxyMetrics } from "../observability/proxy-metrics.js";
import { SIDE_MONOLITH, SIDE_SERVICE, type TrafficWindow } from "../observability/traffic-window.js";
import { identityOf, newSessionId, stickyCookie } from "../routing/identity.js";
import { isReservedPath, type RouteMatcher } from "../routing/route-table.js";
import type { Upstream } from "../upstream/upstream.js";
import { sendProxyError } from "./proxy-errors.js";
import { captureBody, hasBody, type CompiledRoute, type ProxyRequest, type ProxyResponse } from "./proxy-request.js";

export interface HandlerContext {
  readonly match: RouteMatcher<CompiledRoute>;
  readonly monolith: Upstream;
  /** flag name, user id → true when this user's requests go to the extracted service. */
  readonly toService: (flag: string, userId: string) => boolean;
  readonly metrics: ProxyMetrics;
  readonly traffic: TrafficWindow;
  /** Index used in the traffic window for unlisted paths (after the routes). */
  readonly unlistedIndex: number;
  readonly cookie: { readonly name: string; readonly secure: boolean; readonly maxAgeS: number };
  readonly replayBodyMaxBytes: number;
  /** Answers the proxy's own paths (/_strangler…, /metrics, /health). */
  readonly admin: RequestListener;
  /** Per-request access log, only when LOG_LEVEL=debug (undefined otherwise: nothing is built per request). */
  readonly accessLog?: (entry: Record<string, unknown>) => void;
}

const VALID_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The hot path. Per request: match the prefix, resolve the sticky identity, ask the route's flag, check the
 * breaker and the concurrency limit, tag the response (X-Request-Id, X-Upstream) and stream it through
 * http-proxy-middleware. No body parsing, no per-request logging, no per-request closures.
 */
export function createProxyHandler(ctx: HandlerContext): (req: ProxyRequest, res: ProxyResponse) => void {
  const { match, monolith, toService, metrics, traffic, cookie, accessLog } = ctx;

  function onClose(this: ProxyResponse): void {
    const req = this.req;
    const upstream = req.upstream!;
    if (req.holding) {
      req.holding = false;
      upstream.release();
    }
    if (req.breakerResolve !== undefined) req.breakerResolve(); // client left before the head arrived: neutral
    req.breakerResolve = req.breakerReject = undefined;
    if (!this.writableFinished && req.proxyRes && !req.proxyRes.destroyed) req.proxyRes.destroy(); // free the upstream socket
    // Answered before the whole body arrived (e.g. a 413/415 sent without reading it): node's http client stops relaying
    // 'drain' once the response is complete (_http_client socketOnData removes its listener), so the body pipe would
    // stall and the client's keep-alive connection hang. Discard the rest, as node's own server does (_dump).
    if (this.writableFinished && !req.complete) {
      req.unpipe();
      req.proxyReq?.destroy();
      req.resume();
    }
    const status = this.statusCode;
    const route = req.route;
    traffic.record(route ? route.index : ctx.unlistedIndex, upstream === monolith ? SIDE_MONOLITH : SIDE_SERVICE, Date.now(), status >= 500);
    const seconds = (performance.now() - req.startedAt) / 1000;
    metrics.response(route ? route.module : "unlisted", upstream.name, status, seconds);
    if (accessLog !== undefined)
      accessLog({ method: req.method, url: req.url, status, upstream: upstream.name, replayed: req.replayed, ms: Math.round(seconds * 10_000) / 10, requestId: req.requestId });
  }

  return function handle(req: ProxyRequest, res: ProxyResponse): void {
    const url = req.url ?? "/";
    if (isReservedPath(url)) return ctx.admin(req, res);
    req.startedAt = performance.now();
    const headers = req.headers;
    let requestId = headers["x-request-id"];
    if (typeof requestId !== "string" || !VALID_REQUEST_ID.test(requestId)) headers["x-request-id"] = requestId = randomUUID();
    req.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);

    let upstream = monolith;
    const route = match(url);
    if (route !== undefined) {
      req.route = route;
      let userId = identityOf(headers.authorization, headers.cookie, cookie.name);
      if (userId === undefined) {
        userId = newSessionId();
        req.newCookie = stickyCookie(cookie.name, userId, cookie);
        res.setHeader("Set-Cookie", req.newCookie);
      }
      const wantsService = toService(route.flag, userId);
      metrics.decision(route.module, wantsService);
      if (wantsService) {
        if (route.service.allowsTraffic()) upstream = route.service;
        else metrics.fallback(route.module, route.service.name, "breaker_open");
      }
    }
    req.upstream = upstream;
    res.on("close", onClose); // once per response object: no need for once()'s wrapper
    if (!upstream.tryAcquire()) {
      metrics.overloaded(upstream.name);
      return sendProxyError(res, 503, "PROXY.OVERLOADED", `${upstream.name} is at its concurrency limit (${upstream.settings.maxConcurrent} in flight)`, requestId, upstream.name, {
        "x-strangler-overloaded": "true",
        "retry-after": "1",
      });
    }
    req.holding = true;
    res.setHeader("X-Upstream", upstream.name);
    if (upstream !== monolith && hasBody(req)) captureBody(req, ctx.replayBodyMaxBytes);
    upstream.forward(req, res);
  };
}
