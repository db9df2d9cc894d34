import type { RouteGuard } from "../guard/route-guard.js";
import type { ProxyRequest } from "../request/proxy-request.js";
import type { Upstream } from "../upstream/upstream.js";
import type { ProxyMetrics } from "./proxy-metrics.js";
import { SIDE_MONOLITH, SIDE_SERVICE, type TrafficWindow } from "./traffic-window.js";

export interface ObserveContext {
  readonly metrics: ProxyMetrics;
  readonly traffic: TrafficWindow;
  /** Index used in the traffic window for unlisted paths (after the routes). */
  readonly unlistedIndex: number;
  readonly monolith: Upstream;
  /** The route guard's windows (guard/route-guard.ts): each routed answer, per side. */
  readonly guard?: RouteGuard;
  /** Per-request access log, only when LOG_LEVEL=debug (undefined otherwise: nothing is built per request). */
  readonly accessLog?: (entry: Record<string, unknown>) => void;
}

/** The observe stage: one record per answered request — the traffic window, the guard, the metrics, the access log. */
export function createObserver(ctx: ObserveContext): (req: ProxyRequest, status: number) => void {
  const { metrics, traffic, unlistedIndex, monolith, guard, accessLog } = ctx;
  return (req, status) => {
    const upstream = req.upstream!;
    const route = req.route;
    traffic.record(route ? route.index : unlistedIndex, upstream === monolith ? SIDE_MONOLITH : SIDE_SERVICE, Date.now(), status >= 500);
    const seconds = (performance.now() - req.startedAt) / 1000;
    if (route !== undefined && guard !== undefined) guard.record(route.index, upstream !== monolith, status, seconds * 1000);
    metrics.response(route ? route.module : "unlisted", upstream.name, status, seconds);
    if (accessLog !== undefined)
      accessLog({ method: req.method, url: req.url, status, upstream: upstream.name, replayed: req.replayed, ms: Math.round(seconds * 10_000) / 10, requestId: req.requestId });
  };
}
