import type { ServerResponse } from "node:http";

/** Error codes of responses the proxy generates itself (body `{ code, message, correlationId }`, API.md style). */
export type ProxyErrorCode =
  | "PROXY.OVERLOADED"
  | "PROXY.UPSTREAM_UNAVAILABLE"
  | "PROXY.UPSTREAM_TIMEOUT"
  | "PROXY.UPSTREAM_ERROR"
  | "PROXY.NOT_FOUND";

/** Connection never established: the request cannot have reached the upstream. */
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

export type FailureKind = "connect" | "timeout" | "reset";

/** connect: failed before anything was sent; timeout: no response within the upstream timeout; reset: anything else. */
export function classifyFailure(error: NodeJS.ErrnoException, timedOut: boolean): FailureKind {
  if (error.code !== undefined && CONNECT_ERRORS.has(error.code)) return "connect";
  return timedOut ? "timeout" : "reset";
}

/** Methods that may be sent twice (RFC 9110 §9.2.2) — replayed only when they carry no body. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Writes a proxy-generated error: JSON body, the X-Upstream of the upstream concerned, the correlation id.
 * Does nothing when the response already started (the caller destroys the socket instead).
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
  const body = JSON.stringify({ code, message, correlationId });
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.setHeader("X-Upstream", upstream);
  res.setHeader("Cache-Control", "no-store");
  if (extraHeaders) for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  res.end(body);
}
