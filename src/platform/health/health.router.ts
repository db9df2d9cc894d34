import { Router } from "express";

/** A named readiness check: resolves when healthy, rejects with the reason otherwise. */
export type ReadinessCheck = { name: string; check: () => Promise<void> };

const withTimeout = (p: Promise<void>, ms: number, name: string) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

/** GET /health (process is up) and GET /ready (every check passes within `timeoutMs`, else 503 naming the failing ones). */
export function createHealthRouter(checks: ReadinessCheck[], timeoutMs = 3_000): Router {
  const router = Router();
  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/ready", async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), timeoutMs, name);
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
