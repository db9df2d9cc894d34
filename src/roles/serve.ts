import path from "node:path";
import { Router } from "express";
import { buildOpenApi } from "../platform/openapi/build-openapi.js";
import type { OpenApiFragment } from "../platform/openapi/openapi-helpers.js";
import { createHealthRouter } from "../platform/health/health.router.js";
import { createHttpApp } from "../platform/http/create-http-app.js";
import { createFaultInjection } from "../platform/http/fault-injection.js";
import { createShadowDryRun } from "../platform/http/shadow-dry-run.js";
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

/** Where `strangler faults` writes and every extracted service reads its faults. */
export const faultsFile = (dataDir: string): string => path.join(dataDir, "faults.json");

/** A dry run waits this long for a pooled connection before answering 503 SHADOW.BUSY. */
const SHADOW_MAX_WAIT_MS = 2_000;

/** The app of one server: health, readiness, /openapi.json and the given modules' routers, on the shared runtime. */
export function createModulesApp(rt: Runtime, name: string, modules: ServedModule[]) {
  const service = /^service (.+)$/.exec(name)?.[1]; // fault injection in extracted services only (strangler faults)
  return createHttpApp({
    first: service ? createFaultInjection({ file: faultsFile(rt.config.dataDir), service, logger: rt.logger }) : undefined,
    // Every server checks X-Strangler-Shadow; only an extracted service runs a valid one (dry), the monolith refuses it.
    shadow: createShadowDryRun({
      secret: rt.config.shadow.secret,
      honour: service !== undefined,
      db: rt.db,
      logger: rt.logger,
      maxInFlight: rt.config.shadow.maxInFlight,
      limits: { timeoutMs: rt.config.shadow.timeoutMs, maxWaitMs: SHADOW_MAX_WAIT_MS },
    }),
    logger: rt.logger,
    bodyLimit: rt.config.bodyLimit,
    routers: [createMetricsRouter(), createHealthRouter(rt.readiness, { details: rt.details, logger: rt.logger.child({ component: "health" }) }), openApiRouter(`Strangler ${name}`, modules), ...modules.map((m) => m.router)],
  });
}

export function serveModules(rt: Runtime, args: { name: string; port: number; modules: ServedModule[] }): Promise<RunningServer> {
  const app = createModulesApp(rt, args.name, args.modules);
  return startServer(app, { port: args.port, host: rt.config.host, logger: rt.logger, name: args.name });
}
