import type { ServerResponse } from "node:http";
import { errorBody } from "../../../src/platform/errors/error-body.js";

/** Error codes of responses the proxy generates itself. */
export type ProxyErrorCode = "PROXY.BAD_REQUEST" | "PROXY.HEADERS_TOO_LARGE" | "PROXY.REQUEST_TIMEOUT" | "PROXY.OVERLOADED" | "PROXY.UPSTREAM_UNAVAILABLE" | "PROXY.UPSTREAM_TIMEOUT" | "PROXY.UPSTREAM_ERROR";

/**
 * Writes a proxy-generated error with the contract's error body (errorBody), the X-Upstream of the upstream
 * concerned and the request's id. Does nothing when the response already started (the caller destroys it).
 */
export function sendProxyError(
  res: ServerResponse,
  status: number,
  code: ProxyErrorCode,
  message: string,
  correlationId: string,
  upstream: string,
  extraHeaders?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(errorBody(code, message, correlationId));
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.setHeader("X-Upstream", upstream);
  res.setHeader("Cache-Control", "no-store");
  if (extraHeaders) for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  res.end(body);
}
