import { Router } from "express";
import { buildOpenApi } from "../platform/openapi/build-openapi.js";
import type { OpenApiFragment } from "../platform/openapi/openapi-helpers.js";
import { createHealthRouter } from "../platform/health/health.router.js";
import { createHttpApp } from "../platform/http/create-http-app.js";
import { createMetricsRouter } from "../platform/observability/metrics.router.js";
import { startServer, type RunningServer } from "../platform/server/start-server.js";
import type { Runtime } from "./runtime.js";

export interface ServedModule {
  readonly router: Router;
  readonly openapi: OpenApiFragment;
}

/** GET /openapi.json: the document of exactly the modules this server hosts. */
export function openApiRouter(title: string, modules: ServedModule[]): Router {
  const document = buildOpenApi(title, modules.map((m) => m.openapi));
  return Router().get("/openapi.json", (_req, res) => {
    res.json(document);
  });
}

/** The app of one server: health, readiness, /openapi.json and the given modules' routers, on the shared runtime. */
export function createModulesApp(rt: Runtime, name: string, modules: ServedModule[]) {
  return createHttpApp({
    logger: rt.logger,
    bodyLimit: rt.config.bodyLimit,
    routers: [createMetricsRouter(), createHealthRouter(rt.readiness, { details: rt.details, logger: rt.logger.child({ component: "health" }) }), openApiRouter(`Strangler ${name}`, modules), ...modules.map((m) => m.router)],
  });
}

export function serveModules(rt: Runtime, args: { name: string; port: number; modules: ServedModule[] }): Promise<RunningServer> {
  const app = createModulesApp(rt, args.name, args.modules);
  return startServer(app, { port: args.port, host: rt.config.host, logger: rt.logger, name: args.name });
}
