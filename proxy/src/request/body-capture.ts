import type http from "node:http";
import type { ProxyRequest } from "./proxy-request.js";

/** True when the request carries a body (so it cannot simply be sent again without having kept it). */
export function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * The whole body was kept for a replay (it fitted in REPLAY_BODY_MAX_BYTES) — or is still arriving and being kept.
 * The receive stage (body-receive.ts) keeps it while it reads the body and while the rest streams to a service.
 */
export function bodyKept(req: ProxyRequest): boolean {
  return req.bodyChunks !== null;
}

/** The kept body as one buffer (empty when the request had none). Only meaningful once the request has ended. */
export function keptBody(req: ProxyRequest): Buffer {
  return req.bodyChunks && req.bodyChunks.length ? Buffer.concat(req.bodyChunks) : Buffer.alloc(0);
}
