import { randomUUID } from "node:crypto";

/** The contract's error body (API.md), everywhere: the app, the services and the proxy's own answers. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details?: readonly unknown[];
  readonly correlationId: string;
}

/**
 * Builds the one error body. `correlationId` is the request's id; without one a fresh id is minted, so a body
 * never carries a null id that a user could not quote back.
 * @example res.status(404).json(errorBody("ROUTE.NOT_FOUND", "no route for GET /x", req.headers["x-request-id"]))
 */
export function errorBody(code: string, message: string, correlationId: string | undefined, details?: readonly unknown[]): ErrorBody {
  const body: { code: string; message: string; details?: readonly unknown[]; correlationId: string } = { code, message, correlationId: correlationId || randomUUID() };
  if (details !== undefined) body.details = details;
  return body;
}
