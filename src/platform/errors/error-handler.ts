import type { ErrorRequestHandler, RequestHandler } from "express";
import { isDatabaseUnavailable } from "../db/db-errors.js";
import { AppError, dependencyUnavailable, isAppError } from "./app-error.js";
import { errorBody, type ErrorBody } from "./error-body.js";
import { describeError } from "./process-errors.js";
import { currentRequestId } from "../logger/request-context.js";
import type { Logger } from "../logger/logger.js";

// Errors raised by express/body-parser before our code runs: map them to client errors, never 500.
function fromFrameworkError(err: { type?: string; status?: number; expose?: boolean; message?: string }): AppError | undefined {
  switch (err.type) {
    case "entity.too.large":
      return new AppError({ code: "REQUEST.TOO_LARGE", httpStatus: 413, message: "request body exceeds the size limit" });
    case "entity.parse.failed":
      return new AppError({ code: "REQUEST.INVALID_JSON", httpStatus: 400, message: "request body is not valid JSON" });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError({ code: "REQUEST.UNSUPPORTED_ENCODING", httpStatus: 415, message: err.message ?? "unsupported encoding" });
  }
  // The router's decodeParam: a malformed %-escape in a path parameter (a URIError with status 400, not marked expose).
  if (err instanceof URIError && (err as { status?: number }).status === 400)
    return new AppError({ code: "REQUEST.INVALID", httpStatus: 400, message: "the URL path has a malformed percent-encoding" });
  if (err.expose && err.status && err.status >= 400 && err.status < 500)
    return new AppError({ code: "REQUEST.INVALID", httpStatus: err.status, message: err.message ?? "invalid request" });
  return undefined;
}

// A database that is down or restarting is a dependency outage (503, retry later), not an internal error.
const fromDatabaseError = (err: unknown): AppError | undefined => (isDatabaseUnavailable(err) ? dependencyUnavailable("database", err) : undefined);

/** Maps any error to the documented body. Logs bugs at error level (with stack), client mistakes at debug. */
export function toErrorResponse(err: unknown, logger: Logger): { status: number; body: ErrorBody } {
  const appError = isAppError(err) ? err : (fromFrameworkError((err ?? {}) as object) ?? fromDatabaseError(err));
  const correlationId = currentRequestId();
  if (appError && appError.isOperational) {
    const level = appError.httpStatus >= 500 ? "warn" : "debug";
    logger[level]("request failed", { code: appError.code, status: appError.httpStatus, cause: describeCause(appError.cause) });
    return { status: appError.httpStatus, body: errorBody(appError.code, appError.message, correlationId, appError.details) };
  }
  logger.error("unexpected error", { error: describeError(err) });
  return { status: 500, body: errorBody("INTERNAL", "internal error", correlationId) };
}

const describeCause = (c: unknown): string | undefined => (c instanceof Error ? c.message : c === undefined ? undefined : String(c));

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = toErrorResponse(err, logger);
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new AppError({ code: "ROUTE.NOT_FOUND", httpStatus: 404, message: `no route for ${req.method} ${req.path}` }));
