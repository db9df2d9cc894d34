import http from "node:http";
import https from "node:https";
import type { Upstream } from "../upstream/upstream.js";
import type { ProxyRequest, ProxyResponse } from "./proxy-request.js";
import { sendProxyError } from "./proxy-errors.js";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/**
 * Sends a request that an extracted service did not answer to the monolith instead. Only called when that
 * is safe: the service was never reached, or the request is idempotent and has no body. The request body
 * (already consumed by the first attempt) comes from the bytes kept while it streamed. The caller holds a
 * monolith slot; the request's headers already carry X-Forwarded-* and X-Request-Id from the first attempt.
 */
export function replayOn(monolith: Upstream, req: ProxyRequest, res: ProxyResponse): void {
  const body = req.bodyChunks && req.bodyChunks.length ? Buffer.concat(req.bodyChunks) : undefined;
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  if (body || req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined)
    headers["content-length"] = body ? body.length : 0;
  const target = monolith.target;
  const outgoing = (target.protocol === "https:" ? https : http).request({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: joinPath(target.pathname, req.url ?? "/"),
    headers,
    agent: monolith.agent,
    timeout: monolith.settings.timeoutMs,
  });
  outgoing.on("timeout", () => outgoing.destroy(Object.assign(new Error("monolith timed out"), { code: "ETIMEDOUT" })));
  outgoing.on("error", (e: NodeJS.ErrnoException) => {
    if (res.headersSent) return void res.destroy();
    const timeout = e.code === "ETIMEDOUT";
    sendProxyError(res, timeout ? 504 : 502, timeout ? "PROXY.UPSTREAM_TIMEOUT" : "PROXY.UPSTREAM_UNAVAILABLE",
      `neither the service nor the monolith answered (${e.code ?? e.message})`, req.requestId, monolith.name);
  });
  outgoing.on("response", (upstreamRes) => {
    req.proxyRes = upstreamRes;
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstreamRes.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
    if (req.newCookie !== undefined) out["set-cookie"] = [...(upstreamRes.headers["set-cookie"] ?? []), req.newCookie];
    out["x-upstream"] = monolith.name;
    res.writeHead(upstreamRes.statusCode ?? 502, out);
    upstreamRes.pipe(res);
  });
  outgoing.end(body);
}

function joinPath(base: string, url: string): string {
  return base === "/" || base === "" ? url : `${base.replace(/\/$/, "")}${url}`;
}
