import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The header that marks a request as a shadow (a mirrored write, issue 14): only the proxy signs it, only an
 * extracted service honours it, by running the request dry (shadow-dry-run.ts). Shared by both sides so the
 * canonical string cannot drift between signer and verifier.
 */
export const SHADOW_HEADER = "x-strangler-shadow";

/** A signature older (or further in the future) than this is refused: a captured header cannot be replayed later. */
export const SHADOW_MAX_AGE_S = 60;

export interface SignedRequest {
  readonly method: string;
  /** Path and query exactly as the service receives them. */
  readonly url: string;
  readonly body: Buffer;
}

export const sha256Hex = (body: Buffer): string => createHash("sha256").update(body).digest("hex");

/** timestamp, method, path+query and the body's sha256, one per line: every part a shadow could be altered in. */
const canonical = (t: number, method: string, url: string, bodySha256: string): string => `${t}\n${method.toUpperCase()}\n${url}\n${bodySha256}`;

const mac = (secret: string, text: string): Buffer => createHmac("sha256", secret).update(text).digest();

/** `t=<unix seconds>,v1=<hex HMAC-SHA256>` over the canonical string. */
export function signShadow(secret: string, req: SignedRequest, nowS: number = Math.floor(Date.now() / 1000)): string {
  return `t=${nowS},v1=${mac(secret, canonical(nowS, req.method, req.url, sha256Hex(req.body))).toString("hex")}`;
}

export type ShadowVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const HEADER = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

/** Checks a shadow header against the request it came with: well-formed, fresh, and signed with `secret`. */
export function verifyShadow(
  secret: string,
  header: string,
  req: { readonly method: string; readonly url: string; readonly bodySha256: string },
  nowS: number = Math.floor(Date.now() / 1000),
): ShadowVerdict {
  const parts = HEADER.exec(header);
  if (parts === null) return { ok: false, reason: "malformed shadow header" };
  const t = Number(parts[1]);
  if (Math.abs(nowS - t) > SHADOW_MAX_AGE_S) return { ok: false, reason: `stale shadow signature (${nowS - t} s old)` };
  const expected = mac(secret, canonical(t, req.method, req.url, req.bodySha256));
  const given = Buffer.from(parts[2]!, "hex");
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: "wrong shadow signature" };
}

/**
 * `all` (npm start) runs the proxy and the services in one process: without SHADOW_SECRET it makes one for this run
 * and puts it in the environment both read, so shadowed writes work with no setup (and die with the process).
 */
export function shareRunShadowSecret(env: NodeJS.ProcessEnv): void {
  if (!env.SHADOW_SECRET) env.SHADOW_SECRET = randomBytes(32).toString("hex");
}
