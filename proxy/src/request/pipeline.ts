import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener } from "node:http";
import type { Fallback } from "../fallback/fallback.js";
import type { ProxyMetrics } from "../observability/proxy-metrics.js";
import { identityOf, newSessionId, stickyCookie } from "../routing/identity.js";
import { absoluteFormAuthority, normalizeTarget } from "../routing/request-target.js";
import { SHADOW_HEADER } from "../../../src/platform/http/shadow-signature.js";
import { EXTRACTED_HEADER } from "../routing/extracted-hint.js";
import { isReservedPath, type CompiledRoute, type RouteMatcher } from "../routing/route-table.js";
import type { SubjectCache } from "../routing/subject-cache.js";
import type { ShadowStage } from "../shadow/shadow-stage.js";
import type { Upstream, UpstreamHooks } from "../upstream/upstream.js";
import { hasBody } from "./body-capture.js";
import { createBodyReceiver } from "./body-receive.js";
import { sendProxyError } from "./proxy-error.js";
import type { ProxyRequest, ProxyResponse } from "./proxy-request.js";

export interface PipelineContext {
  readonly match: RouteMatcher<CompiledRoute>;
  readonly monolith: Upstream;
  /** flag name, user id → true when this user's requests go to the extracted service. */
  readonly toService: (flag: string, userId: string) => boolean;
  /** user id → the modules extracted for that user, for the upstream (routing/extracted-hint.ts). */
  readonly extractedHint: (userId: string, route: CompiledRoute, routedToService: boolean) => string;
  readonly fallback: Fallback;
  /** The observe stage (observability/observe.ts). */
  readonly observe: (req: ProxyRequest, status: number) => void;
  readonly metrics: ProxyMetrics;
  /** The shadow stage (shadow/shadow-stage.ts): marks a monolith-bound read, mirrors it once the client has its answer. */
  readonly shadow: ShadowStage;
  readonly cookie: { readonly name: string; readonly secure: boolean; readonly maxAgeS: number };
  /** The `sub` of long Bearer tokens (IDENTITY_CACHE_MAX_BYTES). */
  readonly subjects: SubjectCache;
  readonly replayBodyMaxBytes: number;
  /** BODY_BUFFER_BYTES and BODY_TIMEOUT_MS, for the receive stage (body-receive.ts). */
  readonly body: { readonly bufferBytes: number; readonly timeoutMs: number };
  /** Answers the proxy's own paths on the public port: /health, /ready; 404 for /_strangler…, /metrics, /health/details. */
  readonly admin: RequestListener;
}

const VALID_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One proxied request, top to bottom. Each stage is a function below, in the order it runs:
 *
 *   strip → route → identify → decide → (receive) → admit → forward → (fallback) → observe → (shadow)
 *
 * - strip:    a client's X-Strangler-Shadow is removed before anything else, on every path: only the shadow stage
 *             signs one, and a service runs a valid one dry — a client must never be able to ask for that.
 * - route:    the target in its one normalised form (routing/request-target.ts; 400 when it has none), which is
 *             what is forwarded, and which route's prefix it falls under (none: the monolith answers, unlisted).
 * - identify: the request id, and the sticky identity (JWT sub or the proxy's cookie, minted if new).
 * - decide:   the route's flag for that identity, and the service's breaker → which upstream answers; the
 *             upstream is told which modules are extracted for that identity (X-Strangler-Extracted).
 * - receive:  only with a body: read it (whole, or its first BODY_BUFFER_BYTES) before taking a slot, within
 *             BODY_TIMEOUT_MS, else 408 (request/body-receive.ts); a service-bound body is kept for a replay, a
 *             shadowed write's for its mirror.
 * - admit:    a concurrency slot on that upstream, or the overload answer (fallback/fallback.ts).
 * - forward:  send it through http-proxy-middleware (upstream/upstream.ts): the body from memory when it was
 *             read whole, else streamed.
 * - fallback: only on failure, from the upstream's hooks: replay on the monolith when safe, else the error.
 * - observe:  when the response closes, the upstream frees its slot and the request is recorded (also in the
 *             route guard's window, guard/route-guard.ts, which answers decide's flag question "monolith" once tripped).
 * - shadow:   then, for a read (or, with SHADOW_SECRET, a write) the monolith answered in the route's shadow percentage (marked in decide, its answer
 *             kept in the relay hook), a mirror to the service is queued and compared (shadow/shadow-stage.ts).
 *
 * No body parsing, no per-request logging, no per-request closures on the hot path.
 */
export function createPipeline(ctx: PipelineContext): (req: ProxyRequest, res: ProxyResponse) => void {
  const { match, monolith, toService, extractedHint, fallback, observe, metrics, cookie, subjects } = ctx;

  /** The normalised target becomes req.url (what every upstream receives); a route's prefix in the table's case. */
  function route(req: ProxyRequest, url: string): CompiledRoute | undefined {
    const matched = match(url);
    if (matched !== undefined && !url.startsWith(matched.prefix)) url = matched.prefix + url.slice(matched.prefix.length);
    req.url = url;
    return (req.route = matched);
  }

  function identify(req: ProxyRequest, res: ProxyResponse, route: CompiledRoute | undefined): string | undefined {
    const headers = req.headers;
    assignRequestId(req, res);
    if (route === undefined) return undefined; // unlisted paths need no identity: nothing to decide
    let userId = identityOf(headers.authorization, headers.cookie, cookie.name, subjects);
    if (userId === undefined) {
      userId = newSessionId();
      req.newCookie = stickyCookie(cookie.name, userId, cookie);
      res.setHeader("Set-Cookie", req.newCookie);
    }
    return userId;
  }

  function decide(req: ProxyRequest, route: CompiledRoute | undefined, userId: string | undefined): Upstream {
    if (route === undefined) {
      if (req.headers[EXTRACTED_HEADER] !== undefined) delete req.headers[EXTRACTED_HEADER]; // never a client's own
      return monolith;
    }
    const wantsService = toService(route.flag, userId!);
    req.headers[EXTRACTED_HEADER] = extractedHint(userId!, route, wantsService);
    metrics.decision(route.module, wantsService);
    if (!wantsService) ctx.shadow.mark(req, route, userId!);
    return wantsService ? serviceUnlessOpen(route) : monolith;
  }

  /** The route's service, or the monolith while the service's breaker is open (opossum would refuse the call). */
  function serviceUnlessOpen(route: CompiledRoute): Upstream {
    if (route.service.allowsTraffic()) return route.service;
    metrics.fallback(route.module, route.service.name, "breaker_open");
    return monolith;
  }

  function admit(req: ProxyRequest, res: ProxyResponse, upstream: Upstream): boolean {
    if (upstream.admit(req)) return true;
    req.upstream = upstream; // for observe: the overload is recorded against the upstream that refused
    fallback.overloaded(res, upstream, req.requestId);
    return false;
  }

  function forward(req: ProxyRequest, res: ProxyResponse, upstream: Upstream): void {
    res.setHeader("X-Upstream", upstream.name);
    upstream.forward(req, res);
  }

  /**
   * The receive stage's continuation: the body is in, the request goes on to the side decided for it — the
   * service's breaker checked again, as it may have opened while the body arrived.
   */
  function bodyReady(req: ProxyRequest, res: ProxyResponse): void {
    let upstream = req.upstream as Upstream;
    if (upstream !== monolith && (upstream = serviceUnlessOpen(req.route as CompiledRoute)) === monolith) req.bodyChunks = null; // no replay needed
    if (!res.writableEnded && !res.destroyed && admit(req, res, upstream)) forward(req, res, upstream);
  }
  const receive = createBodyReceiver({ ...ctx.body, ready: bodyReady });

  /** Response closed (finished or aborted): the upstream frees what it holds, then the observe stage records. */
  function onClose(this: ProxyResponse): void {
    const req = this.req;
    if (req.bodyTimer !== undefined) clearTimeout(req.bodyTimer);
    req.upstream!.finish(req, this);
    observe(req, this.statusCode);
    if (req.shadow !== undefined) ctx.shadow.after(req);
  }

  function handle(req: ProxyRequest, res: ProxyResponse): void {
    if (req.headers[SHADOW_HEADER] !== undefined) delete req.headers[SHADOW_HEADER]; // strip: never a client's own
    const target = req.url ?? "/";
    const url = normalizeTarget(target);
    if (url === undefined) return rejectTarget(req, res);
    if (target.charCodeAt(0) !== 47 /* / */) req.headers.host = absoluteFormAuthority(target);
    if (isReservedPath(url)) return (req.url = url), ctx.admin(req, res);
    req.startedAt = performance.now();
    const matched = route(req, url);
    const upstream = decide(req, matched, identify(req, res, matched));
    res.on("close", onClose); // once per response object: no need for once()'s wrapper
    if (hasBody(req)) {
      req.upstream = upstream; // decided; its slot is taken once the body is in (bodyReady)
      return receive(req, res, upstream === monolith && req.shadow === undefined ? 0 : ctx.replayBodyMaxBytes);
    }
    if (admit(req, res, upstream)) forward(req, res, upstream);
  }

  return handle;
}

function assignRequestId(req: ProxyRequest, res: ProxyResponse): void {
  const headers = req.headers;
  let requestId = headers["x-request-id"];
  if (typeof requestId !== "string" || !VALID_REQUEST_ID.test(requestId)) headers["x-request-id"] = requestId = randomUUID();
  req.requestId = requestId;
  res.setHeader("X-Request-Id", requestId);
}

/** A target with no safe normalised form (request-target.ts): the contract's 400, nothing forwarded. */
function rejectTarget(req: ProxyRequest, res: ProxyResponse): void {
  assignRequestId(req, res);
  const shown = (req.url ?? "").slice(0, 200);
  sendProxyError(res, 400, "PROXY.BAD_REQUEST", `the request target ${JSON.stringify(shown)} has no safe normalised form (escaped slash, '..' above the root, backslash, ';', or not origin/absolute form)`, req.requestId, "proxy");
}

/**
 * Every upstream's onResponse hook: an answer is about to be relayed. Keeps the sticky cookie the identify stage
 * minted beside the upstream's own Set-Cookie, and counts a 5xx against the upstream.
 */
export function createRelayHook(metrics: ProxyMetrics, draining: () => boolean): UpstreamHooks["onResponse"] {
  return (req: ProxyRequest, proxyRes: IncomingMessage): void => {
    // Hop-by-hop headers are already stripped; http-proxy writes keep-alive unless this says otherwise.
    if (draining()) proxyRes.headers.connection = "close";
    if (req.newCookie !== undefined) proxyRes.headers["set-cookie"]?.push(req.newCookie); // else ours is already set
    if (req.shadow !== undefined) req.shadow.tap(proxyRes); // a shadowed read: its answer kept for comparison
    if ((proxyRes.statusCode ?? 0) >= 500) metrics.upstreamError(req.upstream!.name, "status_5xx");
  };
}
