import type { RequestHandler, Router } from "express";
import { AppError } from "../errors/app-error.js";

type RouterLayer = { route?: { _methods(): string[] }; match(path: string): unknown };

/**
 * The methods `path` is served with across `routers`, as Express lists them in its automatic OPTIONS answer
 * (`Allow`, sorted, HEAD wherever GET is). Empty when no route matches the path.
 */
export function allowedMethods(routers: readonly Router[], path: string): string[] {
  const methods = new Set<string>();
  for (const router of routers)
    for (const layer of (router as unknown as { stack: RouterLayer[] }).stack) {
      let matches = false;
      try {
        matches = Boolean(layer.route && layer.match(path));
      } catch {
        // a malformed %-escape in a parameter: the router already answered 400 for it
      }
      if (matches) for (const m of layer.route!._methods()) methods.add(m);
    }
  return [...methods].sort();
}

/**
 * Before the routers: OPTIONS lists the methods of every router serving the path (Express's own answer stops at
 * the first router with a matching route), in Express's format.
 */
export function optionsHandler(routers: readonly Router[]): RequestHandler {
  return (req, res, next) => {
    const allow = req.method === "OPTIONS" ? allowedMethods(routers, req.path).join(", ") : "";
    if (!allow) return next();
    res.setHeader("Allow", allow);
    res.type("text/plain").send(allow);
  };
}

/** After the routers: a known path with another method is a 405 with `Allow`, not a 404. */
export function methodNotAllowedHandler(routers: readonly Router[]): RequestHandler {
  return (req, res, next) => {
    const allow = allowedMethods(routers, req.path);
    if (!allow.length) return next();
    res.setHeader("Allow", allow.join(", "));
    next(new AppError({ code: "REQUEST.METHOD_NOT_ALLOWED", httpStatus: 405, message: `${req.method} is not allowed on ${req.path}; allowed: ${allow.join(", ")}` }));
  };
}

const MEDIA_TYPE_SHOWN = 100;

/**
 * Before the JSON parser: a request that carries a body must declare `application/json` (any charset parameter).
 * Without this, express.json() skips other media types and the handler sees no body ("value is required").
 */
export const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const length = req.headers["content-length"];
  const hasBody = req.headers["transfer-encoding"] !== undefined || (length !== undefined && Number(length) !== 0);
  if (!hasBody || req.is("application/json")) return next();
  const got = req.headers["content-type"];
  next(
    new AppError({
      code: "REQUEST.UNSUPPORTED_MEDIA_TYPE",
      httpStatus: 415,
      message: `request bodies must be application/json (got ${got ? got.slice(0, MEDIA_TYPE_SHOWN) : "no Content-Type"})`,
    }),
  );
};
