import { Router } from "express";
import { collectDefaultMetrics, register } from "prom-client";

let defaultsCollected = false;

/**
 * GET /metrics of an app role: prom-client's default `register` (process metrics, the outbox backlog, consumer lag
 * and whatever else the platform registers there). Served on the role's own port, which only the cluster reaches: the
 * proxy answers /metrics on its public port itself (404) and never forwards it (docs/proxy.md).
 * @example app.use(createMetricsRouter()); // GET /metrics -> text/plain; version=0.0.4
 */
export function createMetricsRouter(): Router {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register });
    defaultsCollected = true;
  }
  return Router().get("/metrics", async (_req, res, next) => {
    try {
      const body = await register.metrics();
      res.type(register.contentType).send(body);
    } catch (e) {
      next(e);
    }
  });
}
