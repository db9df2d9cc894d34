import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import type { Database } from "../db/database.js";
import type { DryRunLimits } from "../db/dry-run.js";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logger/logger.js";
import { SHADOW_HEADER, sha256Hex, verifyShadow } from "./shadow-signature.js";

export interface ShadowDryRunOptions {
  /** SHADOW_SECRET; without it every shadow is refused. */
  readonly secret: string | undefined;
  /** Only an extracted service's role runs shadows; the monolith (and `all`'s monolith server) refuses them. */
  readonly honour: boolean;
  readonly db: Database;
  readonly logger: Logger;
  /** Dry runs at once (more wait up to limits.maxWaitMs): each holds a pooled connection for its whole request, so real traffic keeps the rest. */
  readonly maxInFlight: number;
  readonly limits: DryRunLimits;
}

const EMPTY_SHA256 = sha256Hex(Buffer.alloc(0));
/** The sha256 of each shadowed request's raw body, taken by the JSON parser's verify hook (the signature covers it). */
const bodyHashes = new WeakMap<IncomingMessage, string>();

/** express.json's `verify`: hashes the raw bytes of a request that says it is a shadow (others pay nothing). */
export function hashShadowBody(req: IncomingMessage, _res: unknown, raw: Buffer): void {
  if (req.headers[SHADOW_HEADER] !== undefined) bodyHashes.set(req, sha256Hex(raw));
}

const refused = (message: string) => new AppError({ code: "SHADOW.INVALID_SIGNATURE", message, httpStatus: 403 });
const busy = (message: string) => new AppError({ code: "SHADOW.BUSY", message, httpStatus: 503 });

/**
 * The dry-run stage (issue 14): a request carrying X-Strangler-Shadow is a write the proxy mirrored. It runs only
 * when the signature (shadow-signature.ts) is right and fresh and this role honours shadows — else 403, nothing
 * executed. Then the rest of the chain (the module's handler) runs inside one database transaction that is
 * always rolled back (db/dry-run.ts): outbox and idempotency rows go with it, so no event and no idempotency
 * record; the answer is exactly the one a real run gives. Placed after body parsing (the signature covers the body).
 */
export function createShadowDryRun(o: ShadowDryRunOptions): RequestHandler {
  const log = o.logger.child({ component: "shadow-dry-run" });
  const slots = createSlots(o.maxInFlight, o.limits.maxWaitMs);
  return (req, res, next) => {
    const header = req.headers[SHADOW_HEADER];
    if (header === undefined) return next();
    if (!o.honour) return next(refused("this server does not run shadowed requests (only an extracted service does)"));
    if (o.secret === undefined) return next(refused("SHADOW_SECRET is not set on this service: shadowed requests are refused"));
    const bodySha256 = bodyHashes.get(req) ?? EMPTY_SHA256;
    const verdict = verifyShadow(o.secret, Array.isArray(header) ? header.join(",") : header, { method: req.method, url: req.originalUrl, bodySha256 });
    if (!verdict.ok) return next(refused(verdict.reason));
    let entered = false;
    const answered = () =>
      new Promise<void>((resolve) => {
        res.once("close", resolve); // finished or aborted: either way the transaction can go
        entered = true;
        next();
      });
    slots
      .take()
      .then(() => o.db.dryRun(o.limits, answered).finally(slots.give))
      .catch((e: unknown) => {
        // No slot or no pooled connection within maxWait, or the transaction timed out under the handler.
        const message = e instanceof Error ? e.message : String(e);
        if (!entered) return next(busy(`no dry run: ${message}`));
        log.warn("dry run ended with an error (its transaction is rolled back either way)", { error: message });
      });
  };
}

/**
 * At most `max` dry runs at once (each holds a pooled connection for its whole request); the next ones wait their
 * turn in order, at most `maxWaitMs`.
 */
function createSlots(max: number, maxWaitMs: number) {
  let inUse = 0;
  const waiting: (() => void)[] = [];
  return {
    take(): Promise<void> {
      if (inUse < max) return (inUse++, Promise.resolve());
      return new Promise((resolve, reject) => {
        const turn = () => (clearTimeout(timer), inUse++, resolve());
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(turn), 1);
          reject(new Error(`${max} shadowed requests already running dry for ${maxWaitMs} ms`));
        }, maxWaitMs);
        waiting.push(turn);
      });
    },
    give(): void {
      inUse--;
      waiting.shift()?.();
    },
  };
}
