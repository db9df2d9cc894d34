import { randomUUID } from "node:crypto";
import type { SubjectCache } from "./subject-cache.js";

/**
 * Who a request belongs to, for sticky bucketing only (never for authorisation — the upstream verifies
 * tokens): the JWT `sub` of a Bearer token, else the proxy's sticky session cookie. `undefined` means a
 * new visitor: the caller mints an id with `newSessionId()` and sets the cookie.
 * @example identityOf("Bearer eyJ…", "strangler_sid=abc…", "strangler_sid") // → the token's sub
 */
export function identityOf(authorization: string | undefined, cookieHeader: string | undefined, cookieName: string, cache?: SubjectCache): string | undefined {
  if (authorization !== undefined) {
    const sub = bearerSubject(authorization, cache);
    if (sub !== undefined) return sub;
  }
  return cookieHeader === undefined ? undefined : cookieValue(cookieHeader, cookieName);
}

/**
 * Decodes (without verifying) the payload of `Bearer <jwt>` and returns its `sub`. A long token's sub is looked up
 * in / kept in `cache` (subject-cache.ts: bounded by bytes, keyed by hash); a short one is cheaper to decode again.
 */
export function bearerSubject(authorization: string, cache?: SubjectCache): string | undefined {
  if (authorization.length < 8 || !/^bearer /i.test(authorization.slice(0, 7))) return undefined;
  const token = authorization.slice(7).trim();
  const cached = cache?.covers(token) ? cache : undefined;
  const known = cached?.get(token);
  if (known !== undefined) return known;
  const sub = decodeSubject(token);
  if (sub !== undefined) cached?.set(token, sub); // only what decoded to a sub: garbage is not worth memory
  return sub;
}

function decodeSubject(token: string): string | undefined {
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second <= first + 1) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), "base64url").toString("utf8"));
    const candidate = (payload as { sub?: unknown } | null)?.sub;
    if ((typeof candidate === "string" && candidate.length > 0 && candidate.length <= 256) || typeof candidate === "number") return String(candidate);
  } catch {
    // not a JWT: bucket by cookie instead
  }
  return undefined;
}

const VALID_SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Reads one cookie from a Cookie header without parsing the others; rejects values we did not mint. */
export function cookieValue(cookieHeader: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = cookieHeader.indexOf(name, from);
    if (at < 0) return undefined;
    const before = at === 0 ? 32 : cookieHeader.charCodeAt(at - 1);
    if ((before === 32 || before === 59) && cookieHeader.charCodeAt(at + name.length) === 61 /* = */) {
      const start = at + name.length + 1;
      const end = cookieHeader.indexOf(";", start);
      const value = cookieHeader.slice(start, end < 0 ? undefined : end).trim();
      return VALID_SESSION_ID.test(value) ? value : undefined;
    }
    from = at + name.length;
  }
}

/** A fresh random session id for the sticky cookie. */
export const newSessionId = (): string => randomUUID();

/** The Set-Cookie value for a new sticky id: HttpOnly, SameSite=Lax, Path=/. */
export function stickyCookie(name: string, value: string, options: { secure: boolean; maxAgeS: number }): string {
  return `${name}=${value}; Path=/; Max-Age=${options.maxAgeS}; HttpOnly; SameSite=Lax${options.secure ? "; Secure" : ""}`;
}
