import http from "node:http";
import type { Upstream } from "../upstream/upstream.js";

/** A route of the compiled table: prefix → module → its extracted service, behind `flag`. */
export interface CompiledRoute {
  readonly index: number;
  readonly prefix: string;
  readonly module: string;
  readonly flag: string;
  readonly description?: string;
  readonly service: Upstream;
}

/**
 * The server's request class (http.createServer({ IncomingMessage })): the proxy's per-request state lives
 * in declared fields, so every request has the same shape and the hot path allocates no side objects.
 */
export class ProxyRequest extends http.IncomingMessage {
  route: CompiledRoute | undefined = undefined;
  /** The upstream currently answering; holds one of its concurrency slots while `holding`. */
  upstream: Upstream | undefined = undefined;
  holding = false;
  requestId = "";
  startedAt = 0;
  /** Set when the proxy minted the sticky cookie on this request. */
  newCookie: string | undefined = undefined;
  /** Body bytes kept (up to REPLAY_BODY_MAX_BYTES) so a request refused by a service can go to the monolith. */
  bodyChunks: Buffer[] | null = null;
  bodyBytes = 0;
  captureLimit = 0;
  proxyReq: http.ClientRequest | undefined = undefined;
  proxyRes: http.IncomingMessage | undefined = undefined;
  replayed = false;
  breakerResolve: (() => void) | undefined = undefined;
  breakerReject: ((e: Error) => void) | undefined = undefined;
}

export type ProxyResponse = http.ServerResponse<ProxyRequest>;

/** True when the request carries a body (so it cannot simply be sent again without having kept it). */
export function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Keeps a copy of the body while it streams to the service. Called before the proxy pipes the request:
 * pausing first means the listener is attached without switching to flowing mode, so it sees exactly the
 * chunks the pipe sees, in order.
 */
export function captureBody(req: ProxyRequest, maxBytes: number): void {
  const length = Number(req.headers["content-length"] ?? 0);
  if (maxBytes === 0 || length > maxBytes) return;
  req.bodyChunks = [];
  req.pause();
  req.captureLimit = maxBytes;
  req.on("data", keepChunk);
}

function keepChunk(this: ProxyRequest, chunk: Buffer): void {
  if (this.bodyChunks === null) return;
  this.bodyBytes += chunk.length;
  if (this.bodyBytes > this.captureLimit) this.bodyChunks = null; // too big to keep: no replay
  else this.bodyChunks.push(chunk);
}
