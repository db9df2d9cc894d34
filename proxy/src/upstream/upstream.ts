import http from "node:http";
import https from "node:https";
import type { ServerResponse } from "node:http";
import { createProxyMiddleware, type Plugin } from "http-proxy-middleware";
import type CircuitBreaker from "opossum";
import type { UpstreamDefinition } from "../config/routes-file.js";
import type { UpstreamSettings } from "../config/proxy.config.js";
import { breakerState, createUpstreamBreaker, type BreakerSettleable, type BreakerState } from "./upstream-breaker.js";

export interface UpstreamHealth {
  healthy?: boolean;
  checkedAt?: string;
  error?: string;
}

/**
 * One upstream (the monolith or an extracted service): its keep-alive agent sized to the concurrency
 * limit, its http-proxy-middleware instance, the in-flight count the limit applies to, and — for
 * extracted services — an opossum circuit breaker. `plugin` wires the proxy's event hooks.
 */
/** What an upstream proxies: any incoming request the breaker can settle (the server's ProxyRequest). */
export type UpstreamRequest = http.IncomingMessage & BreakerSettleable;
type Req = UpstreamRequest;

export class Upstream {
  readonly name: string;
  readonly url: string;
  readonly settings: UpstreamSettings;
  readonly agent: http.Agent;
  readonly target: URL;
  readonly breaker: CircuitBreaker<[Req, ServerResponse<Req>], void> | undefined;
  readonly health: UpstreamHealth = {};
  inFlight = 0;
  /** Refused connections in a row; a few mean the service is down: open the breaker without waiting for the error rate. */
  connectFailuresInARow = 0;
  private readonly proxy: (req: Req, res: ServerResponse<Req>) => Promise<void>;

  constructor(definition: UpstreamDefinition, options: { withBreaker: boolean; plugin: Plugin<Req, ServerResponse<Req>> }) {
    this.name = definition.name;
    this.url = definition.url;
    this.settings = definition.settings;
    this.target = new URL(definition.url);
    const agentOptions = {
      keepAlive: true,
      maxSockets: definition.settings.maxConcurrent,
      maxFreeSockets: Math.min(definition.settings.maxConcurrent, 1024),
      scheduling: "lifo" as const, // reuse the warmest sockets, let idle ones time out
      timeout: 4_000, // idle keep-alive sockets close before the usual 5 s server keepAliveTimeout
    };
    this.agent = this.target.protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.proxy = createProxyMiddleware<Req, ServerResponse<Req>>({
      target: definition.url,
      agent: this.agent,
      xfwd: true,
      changeOrigin: false,
      proxyTimeout: definition.settings.timeoutMs,
      ejectPlugins: true, // no default logger/error page: the proxy's hooks handle every event
      plugins: [options.plugin],
    });
    this.breaker = options.withBreaker
      ? createUpstreamBreaker<Req, ServerResponse<Req>>(definition.name, definition.settings.breaker, (req, res) => void this.proxy(req, res))
      : undefined;
  }

  /** Takes a concurrency slot; false when the upstream is at its limit (the caller answers 503). */
  tryAcquire(): boolean {
    if (this.inFlight >= this.settings.maxConcurrent) return false;
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight--;
  }

  /** Closed breaker, or half-open and this is the single probe it lets through. */
  allowsTraffic(): boolean {
    const b = this.breaker;
    return b === undefined || b.closed || b.pendingClose;
  }

  get breakerState(): BreakerState | "none" {
    return this.breaker ? breakerState(this.breaker) : "none";
  }

  /** Streams the request to this upstream (through the breaker for extracted services). */
  forward(req: Req, res: ServerResponse<Req>): void {
    if (this.breaker) this.breaker.fire(req, res).catch(ignore);
    else void this.proxy(req, res);
  }

  close(): void {
    this.breaker?.shutdown();
    this.agent.destroy();
  }
}

const ignore = (): void => undefined; // outcomes are handled by the proxy hooks; the breaker only counts them
