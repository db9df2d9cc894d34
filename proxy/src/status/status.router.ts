import express, { type ErrorRequestHandler, type Express, type Request } from "express";
import type { Registry } from "prom-client";
import { errorBody } from "../../../src/platform/errors/error-body.js";
import { STATUS_PAGE_HTML } from "./status-page.html.js";
import { buildHealthDetails, buildReadiness, buildStatus, type StatusSources } from "./status-snapshot.js";

/**
 * The proxy's own endpoints (an Express app, off the hot path): GET /health (liveness), GET /ready (readiness
 * from the proxy's own state — never forwarded), and with `internals` (the admin server only) GET /health/details
 * (upstreams, breakers, flag source, error text), GET /metrics (Prometheus), GET /_strangler (status page),
 * GET /_strangler/status (its JSON). Without `internals` (the public port) those answer 404 PROXY.NOT_FOUND.
 * Everything here answers with `X-Upstream: proxy`.
 */
export function createStatusApp(sources: StatusSources, registry: Registry, { internals }: { internals: boolean }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((_req, res, next) => {
    res.setHeader("X-Upstream", "proxy");
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/ready", (_req, res) => {
    const readiness = buildReadiness(sources);
    res.status(readiness.status === "ready" ? 200 : 503).json(readiness);
  });
  if (internals) addInternals(app, sources, registry);
  app.use((req, res) => {
    res.status(404).json(errorBody("PROXY.NOT_FOUND", `${req.method} ${req.path} is not a proxy endpoint`, requestIdOf(req)));
  });
  // Never the error's own text: it may carry internals (paths, hosts) the public port must not show.
  const onError: ErrorRequestHandler = (_error: unknown, req, res, _next) => {
    res.status(500).json(errorBody("PROXY.INTERNAL", "internal error", requestIdOf(req)));
  };
  app.use(onError);
  return app;
}

/** The pipeline has set X-Request-Id (a valid incoming one, or a fresh one) before the request gets here. */
const requestIdOf = (req: Request): string | undefined => {
  const id = req.headers["x-request-id"];
  return typeof id === "string" ? id : undefined;
};

/** What only the admin port shows: diagnostics with error text, metrics, the status page and its JSON. */
function addInternals(app: Express, sources: StatusSources, registry: Registry): void {
  app.get("/health/details", (_req, res) => {
    res.json(buildHealthDetails(sources));
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get(["/_strangler", "/_strangler/"], (_req, res) => {
    res.type("html").send(STATUS_PAGE_HTML);
  });
  app.get("/_strangler/status", (_req, res) => {
    res.json(buildStatus(sources));
  });
}
