import type http from "node:http";
import type { ProxyRequest } from "./proxy-request.js";

/** True when the request carries a body (so it cannot simply be sent again without having kept it). */
export function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Keeps a copy of the body while it streams to the service, so a request the service never received can be
 * replayed on the monolith. Called before the proxy pipes the request: pausing first means the listener is
 * attached without switching to flowing mode, so it sees exactly the chunks the pipe sees, in order.
 */
export function captureBody(req: ProxyRequest, maxBytes: number): void {
  const length = Number(req.headers["content-length"] ?? 0);
  if (maxBytes === 0 || length > maxBytes) return;
  req.bodyChunks = [];
  req.pause();
  req.captureLimit = maxBytes;
  req.on("data", keepChunk);
}

/** The whole body was kept (it fitted in REPLAY_BODY_MAX_BYTES) — or is still arriving and being kept. */
export function bodyKept(req: ProxyRequest): boolean {
  return req.bodyChunks !== null;
}

/** The kept body as one buffer (empty when the request had none). Only meaningful once the request has ended. */
export function keptBody(req: ProxyRequest): Buffer {
  return req.bodyChunks && req.bodyChunks.length ? Buffer.concat(req.bodyChunks) : Buffer.alloc(0);
}

function keepChunk(this: ProxyRequest, chunk: Buffer): void {
  if (this.bodyChunks === null) return;
  this.bodyBytes += chunk.length;
  if (this.bodyBytes > this.captureLimit) this.bodyChunks = null; // too big to keep: no replay
  else this.bodyChunks.push(chunk);
}
