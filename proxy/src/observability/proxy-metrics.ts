import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the gauges read at scrape time (so the hot path never touches them). */
export interface MetricsSources {
  upstreams(): Iterable<{ name: string; inFlight: number; health: { healthy?: boolean }; breakerState: "closed" | "open" | "halfOpen" | "none" }>;
  flagsReady(): boolean;
}

const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * The proxy's Prometheus metrics on their own registry (the monolith may share the process in the `all`
 * role). Label values are bounded: route = module name or "unlisted", upstream = monolith or a module,
 * status = HTTP status code, reason/kind = small fixed sets.
 */
export function createProxyMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "strangler_proxy_" });
  const requests = new Counter({
    name: "strangler_proxy_requests_total",
    help: "Requests answered through the proxy, by route, upstream that answered and status code",
    labelNames: ["route", "upstream", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "strangler_proxy_request_duration_seconds",
    help: "Time from request received to response finished, by route and upstream",
    labelNames: ["route", "upstream"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const decisions = new Counter({
    name: "strangler_proxy_flag_decisions_total",
    help: "Routing decisions by the route's flag: service (flag on for this user) or monolith",
    labelNames: ["route", "decision"] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: "strangler_proxy_fallbacks_total",
    help: "Requests meant for an extracted service that the monolith answered instead, by reason",
    labelNames: ["route", "upstream", "reason"] as const,
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: "strangler_proxy_upstream_errors_total",
    help: "Failed upstream exchanges by kind (connect, timeout, reset, status_5xx)",
    labelNames: ["upstream", "kind"] as const,
    registers: [registry],
  });
  const overloaded = new Counter({
    name: "strangler_proxy_overloaded_total",
    help: "Requests rejected with 503 because the upstream was at its concurrency limit",
    labelNames: ["upstream"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "strangler_proxy_breaker_state",
    help: "Circuit breaker state per extracted service: 0 closed, 1 half-open, 2 open",
    labelNames: ["upstream"] as const,
    registers: [registry],
    collect() {
      for (const u of sources.upstreams()) if (u.breakerState !== "none") this.set({ upstream: u.name }, BREAKER_STATE[u.breakerState]);
    },
  });
  new Gauge({
    name: "strangler_proxy_upstream_in_flight",
    help: "Requests in flight per upstream (the concurrency limit applies to this)",
    labelNames: ["upstream"] as const,
    registers: [registry],
    collect() {
      for (const u of sources.upstreams()) this.set({ upstream: u.name }, u.inFlight);
    },
  });
  new Gauge({
    name: "strangler_proxy_upstream_up",
    help: "Last health check per upstream: 1 healthy, 0 unhealthy or not checked yet",
    labelNames: ["upstream"] as const,
    registers: [registry],
    collect() {
      for (const u of sources.upstreams()) this.set({ upstream: u.name }, u.health.healthy ? 1 : 0);
    },
  });
  new Gauge({
    name: "strangler_proxy_flags_ready",
    help: "1 when flags are known (from Unleash, its backup, or the flags file); 0 routes everything to the monolith",
    registers: [registry],
    collect() {
      this.set(sources.flagsReady() ? 1 : 0);
    },
  });

  // Label objects are cached per (route, upstream[, status]): no allocation per request on the hot path.
  type Pair = { labels: { route: string; upstream: string }; byStatus: Map<number, { route: string; upstream: string; status: string }> };
  const pairs = new Map<string, Map<string, Pair>>();
  const pairOf = (route: string, upstream: string): Pair => {
    let byUpstream = pairs.get(route);
    if (!byUpstream) pairs.set(route, (byUpstream = new Map()));
    let pair = byUpstream.get(upstream);
    if (!pair) byUpstream.set(upstream, (pair = { labels: { route, upstream }, byStatus: new Map() }));
    return pair;
  };

  return {
    registry,
    response(route: string, upstream: string, status: number, seconds: number): void {
      const pair = pairOf(route, upstream);
      let labels = pair.byStatus.get(status);
      if (!labels) pair.byStatus.set(status, (labels = { route, upstream, status: String(status) }));
      requests.inc(labels);
      duration.observe(pair.labels, seconds);
    },
    decision: (route: string, toService: boolean) => decisions.inc({ route, decision: toService ? "service" : "monolith" }),
    fallback: (route: string, upstream: string, reason: "breaker_open" | "connect_failed" | "replayed_after_error") =>
      fallbacks.inc({ route, upstream, reason }),
    upstreamError: (upstream: string, kind: "connect" | "timeout" | "reset" | "status_5xx") => upstreamErrors.inc({ upstream, kind }),
    overloaded: (upstream: string) => overloaded.inc({ upstream }),
  };
}

export type ProxyMetrics = ReturnType<typeof createProxyMetrics>;
