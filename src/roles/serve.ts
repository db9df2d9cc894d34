import type { Router } from "express";
import { createHealthRouter } from "../platform/health/health.router.js";
import { createHttpApp } from "../platform/http/create-http-app.js";
import { startServer, type RunningServer } from "../platform/server/start-server.js";
import type { Runtime } from "./runtime.js";

/** One HTTP server of a role: health + readiness + the given module routers, on the shared runtime. */
export function serveRouters(rt: Runtime, args: { name: string; port: number; routers: Router[] }): Promise<RunningServer> {
  const app = createHttpApp({
    logger: rt.logger,
    bodyLimit: rt.config.bodyLimit,
    routers: [createHealthRouter(rt.readiness), ...args.routers],
  });
  return startServer(app, { port: args.port, host: rt.config.host, logger: rt.logger, name: args.name });
}
