import type { IncomingMessage } from "node:http";
import { SHADOW_HEADER, signShadow } from "../../../src/platform/http/shadow-signature.js";
import { bodyKept, keptBody } from "../request/body-capture.js";
import type { ProxyRequest } from "../request/proxy-request.js";
import type { CompiledRoute } from "../routing/route-table.js";
import { compareResponses, type CapturedResponse } from "./compare.js";
import { compileIgnoreRules, type IgnoreMatcher } from "./ignore-rules.js";
import type { MirrorClient, MirrorRequest } from "./mirror-client.js";
import { ResponseCapture } from "./response-capture.js";
import { isMirroredWrite, isRead, shadowFlagOf } from "./shadow-flag.js";
import type { ShadowStats } from "./shadow-stats.js";

export interface ShadowStageOptions {
  readonly routes: readonly CompiledRoute[];
  readonly monolithUrl: string;
  /** flag, user id → true when this user's reads on the route are shadowed (the route's shadow flag). */
  readonly toShadow: (flag: string, userId: string) => boolean;
  /** flag → true while it exists and is on (a summary, read on `refresh`, never per request). */
  readonly isOn: (flag: string) => boolean;
  readonly client: MirrorClient;
  readonly stats: ShadowStats;
  readonly limits: { readonly queueMax: number; readonly concurrency: number; readonly bodyMaxBytes: number };
  /** SHADOW_SECRET: with it, POST/PUT/PATCH are mirrored too, signed so the service runs them dry; without, reads only. */
  readonly secret?: string;
}

interface Job {
  readonly route: CompiledRoute;
  readonly request: MirrorRequest;
  readonly monolith: CapturedResponse;
  /** A mirrored write: signed when sent, and its monolith answer is never asked for again (that would write twice). */
  readonly write: boolean;
}

/**
 * The shadow stage, in three calls from the pipeline:
 * - `mark` (decide): a GET/HEAD — and with SHADOW_SECRET a POST/PUT/PATCH — the monolith answers, in the route's
 *   shadow percentage, gets a capture (the flag is evaluated only while it is on: `refresh` on every flag change);
 * - `tap` (the monolith's response): the capture listens beside the relay, up to SHADOW_BODY_MAX_BYTES;
 * - `after` (the client's response closed): the request is queued for a mirror to the service — a write only if
 *   its body was kept whole (REPLAY_BODY_MAX_BYTES), and sent with X-Strangler-Shadow, an HMAC of timestamp,
 *   method, path and body (src/platform/http/shadow-signature.ts): the service runs it in a rolled-back transaction.
 * Mirrors run SHADOW_CONCURRENCY at a time from a queue of SHADOW_QUEUE_MAX; past that they are dropped and
 * counted. A mismatched read re-reads the monolith once: fields that differ between its two answers are noise; a
 * write is never sent to the monolith again (its fresh ids and timestamps are noise by shape, compare.ts).
 * Nothing here ever writes to the client.
 */
export function createShadowStage(o: ShadowStageOptions) {
  const { client, stats, limits } = o;
  const flags = o.routes.map((r) => shadowFlagOf(r.flag));
  const ignore: IgnoreMatcher[] = o.routes.map((r) => compileIgnoreRules(r.shadowIgnore));
  const queue: Job[] = [];
  let active = 0;
  /** Per route: its shadow flag is on. Refreshed when the flags change, so a route without shadow costs no flag check. */
  const on = flags.map(() => false);
  const secret = o.secret;
  const mirrored = (method: string | undefined): boolean => isRead(method) || (secret !== undefined && isMirroredWrite(method));

  function refresh(): void {
    for (let i = 0; i < flags.length; i++) on[i] = o.isOn(flags[i]!);
  }

  function mark(req: ProxyRequest, route: CompiledRoute, userId: string): void {
    if (on[route.index] && mirrored(req.method) && o.toShadow(flags[route.index]!, userId)) req.shadow = new ResponseCapture(limits.bodyMaxBytes);
  }

  function tap(req: ProxyRequest, proxyRes: IncomingMessage): void {
    (req.shadow as ResponseCapture | undefined)?.tap(proxyRes);
  }

  function after(req: ProxyRequest): void {
    const capture = req.shadow as ResponseCapture | undefined;
    req.shadow = undefined;
    if (capture === undefined || !capture.complete || req.replayed) return; // the monolith's answer did not arrive whole
    const route = req.route as CompiledRoute;
    const write = !isRead(req.method);
    if (write && (!bodyKept(req) || !req.complete)) return stats.record(route.index, route.module, "dropped"); // not whole: cannot be signed
    if (active + queue.length >= limits.queueMax + limits.concurrency) return stats.record(route.index, route.module, "dropped");
    const body = write ? keptBody(req) : undefined;
    queue.push({ route, request: { method: req.method!, url: req.url!, headers: { ...req.headers }, body }, monolith: capture.result(), write });
    if (active < limits.concurrency) setImmediate(next);
  }

  function next(): void {
    while (active < limits.concurrency && queue.length > 0) {
      const job = queue.shift()!;
      active++;
      run(job).finally(() => (active--, next()));
    }
  }

  async function run(job: Job): Promise<void> {
    const { route, request } = job;
    const at = new Date().toISOString();
    const sample = (serviceStatus: number | null, diff: CapturedResponse | string, c?: ReturnType<typeof compareResponses>) => ({
      at,
      method: request.method,
      path: request.url,
      monolithStatus: job.monolith.status,
      serviceStatus,
      diff: typeof diff === "string" ? [{ path: "error", monolith: null, service: diff }] : c!.diffs,
    });
    let service: CapturedResponse;
    try {
      service = await client.send(route.service.url, job.write ? signed(request) : request);
    } catch (e) {
      return stats.record(route.index, route.module, "error", sample(null, e instanceof Error ? e.message : String(e)));
    }
    let c = compareResponses(job.monolith, service, ignore[route.index]!);
    if (c.result === "mismatch" && !job.write) {
      const again = await client.send(o.monolithUrl, request).catch(() => undefined);
      if (again !== undefined) c = compareResponses(job.monolith, service, ignore[route.index]!, again);
    }
    stats.record(route.index, route.module, c.result, c.result === "mismatch" ? sample(service.status, service, c) : undefined, c.noise);
  }

  /**
   * Signed when sent, not when queued: the signature's timestamp must not age in the queue. Over the target exactly
   * as the mirror client will send it (URL's own escaping), which is what the service verifies.
   */
  function signed(request: MirrorRequest): MirrorRequest {
    const target = new URL(request.url, "http://shadow.invalid");
    const signature = signShadow(secret!, { method: request.method, url: target.pathname + target.search, body: request.body! });
    return { ...request, headers: { ...request.headers, [SHADOW_HEADER]: signature } };
  }

  refresh();
  return { mark, tap, after, refresh, pending: () => active + queue.length };
}

export type ShadowStage = ReturnType<typeof createShadowStage>;
