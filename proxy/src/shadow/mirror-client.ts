import http from "node:http";
import https from "node:https";
import { stripHopByHop } from "../upstream/hop-by-hop.js";
import type { CapturedResponse } from "./compare.js";
import { ResponseCapture } from "./response-capture.js";

export interface MirrorRequest {
  readonly method: string;
  /** Path and query, normalised as the client's request was forwarded. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** A mirrored write's whole body (as the client sent it); reads have none. */
  readonly body?: Buffer;
}

/**
 * Sends a copy of a request (a read, or a signed write with its body) to `base` (the extracted service, or the monolith again) on agents of its own — never
 * the upstreams' slots, breakers or sockets — and keeps its answer up to `bodyMax` bytes, within `timeoutMs`.
 */
export function createMirrorClient(limits: { readonly concurrency: number; readonly bodyMaxBytes: number; readonly timeoutMs: number }) {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: limits.concurrency * 2 }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: limits.concurrency * 2 }),
  };
  function send(base: string, mirror: MirrorRequest): Promise<CapturedResponse> {
    const target = new URL(mirror.url, base);
    const headers: Record<string, string | string[] | undefined> = { ...mirror.headers };
    stripHopByHop(headers);
    headers["x-forwarded-host"] ??= headers.host;
    delete headers.host;
    delete headers["accept-encoding"]; // bodies compared as sent, never compressed
    delete headers["transfer-encoding"];
    delete headers.expect;
    if (mirror.body !== undefined) headers["content-length"] = String(mirror.body.length);
    const lib = target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(target, { method: mirror.method, headers, agent: agents[target.protocol as "http:"], timeout: limits.timeoutMs });
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
      req.on("timeout", () => req.destroy(new Error(`idle for ${limits.timeoutMs} ms`)));
      req.on("error", (e) => (clearTimeout(deadline), reject(e)));
      req.on("response", (res) => {
        const capture = new ResponseCapture(limits.bodyMaxBytes);
        capture.tap(res);
        res.on("end", () => (clearTimeout(deadline), resolve(capture.result())));
        res.on("error", (e) => (clearTimeout(deadline), reject(e)));
      });
      req.end(mirror.body);
    });
  }
  return {
    send,
    close(): void {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

export type MirrorClient = ReturnType<typeof createMirrorClient>;
