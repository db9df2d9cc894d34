import type { Logger } from "../../../src/platform/logger/logger.js";
import type { ProxyMetrics } from "../observability/proxy-metrics.js";
import { bodyKept, hasBody, keptBody } from "../request/body-capture.js";
import { sendProxyError, type ProxyErrorCode } from "../request/proxy-error.js";
import type { ProxyRequest, ProxyResponse } from "../request/proxy-request.js";
import type { FailureKind } from "../upstream/failure-kind.js";
import type { Upstream, UpstreamFailure } from "../upstream/upstream.js";
import { rateLimitedLog } from "./rate-limited-log.js";

/** Methods that may be sent twice (RFC 9110 §9.2.2) — replayed only when they carry no body. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** The one map from a failure to the answer the client gets when nothing could be salvaged. */
const ANSWERS: Record<FailureKind, { status: number; code: ProxyErrorCode }> = {
  connect: { status: 502, code: "PROXY.UPSTREAM_UNAVAILABLE" },
  timeout: { status: 504, code: "PROXY.UPSTREAM_TIMEOUT" },
  reset: { status: 502, code: "PROXY.UPSTREAM_ERROR" },
};

/**
 * The replay rule: when may a request an extracted service did not answer go to the monolith instead?
 * - The service was never reached (connect failure): always, if the body was kept whole (or there is none).
 * - It was reached but failed (timeout, reset): only idempotent methods without a body — a POST may have
 *   taken effect, so it is never sent twice.
 */
export function mayReplay(kind: FailureKind, req: ProxyRequest): boolean {
  const bodiless = !hasBody(req);
  return kind === "connect" ? bodiless || bodyKept(req) : bodiless && IDEMPOTENT_METHODS.has(req.method ?? "");
}

export interface Fallback {
  /** Answers a failed exchange that nothing can salvage (the monolith's own failures, or no replay allowed). */
  answer(failure: UpstreamFailure): void;
  /** The failure handler of the extracted services: replay on `monolith` when the rule allows, else answer. */
  replayingOn(monolith: Upstream): (failure: UpstreamFailure) => void;
  /** The overload answer: 503 when `upstream` is at its concurrency limit. */
  overloaded(res: ProxyResponse, upstream: Upstream, requestId: string): void;
}

/**
 * The one owner of fallback: the replay rule, the replay itself (through the monolith's own engine, with the body
 * kept while it streamed), the overload answer and the failure answers.
 */
export function createFallback(ctx: { readonly metrics: ProxyMetrics; readonly logger: Logger }): Fallback {
  const { metrics } = ctx;
  const log = rateLimitedLog(ctx.logger.child({ component: "proxy" }));

  function overloaded(res: ProxyResponse, upstream: Upstream, requestId: string): void {
    metrics.overloaded(upstream.name);
    const message = `${upstream.name} is at its concurrency limit (${upstream.settings.maxConcurrent} in flight)`;
    sendProxyError(res, 503, "PROXY.OVERLOADED", message, requestId, upstream.name, { "x-strangler-overloaded": "true", "retry-after": "1" });
  }

  /** Counts and logs the failure; false when nothing can be sent any more (the response had started). */
  function record({ upstream, req, res, kind, error }: UpstreamFailure): boolean {
    metrics.upstreamError(upstream.name, kind);
    if (res.headersSent) return void res.destroy(), false; // failed mid-response: nothing to salvage
    log.warn(upstream.name, "upstream exchange failed", { upstream: upstream.name, kind, error: error.code ?? error.message, requestId: req.requestId });
    return true;
  }

  function respond({ upstream, req, res, kind, error }: UpstreamFailure): void {
    const cause = error.code ?? error.message;
    if (req.replayed) {
      const timeout = kind === "timeout";
      return sendProxyError(res, timeout ? 504 : 502, timeout ? "PROXY.UPSTREAM_TIMEOUT" : "PROXY.UPSTREAM_UNAVAILABLE", `neither the service nor the monolith answered (${cause})`, req.requestId, upstream.name);
    }
    const { status, code } = ANSWERS[kind];
    const message = kind === "timeout" ? `${upstream.name} did not answer within ${upstream.settings.timeoutMs} ms` : `${upstream.name} failed (${cause})`;
    sendProxyError(res, status, code, message, req.requestId, upstream.name);
  }

  function replay(monolith: Upstream, { upstream, req, res, kind }: UpstreamFailure): void {
    metrics.fallback(req.route?.module ?? "unlisted", upstream.name, kind === "connect" ? "connect_failed" : "replayed_after_error");
    req.replayed = true;
    if (!monolith.admit(req)) {
      req.upstream = monolith;
      return overloaded(res, monolith, req.requestId);
    }
    res.setHeader("X-Upstream", monolith.name);
    // `complete` only says the parser has every byte; the body is fully kept once the stream has ended.
    if (req.readableEnded) return monolith.resend(req, res, keptBody(req));
    req.once("end", () => monolith.resend(req, res, keptBody(req)));
    req.resume();
  }

  return {
    overloaded,
    answer: (failure) => void (record(failure) && respond(failure)),
    replayingOn: (monolith) => (failure) => {
      if (!record(failure)) return;
      if (!failure.req.replayed && mayReplay(failure.kind, failure.req)) replay(monolith, failure);
      else respond(failure);
    },
  };
}
