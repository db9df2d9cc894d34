import http from "node:http";
import type { Readable } from "node:stream";
import type { ResponseCapture } from "../shadow/response-capture.js";

/** The route a request fell under, as the request records it (routing/route-table.ts's CompiledRoute). */
export interface MatchedRoute {
  readonly index: number;
  readonly module: string;
}

/** The upstream answering a request, as the request records it (upstream/upstream.ts's Upstream). */
export interface AnsweringUpstream {
  readonly name: string;
  /** The response is over: free what the exchange holds. */
  finish(req: ProxyRequest, res: ProxyResponse): void;
}

/**
 * The server's request class (http.createServer({ IncomingMessage })): the proxy's per-request state lives in
 * declared fields, so every request has the same shape and the hot path allocates no side objects. Each group
 * of fields has one owner, the stage or module named above it; everyone else only reads them.
 */
export class ProxyRequest extends http.IncomingMessage {
  // route (pipeline.ts)
  route: MatchedRoute | undefined = undefined;
  // identify (pipeline.ts)
  requestId = "";
  /** Set when the proxy minted the sticky cookie on this request. */
  newCookie: string | undefined = undefined;
  // observe (observability/observe.ts)
  startedAt = 0;
  // admit / forward (upstream/upstream.ts): the upstream answering, its slot and its exchange
  upstream: AnsweringUpstream | undefined = undefined;
  holding = false;
  proxyReq: http.ClientRequest | undefined = undefined;
  proxyRes: http.IncomingMessage | undefined = undefined;
  breakerResolve: (() => void) | undefined = undefined;
  breakerReject: ((e: Error) => void) | undefined = undefined;
  // receive (request/body-receive.ts): the body read before admit, its deadline, what the upstream is sent
  response: ProxyResponse | undefined = undefined;
  receiving = false;
  bodyTimer: NodeJS.Timeout | undefined = undefined;
  /** The whole body, read before admit; undefined: the upstream pipes the request stream itself. */
  bodySource: Readable | undefined = undefined;
  // fallback (request/body-receive.ts, fallback/fallback.ts): the body kept for a replay, and whether one happened
  bodyChunks: Buffer[] | null = null;
  bodyBytes = 0;
  captureLimit = 0;
  replayed = false;
  // shadow (shadow/shadow-stage.ts): the monolith's answer kept for comparison, only on a shadowed read
  shadow: ResponseCapture | undefined = undefined;
}

export type ProxyResponse = http.ServerResponse<ProxyRequest>;
