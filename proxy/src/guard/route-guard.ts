import { Counter, Gauge, type Registry } from "prom-client";
import type { Logger } from "../../../src/platform/logger/logger.js";
import type { GuardSettings } from "../config/proxy.config.js";
import type { FlagSummary } from "../flags/flags-file.js";
import { GUARD_MONOLITH, GUARD_SERVICE, GuardWindow, type WindowStats } from "./guard-window.js";
import { judge, type TripReason } from "./verdict.js";

/** Sets the route's flag to 0 % in the flag store (Unleash Admin API or the flags file), recording the reason. */
export type RollBackWriter = (flag: string, reason: string) => Promise<void>;

export interface GuardedRoute {
  readonly index: number;
  readonly module: string;
  readonly flag: string;
  readonly guard?: GuardSettings;
}

export interface GuardOptions {
  readonly routes: readonly GuardedRoute[];
  readonly defaults: GuardSettings;
  readonly summary: (flag: string) => FlagSummary;
  /** Undefined: the guard still routes this proxy to the monolith, but cannot set the flag (logged). */
  readonly rollBack?: RollBackWriter;
  readonly logger: Logger;
  readonly registry: Registry;
  /** How often the windows are judged (default: a tenth of the shortest window, at most 1 s). */
  readonly evaluateMs?: number;
}

/** A route's guard as the status JSON shows it. */
export interface GuardStatus {
  readonly state: "watching" | "tripped" | "off";
  readonly reason: string | null;
  readonly trippedAt: string | null;
  /** Tripped, and this proxy's flag source has read the flag at 0 % (or off) since: a new percentage re-arms it. */
  readonly converged: boolean;
  readonly window: WindowStats;
}

interface RouteState {
  readonly route: GuardedRoute;
  readonly settings: GuardSettings;
  readonly window: GuardWindow;
  tripped: boolean;
  reason: string | null;
  trippedAt: Date | null;
  /** The flag has been seen at 0 % (or off) since the trip: the store converged, or a person turned it off. */
  converged: boolean;
  /** The rollout the flag had when the guard tripped, to tell a person's new percentage from the old one. */
  rolloutAtTrip: number | null;
}

const active = (s: FlagSummary): boolean => s.exists && s.enabled && s.rollout !== 0;

/**
 * The route guard: while a route's rollout is above 0 %, compares its service with the monolith on the same
 * route over a sliding window (verdict.ts); on a trip this proxy sends the route to the monolith at once and the
 * flag is set to 0 % with the reason through the flag store, so every replica converges. A person re-enables the
 * route by setting a percentage again. record() is O(1) on the request path; judging runs on a timer.
 * @example const guard = createRouteGuard({ routes, defaults, summary: (f) => flags.summary(f), logger, registry });
 */
export function createRouteGuard(options: GuardOptions) {
  const { defaults, summary, rollBack, registry } = options;
  const log = options.logger.child({ component: "guard" });
  const states: RouteState[] = options.routes.map((route) => {
    const settings = route.guard ?? defaults;
    const window = new GuardWindow(Math.ceil(settings.windowMs / 1000));
    return { route, settings, window, tripped: false, reason: null, trippedAt: null, converged: false, rolloutAtTrip: null };
  });
  const trippedFlags = new Set<string>();
  const trips = new Counter({ name: "strangler_guard_trips_total", help: "Route guard trips (route rolled back to the monolith), by route and reason (5xx, latency)", labelNames: ["route", "reason"] as const, registers: [registry] });
  new Gauge({
    name: "strangler_guard_state",
    help: "Route guard state per route: 0 watching, 1 tripped (routed to the monolith)",
    labelNames: ["route"] as const,
    registers: [registry],
    collect() {
      for (const s of states) this.set({ route: s.route.module }, s.tripped ? 1 : 0);
    },
  });

  function trip(s: RouteState, reason: TripReason, text: string, flag: FlagSummary): void {
    s.tripped = true;
    s.reason = text;
    s.trippedAt = new Date();
    s.converged = false;
    s.rolloutAtTrip = flag.rollout;
    s.window.reset();
    trippedFlags.add(s.route.flag);
    trips.inc({ route: s.route.module, reason });
    log.warn(`guard rolled back ${s.route.module}: ${text}`, { route: s.route.module, flag: s.route.flag, reason });
    if (!rollBack) return log.warn(`guard cannot set ${s.route.flag} to 0 %: no flag store writer (UNLEASH_ADMIN_TOKEN unset); only this proxy routes ${s.route.module} to the monolith`);
    rollBack(s.route.flag, `guard rolled back ${s.route.module}: ${text}`).then(
      () => {
        log.info(`guard set ${s.route.flag} to 0 % in the flag store`, { route: s.route.module });
      },
      (e: unknown) => log.error(`guard could not set ${s.route.flag} to 0 %: ${e instanceof Error ? e.message : String(e)}`, { route: s.route.module }),
    );
  }

  function rearm(s: RouteState): void {
    s.tripped = false;
    s.window.reset();
    if (!states.some((o) => o.tripped && o.route.flag === s.route.flag)) trippedFlags.delete(s.route.flag);
    log.info(`guard watching ${s.route.module} again: its rollout was set again`, { route: s.route.module, flag: s.route.flag });
  }

  /** Judges every route once (the timer's tick). */
  function evaluate(now = Date.now()): void {
    for (const s of states) {
      if (!s.settings.enabled) continue;
      const flag = summary(s.route.flag);
      if (s.tripped) {
        // Re-armed by a percentage set after the flag was seen at 0 %, or a different one (the write failed).
        if (!active(flag)) s.converged = true;
        else if (s.converged || flag.rollout !== s.rolloutAtTrip) rearm(s);
        continue;
      }
      if (!active(flag)) continue;
      const verdict = judge(s.window.snapshot(now), s.settings);
      if (verdict) trip(s, verdict.reason, verdict.text, flag);
    }
  }
  const timer = setInterval(evaluate, options.evaluateMs ?? Math.min(1000, Math.max(100, Math.min(...states.map((s) => s.settings.windowMs), 10_000) / 10)));
  timer.unref();

  return {
    /** The observe stage: one answered request of a route (by index), from the service or the monolith. */
    record(index: number, fromService: boolean, status: number, ms: number): void {
      states[index]?.window.record(fromService ? GUARD_SERVICE : GUARD_MONOLITH, Date.now(), status >= 500, ms);
    },
    /** False while the guard holds this flag's route on the monolith (the decide stage asks before the flag). */
    allows: (flag: string): boolean => trippedFlags.size === 0 || !trippedFlags.has(flag),
    status(index: number, now = Date.now()): GuardStatus | null {
      const s = states[index];
      if (!s) return null;
      const state = !s.settings.enabled ? "off" : s.tripped ? "tripped" : "watching";
      return { state, reason: s.reason, trippedAt: s.trippedAt?.toISOString() ?? null, converged: s.tripped && s.converged, window: s.window.snapshot(now) };
    },
    evaluate,
    close: () => clearInterval(timer),
  };
}

export type RouteGuard = ReturnType<typeof createRouteGuard>;
