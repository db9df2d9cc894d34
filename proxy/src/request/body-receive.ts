import { Readable } from "node:stream";
import { sendProxyError } from "./proxy-error.js";
import type { ProxyRequest, ProxyResponse } from "./proxy-request.js";

export interface BodyReceiverOptions {
  /** BODY_BUFFER_BYTES: a body is read this far (or whole, when smaller) before the request may take a slot. */
  readonly bufferBytes: number;
  /** BODY_TIMEOUT_MS: the whole body must have arrived this long after the headers, else 408. */
  readonly timeoutMs: number;
  /** The body is in — whole (req.bodySource), or its first bufferBytes with the rest still streaming in `req`. */
  readonly ready: (req: ProxyRequest, res: ProxyResponse) => void;
}

/**
 * The receive stage, for requests with a body (issue 11): a slow uploader must not hold an upstream's concurrency
 * slot while it drips. The body is read first, up to BODY_BUFFER_BYTES; only then does the request go on to admit
 * and forward — sent whole from memory (the common case: small JSON), or, for a larger body, those bytes put back
 * in front of the stream and the rest streamed. The whole body must arrive within BODY_TIMEOUT_MS, else 408
 * PROXY.REQUEST_TIMEOUT and the connection closes (a slot it took is freed by the upstream's finish). The bytes
 * read are also what a replay on the monolith needs: a service-bound body is kept up to `keepBytes`
 * (REPLAY_BODY_MAX_BYTES). One set of listener functions for all requests; per request one timer.
 */
export function createBodyReceiver(options: BodyReceiverOptions): (req: ProxyRequest, res: ProxyResponse, keepBytes: number) => void {
  const { bufferBytes, timeoutMs, ready } = options;

  function onData(this: ProxyRequest, chunk: Buffer): void {
    if (this.bodyChunks === null) return;
    this.bodyBytes += chunk.length;
    if (this.receiving) {
      this.bodyChunks.push(chunk);
      if (this.bodyBytes >= bufferBytes) streamTheRest(this);
    } else if (this.bodyBytes > this.captureLimit) this.bodyChunks = null; // too big to keep: no replay
    else this.bodyChunks.push(chunk);
  }

  function onEnd(this: ProxyRequest): void {
    clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    if (!this.receiving) return;
    this.receiving = false;
    const body = this.bodyChunks!.length === 1 ? this.bodyChunks![0]! : Buffer.concat(this.bodyChunks!);
    this.bodySource = Readable.from([body]);
    this.headers["content-length"] = String(body.length); // sent whole: sized, whatever the client's framing
    delete this.headers["transfer-encoding"];
    this.bodyChunks = body.length <= this.captureLimit ? [body] : null;
    ready(this, this.response!);
  }

  /** Enough arrived to show the client is really sending: the bytes go back in front, the stream flows on. */
  function streamTheRest(req: ProxyRequest): void {
    req.receiving = false;
    const start = Buffer.concat(req.bodyChunks!);
    req.pause(); // until the upstream pipes it
    if (req.captureLimit >= start.length) {
      req.bodyChunks = []; // onData sees the start again once it is unshifted, and keeps it then
      req.bodyBytes = 0;
    } else {
      req.bodyChunks = null;
      req.off("data", onData);
    }
    req.unshift(start);
    // Not now: this runs inside the stream's 'data' emit, so a pipe attached now would flow in this very tick and
    // write the upstream request's head before its socket is assigned (where the upstream strips hop-by-hop headers).
    process.nextTick(ready, req, req.response!);
  }

  return (req, res, keepBytes) => {
    req.response = res;
    req.captureLimit = keepBytes;
    req.bodyTimer = setTimeout(onTimeout, timeoutMs, req, timeoutMs);
    req.on("end", onEnd);
    if (bufferBytes === 0 && keepBytes === 0) return void ready(req, res); // nothing to read first, nothing to keep
    req.receiving = bufferBytes > 0;
    req.bodyChunks = [];
    if (!req.receiving) req.pause(); // keep only: attach without flowing, so the upstream's pipe sees every chunk
    req.on("data", onData);
    if (!req.receiving) ready(req, res);
  };
}

/** The body did not arrive in time: 408 unless an answer already started; the connection closes after it. */
function onTimeout(req: ProxyRequest, timeoutMs: number): void {
  req.bodyTimer = undefined;
  req.receiving = false;
  req.bodyChunks = null;
  const res = req.response!;
  if (res.headersSent) return;
  const message = `the request body did not arrive within ${timeoutMs} ms`;
  sendProxyError(res, 408, "PROXY.REQUEST_TIMEOUT", message, req.requestId, "proxy", { connection: "close" });
  req.resume(); // what still drips in is discarded until the connection closes
}
