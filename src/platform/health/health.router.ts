import { Router } from "express";
import { withTimeout } from "../async/with-timeout.js";
import type { Logger } from "../logger/logger.js";

/** A named readiness check: resolves when healthy, rejects with the reason otherwise. Only what serving needs. */
export type ReadinessCheck = { name: string; check: () => Promise<void> };

/**
 * A named diagnostic for GET /health/details (Kafka, consumers, outbox backlog): never part of readiness, so a
 * broker outage does not take a pod out of service. May describe errors in full.
 */
export type HealthDetail = { name: string; describe: () => Promise<unknown> };

export interface HealthRouterOptions {
  readonly details?: readonly HealthDetail[];
  /** Where a failing readiness check's error goes (the /ready body only names the check). */
  readonly logger?: Logger;
  readonly timeoutMs?: number;
  /** At most one warning per failing check per this interval (a probe every few seconds must not flood the log). */
  readonly logIntervalMs?: number;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

type CheckResult = readonly [string, { status: "ok" } | { status: "fail"; error: string }];

/**
 * GET /health (process is up), GET /ready (every readiness check passes within `timeoutMs`, else 503 naming the
 * failing ones — no error text: that is logged) and GET /health/details (checks with their errors, plus every
 * diagnostic; always 200, for humans and dashboards, not for probes).
 */
export function createHealthRouter(checks: readonly ReadinessCheck[], options: HealthRouterOptions = {}): Router {
  const { details = [], logger, timeoutMs = 3_000, logIntervalMs = 30_000 } = options;
  const lastLogged = new Map<string, number>();
  const router = Router();

  const runChecks = (): Promise<CheckResult[]> =>
    Promise.all(
      checks.map(async ({ name, check }): Promise<CheckResult> => {
        try {
          await withTimeout(check(), timeoutMs, name);
          if (lastLogged.delete(name)) logger?.info("readiness check passes again", { check: name });
          return [name, { status: "ok" }];
        } catch (e) {
          return [name, { status: "fail", error: messageOf(e) }];
        }
      }),
    );

  const logFailure = (name: string, error: string) => {
    const now = Date.now();
    const last = lastLogged.get(name);
    if (last !== undefined && now - last < logIntervalMs) return;
    lastLogged.set(name, now);
    logger?.warn("readiness check failing: not ready", { check: name, error });
  };

  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/ready", async (_req, res) => {
    const results = await runChecks();
    const failing = results.filter(([, r]) => r.status !== "ok").map(([n]) => n);
    for (const [name, r] of results) if (r.status === "fail") logFailure(name, r.error);
    res.status(failing.length ? 503 : 200).json({
      status: failing.length ? "unavailable" : "ready",
      ...(failing.length ? { failing } : {}),
      checks: Object.fromEntries(results.map(([name, r]) => [name, { status: r.status }])),
    });
  });
  router.get("/health/details", async (_req, res) => {
    const [results, described] = await Promise.all([
      runChecks(),
      Promise.all(
        details.map(async ({ name, describe }) => {
          try {
            return [name, await withTimeout(describe(), timeoutMs, name)] as const;
          } catch (e) {
            return [name, { status: "fail", error: messageOf(e) }] as const;
          }
        }),
      ),
    ]);
    const ready = results.every(([, r]) => r.status === "ok");
    res.json({
      status: ready ? "ready" : "unavailable",
      checkedAt: new Date().toISOString(),
      checks: Object.fromEntries(results),
      ...Object.fromEntries(described),
    });
  });
  return router;
}
