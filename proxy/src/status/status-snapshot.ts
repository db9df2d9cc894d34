import type { RouteGuard } from "../guard/route-guard.js";
import type { FlagSource } from "../flags/runtime/flag-source.js";
import type { TrafficWindow } from "../observability/traffic-window.js";
import type { CompiledRoute } from "../routing/route-table.js";
import type { Upstream } from "../upstream/upstream.js";
import { shadowFlagOf } from "../shadow/shadow-flag.js";
import type { ShadowStats } from "../shadow/shadow-stats.js";

export interface StatusSources {
  readonly routes: readonly CompiledRoute[];
  readonly monolith: Upstream;
  readonly services: readonly Upstream[];
  readonly flags: FlagSource;
  readonly traffic: TrafficWindow;
  readonly unlistedIndex: number;
  readonly startedAt: Date;
  /** The route guard: its state, reason and window per route. */
  readonly guard?: RouteGuard;
  /** Shadow outcomes per route (shadow/shadow-stats.ts); absent: no shadow section. */
  readonly shadow?: ShadowStats;
  /** True once close() began: /ready turns 503 so the pod leaves the endpoints while in-flight requests finish. */
  readonly closing?: () => boolean;
}

/** One upstream as the status page and /health/details show it: polled health, breaker, load. */
export const upstreamStatus = (u: Upstream) => ({
  name: u.name,
  url: u.url,
  healthy: u.health.healthy ?? null,
  checkedAt: u.health.checkedAt ?? null,
  healthError: u.health.error ?? null,
  breaker: u.breakerState,
  inFlight: u.inFlight,
  maxConcurrent: u.settings.maxConcurrent,
  timeoutMs: u.settings.timeoutMs,
});

/**
 * The proxy's readiness, from its own state only: the route table is loaded (it is, once the server listens) and
 * flags are available — from Unleash, its backup file, or the fail-safe default (every route to the monolith).
 * An upstream being down never makes the proxy unready: the breaker and the fallback handle that.
 */
export function buildReadiness(s: StatusSources) {
  const flags = s.flags.status();
  const closing = s.closing?.() ?? false;
  return {
    status: closing ? ("unavailable" as const) : ("ready" as const),
    ...(closing ? { failing: ["shutdown"] } : {}),
    checks: {
      routes: { status: "ok" as const, count: s.routes.length },
      flags: { status: "ok" as const, mode: flags.mode, source: flags.ready ? ("loaded" as const) : ("fail-safe: every route to the monolith" as const) },
    },
  };
}

/** GET /health/details on the proxy: readiness, flag source state (errors included), every upstream's health and breaker. */
export function buildHealthDetails(s: StatusSources, now = Date.now()) {
  return { ...buildReadiness(s), checkedAt: new Date(now).toISOString(), flags: s.flags.status(), upstreams: [upstreamStatus(s.monolith), ...s.services.map(upstreamStatus)] };
}

/** The JSON behind /_strangler/status: routes with flag, rollout and live split; upstreams with health and breaker. */
export function buildStatus(s: StatusSources, now = Date.now()) {
  const upstream = upstreamStatus;
  const traffic = (index: number) => {
    const w = s.traffic.snapshot(index, now);
    return {
      lastMinute: { monolith: w.monolith, service: w.service, errors: w.errors, total: w.total, serviceShare: w.serviceShare },
      perSecond: w.series.map((p) => [p.t, p.monolith, p.service, p.errors]),
    };
  };
  return {
    generatedAt: new Date(now).toISOString(),
    startedAt: s.startedAt.toISOString(),
    flags: s.flags.status(),
    routes: s.routes.map((r) => {
      const summary = s.flags.summary(r.flag);
      return {
        prefix: r.prefix,
        module: r.module,
        description: r.description ?? null,
        flag: r.flag,
        flagExists: summary.exists,
        enabled: summary.enabled,
        rollout: summary.rollout,
        customStrategy: summary.custom,
        upstream: r.service.name,
        upstreamUrl: r.service.url,
        breaker: r.service.breakerState,
        healthy: r.service.health.healthy ?? null,
        traffic: traffic(r.index),
        guard: s.guard?.status(r.index, now) ?? null,
        ...(s.shadow === undefined ? {} : { shadow: s.shadow.snapshot(r.index, shadowPercent(s.flags, r.flag)) }),
      };
    }),
    unlisted: { upstream: s.monolith.name, traffic: traffic(s.unlistedIndex) },
    upstreams: [upstream(s.monolith), ...s.services.map(upstream)],
  };
}

/** The share of reads mirrored: the shadow flag's rollout while it is on, else 0. */
function shadowPercent(flags: FlagSource, routeFlag: string): number | null {
  const f = flags.summary(shadowFlagOf(routeFlag));
  return f.exists && f.enabled ? f.rollout : 0;
}
