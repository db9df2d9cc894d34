import { Router } from "express";

/** A named readiness check: resolves when healthy, rejects with the reason otherwise. */
export type ReadinessCheck = { name: string; check: () => Promise<void> };

/** GET /health (process is up) and GET /ready (every check passes, else 503 naming the failing ones). */
export function createHealthRouter(checks: ReadinessCheck[]): Router {
  const router = Router();
  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/ready", async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, { status: "ok" }] as const;
        } catch (e) {
          return [name, { status: "fail", error: e instanceof Error ? e.message : String(e) }] as const;
        }
      }),
    );
    const failing = results.filter(([, r]) => r.status !== "ok").map(([n]) => n);
    res.status(failing.length ? 503 : 200).json({
      status: failing.length ? "unavailable" : "ready",
      ...(failing.length ? { failing } : {}),
      checks: Object.fromEntries(results),
    });
  });
  return router;
}
