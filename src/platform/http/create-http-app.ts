import express, { type RequestHandler, type Router } from "express";
import { requestIdMiddleware } from "./request-id.js";
import { hashShadowBody } from "./shadow-dry-run.js";
import { jsonBodiesOnly, methodNotAllowedHandler, optionsHandler } from "./request-guards.js";
import { createErrorHandler, notFoundHandler } from "../errors/error-handler.js";
import type { Logger } from "../logger/logger.js";

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit: string;
  /** Routers mounted in order; each router carries its own full paths (/api/users, /health …). */
  routers: Router[];
  /** Runs right after the request id, before everything else (an extracted service's fault injection). */
  first?: RequestHandler;
  /** Runs right after body parsing, before the routers: the dry-run stage for shadowed writes (shadow-dry-run.ts). */
  shadow?: RequestHandler;
}

/**
 * The Express app every role uses: request id, access log, JSON-only bodies (415 otherwise) with a size limit,
 * the shadow dry-run stage, routers, 405 for a known path with another method, 404 and the central error handler.
 */
export function createHttpApp({ logger, bodyLimit, routers, first, shadow }: HttpAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(requestIdMiddleware);
  if (first) app.use(first);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug("request", { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    next();
  });
  app.use(jsonBodiesOnly);
  app.use(express.json({ limit: bodyLimit, strict: true, verify: hashShadowBody }));
  if (shadow) app.use(shadow);
  app.use(optionsHandler(routers));
  for (const router of routers) app.use(router);
  app.use(methodNotAllowedHandler(routers));
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
