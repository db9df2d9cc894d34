import http from "node:http";
import https from "node:https";
import type { ClientRequest, IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { createProxyMiddleware, type Options } from "http-proxy-middleware";
import type CircuitBreaker from "opossum";
import type { UpstreamDefinition } from "../config/routes-file.js";
import type { UpstreamSettings } from "../config/proxy.config.js";
import type { ProxyRequest, ProxyResponse } from "../request/proxy-request.js";
import { ENVOY_REPLY_MAX_BYTES, envoyFailure, mayBeEnvoyReply } from "./envoy-reply.js";
import { classifyFailure, type FailureKind } from "./failure-kind.js";
import { removeHopByHop, stripHopByHop } from "./hop-by-hop.js";
import { breakerState, createUpstreamBreaker, settleBreaker, type BreakerState } from "./upstream-breaker.js";

export interface UpstreamHealth {
  readonly healthy?: boolean;
  readonly checkedAt?: string;
  readonly error?: string;
}

/** An exchange with an upstream that failed before its response could be relayed. */
export interface UpstreamFailure {
  readonly upstream: Upstream;
  readonly req: ProxyRequest;
  readonly res: ProxyResponse;
  readonly kind: FailureKind;
  readonly error: NodeJS.ErrnoException;
}

/** What the rest of the proxy does with an upstream's events (the upstream itself owns slots, breaker and health). */
export interface UpstreamHooks {
  /** The response head arrived, hop-by-hop headers already stripped, before it is relayed to the client. */
  onResponse(req: ProxyRequest, proxyRes: IncomingMessage): void;
  /** The exchange failed and the client is still there; the slot is released and the breaker settled. */
  onFailure(failure: UpstreamFailure): void;
}

export interface UpstreamOptions {
  readonly withBreaker: boolean;
  readonly hooks: UpstreamHooks;
  /** Breaker transitions, for the log (open = traffic goes to the monolith). */
  readonly onBreakerChange?: (upstream: Upstream, state: BreakerState, previous: BreakerState) => void;
}

/** Connection refusals in a row that open a service's breaker at once (the error-rate rule needs volume). */
const OPEN_AFTER_REFUSALS = 3;

/**
 * One upstream (the monolith or an extracted service). It owns everything about talking to it, and nothing
 * outside writes that state: the keep-alive agent sized to the concurrency limit, the concurrency slots
 * (admit/release), the http-proxy-middleware instance and its event hooks, the opossum circuit breaker of an
 * extracted service with its connect-failure count, and the last health-check result.
 */
export class Upstream {
  readonly name: string;
  readonly url: string;
  readonly settings: UpstreamSettings;
  private readonly agent: http.Agent;
  private readonly breaker: CircuitBreaker<[ProxyRequest, ProxyResponse], void> | undefined;
  private readonly options: Options<ProxyRequest, ProxyResponse>;
  private readonly hooks: UpstreamHooks;
  /** The http-proxy server http-proxy-middleware built for this upstream (its plugin hands it over), with our hooks. */
  private server: { options: object; web(req: ProxyRequest, res: ProxyResponse, options?: object): void } | undefined;
  private slotsInUse = 0;
  private refusalsInARow = 0;
  private lastHealth: UpstreamHealth = {};

  constructor(definition: UpstreamDefinition, options: UpstreamOptions) {
    this.name = definition.name;
    this.url = definition.url;
    this.settings = definition.settings;
    this.hooks = options.hooks;
    const agentOptions = {
      keepAlive: true,
      maxSockets: definition.settings.maxConcurrent,
      maxFreeSockets: Math.min(definition.settings.maxConcurrent, 1024),
      scheduling: "lifo" as const, // reuse the warmest sockets, let idle ones time out
      timeout: 4_000, // idle keep-alive sockets close before the usual 5 s server keepAliveTimeout
    };
    this.agent = new URL(definition.url).protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.options = {
      target: parsedTarget(definition.url),
      // req.url is already the normalised origin-form target (routing/request-target.ts): http-proxy uses it as the
      // path as is instead of url.parse()-ing it on every request (with toProxy: false it takes url.parse(req.url).path,
      // the same string for such a target).
      toProxy: true,
      agent: this.agent,
      xfwd: true, // X-Forwarded-For/-Port/-Proto, and the client's Host as X-Forwarded-Host
      changeOrigin: true, // Host: <service>:<port> — a sidecar routes by it (VirtualService/DestinationRule apply)
      proxyTimeout: definition.settings.timeoutMs,
      ejectPlugins: true, // no default logger/error page: this class handles every event
      plugins: [
        (server) => {
          this.server = server as unknown as NonNullable<Upstream["server"]>;
          // The options become the server's own: web(req, res) then uses them as they are, with no per-request copy.
          Object.assign(this.server.options, this.options);
          server.on("proxyReq", this.onProxyReq as never);
          server.on("proxyRes", this.onProxyRes as never);
          server.on("error", this.onError as never);
          server.on("econnreset", this.onClientReset as never);
        },
      ],
    };
    // The middleware's per-request work (an async call with three awaits, pathFilter, an options copy, router and
    // pathRewrite) is for options this proxy does not use; send() calls the engine it configured directly.
    createProxyMiddleware<ProxyRequest, ProxyResponse>(this.options);
    this.breaker = options.withBreaker
      ? createUpstreamBreaker<ProxyRequest, ProxyResponse>(definition.name, definition.settings.breaker, (req, res) => this.send(req, res))
      : undefined;
    const changed = options.onBreakerChange;
    if (this.breaker && changed) {
      let last: BreakerState = "closed";
      const report = (): void => {
        const next = breakerState(this.breaker!);
        if (next !== last) changed(this, next, last);
        last = next;
      };
      this.breaker.on("open", report).on("halfOpen", report).on("close", report);
    }
  }

  // --- admit -------------------------------------------------------------------------------------------------

  /** Takes a concurrency slot for `req`; false when the upstream is at its limit (the caller answers 503). */
  admit(req: ProxyRequest): boolean {
    if (this.slotsInUse >= this.settings.maxConcurrent) return false;
    this.slotsInUse++;
    req.upstream = this;
    req.holding = true;
    return true;
  }

  /** Closed breaker, or half-open and this is the single probe it lets through. */
  allowsTraffic(): boolean {
    const b = this.breaker;
    return b === undefined || b.closed || b.pendingClose;
  }

  // --- forward -----------------------------------------------------------------------------------------------

  /** Streams an admitted request to this upstream (through the breaker for extracted services). */
  forward(req: ProxyRequest, res: ProxyResponse): void {
    if (this.breaker) this.breaker.fire(req, res).catch(ignore);
    else this.send(req, res);
  }

  /** A body the proxy read whole before admit (request/body-receive.ts) is sent from memory by the same engine. */
  private send(req: ProxyRequest, res: ProxyResponse): void {
    try {
      if (req.bodySource === undefined) this.server!.web(req, res);
      else this.server!.web(req, res, { ...this.options, buffer: req.bodySource });
    } catch (e) {
      this.onError(e as NodeJS.ErrnoException, req, res); // e.g. node refusing a header value: a failed exchange, not a crash
    }
  }

  /**
   * Sends an admitted request again, with the body kept while it first streamed elsewhere (the request stream
   * itself is consumed). Same engine, agent and hooks as forward(); X-Forwarded-* are already on the headers.
   */
  resend(req: ProxyRequest, res: ProxyResponse, body: Buffer): void {
    if (body.length > 0 || req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) {
      req.headers["content-length"] = String(body.length);
      delete req.headers["transfer-encoding"];
    }
    this.server!.web(req, res, { ...this.options, xfwd: false, buffer: Readable.from([body]) });
  }

  /** The response is over (finished or aborted): frees the slot and the upstream socket. Once per response. */
  finish(req: ProxyRequest, res: ProxyResponse): void {
    this.release(req);
    settleBreaker(req); // client left before the head arrived: neutral
    const proxyRes = req.proxyRes;
    if (!res.writableFinished && proxyRes && !proxyRes.destroyed) proxyRes.destroy(); // free the upstream socket
    // Answered before the whole body arrived (e.g. a 413/415 sent without reading it): node's http client stops relaying
    // 'drain' once the response is complete (_http_client socketOnData removes its listener), so the body pipe would
    // stall and the client's keep-alive connection hang. Discard the rest, as node's own server does (_dump).
    if (res.writableFinished && !req.complete) {
      req.unpipe();
      req.proxyReq?.destroy();
      req.resume();
    }
  }

  // --- health and state (read by the status page and /metrics) -------------------------------------------------

  /** A health-check result. An unhealthy extracted service gets its breaker opened before users hit errors. */
  reportHealth(healthy: boolean, error?: string): void {
    this.lastHealth = { healthy, error, checkedAt: new Date().toISOString() };
    if (!healthy) this.openBreaker();
  }

  get health(): UpstreamHealth {
    return this.lastHealth;
  }

  get inFlight(): number {
    return this.slotsInUse;
  }

  get breakerState(): BreakerState | "none" {
    return this.breaker ? breakerState(this.breaker) : "none";
  }

  close(): void {
    this.breaker?.shutdown();
    this.agent.destroy();
  }

  // --- http-proxy events (one set of bound functions per upstream, none per request) -------------------------

  private release(req: ProxyRequest): void {
    if (!req.holding) return;
    req.holding = false;
    this.slotsInUse--;
  }

  private openBreaker(): void {
    if (this.breaker && !this.breaker.opened) this.breaker.open();
  }

  private readonly onProxyReq = (proxyReq: ClientRequest, req: ProxyRequest): void => {
    req.proxyReq = proxyReq;
    removeHopByHop(proxyReq, req.headers);
  };

  private readonly onProxyRes = (proxyRes: IncomingMessage, req: ProxyRequest, res: ProxyResponse): void => {
    req.proxyRes = proxyRes;
    stripHopByHop(proxyRes.headers);
    if (this.breaker && mayBeEnvoyReply(proxyRes)) return this.holdEnvoyReply(proxyRes, req, res);
    this.refusalsInARow = 0;
    settleBreaker(req, (proxyRes.statusCode ?? 0) >= 500 ? new Error(`status ${proxyRes.statusCode}`) : undefined); // a 5xx counts as a failure
    this.hooks.onResponse(req, proxyRes);
  };

  /**
   * A 503 that may be a sidecar's own answer (envoy-reply.ts): its short body decides, so it is read before
   * anything reaches the client. http-proxy copies the head onto `res` and then pipes the body; this response's
   * pipe() is replaced so the body is read first. An Envoy reply becomes a failure of this exchange (the client
   * gets the fallback, never Envoy's text); the service's own 503 is relayed unchanged.
   */
  private holdEnvoyReply(proxyRes: IncomingMessage, req: ProxyRequest, res: ProxyResponse): void {
    const ours = res.getHeaders(); // X-Request-Id, X-Upstream, Set-Cookie: before http-proxy copies the upstream's head
    this.hooks.onResponse(req, proxyRes);
    proxyRes.pipe = <T extends NodeJS.WritableStream>(dest: T): T => {
      const chunks: Buffer[] = [];
      let size = 0;
      proxyRes.on("data", (c: Buffer) => void ((size += c.length), chunks.push(c)));
      proxyRes.on("end", () => {
        const body = Buffer.concat(chunks);
        const kind = size <= ENVOY_REPLY_MAX_BYTES ? envoyFailure(proxyRes, body.toString("utf8")) : undefined;
        if (kind === undefined) {
          settleBreaker(req, new Error("status 503"));
          return void res.end(body); // the service's own 503, relayed as it came
        }
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        for (const [name, value] of Object.entries(ours)) if (value !== undefined) res.setHeader(name, value);
        res.statusCode = 200;
        res.statusMessage = "";
        const error: NodeJS.ErrnoException = Object.assign(new Error(`sidecar answered 503: ${body.toString("utf8").slice(0, 200)}`), { code: kind === "connect" ? "ENVOY_UPSTREAM_CONNECT" : "ENVOY_UPSTREAM_RESET" });
        this.fail(error, req, res, kind);
      });
      proxyRes.resume();
      return dest;
    };
  }

  private readonly onError = (error: NodeJS.ErrnoException, req: ProxyRequest, res: ProxyResponse): void => {
    const timedOut = req.proxyReq?.destroyed === true && performance.now() - req.startedAt >= this.settings.timeoutMs - 1;
    this.fail(error, req, res, classifyFailure(error, timedOut));
  };

  /** The exchange failed: settle the breaker, count refusals, free the slot, and hand it to the hooks. */
  private fail(error: NodeJS.ErrnoException, req: ProxyRequest, res: ProxyResponse, kind: FailureKind): void {
    const clientGone = res.destroyed || req.socket.destroyed; // e.g. an upload aborted by the client
    settleBreaker(req, clientGone ? undefined : error);
    if (kind === "connect" && ++this.refusalsInARow >= OPEN_AFTER_REFUSALS) this.openBreaker();
    this.release(req);
    if (clientGone) return void (res.headersSent && res.destroy());
    this.hooks.onFailure({ upstream: this, req, res, kind, error });
  }

  private readonly onClientReset = (_error: Error, req: ProxyRequest): void => {
    settleBreaker(req); // the client went away: not the service's fault
  };
}

/**
 * The upstream URL in the shape http-proxy reads (url.parse's fields), built once: given the URL as a string,
 * http-proxy runs the legacy url.parse on it for every request.
 */
function parsedTarget(url: string): { protocol: string; host: string; hostname: string; port: string; path: string; pathname: string } {
  const u = new URL(url);
  const path = u.pathname + u.search;
  return { protocol: u.protocol, host: u.host, hostname: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: u.port, path, pathname: u.pathname };
}

const ignore = (): void => undefined; // outcomes are handled by the hooks; the breaker only counts them
