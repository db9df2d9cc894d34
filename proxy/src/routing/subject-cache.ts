import { hash } from "node:crypto";

/** Below this, decoding a token costs no more than hashing it for the lookup: such tokens are never cached. */
export const CACHE_MIN_TOKEN_CHARS = 1024;
/** What one entry costs beyond its key and value (Map slot, string headers), estimated high. */
const ENTRY_OVERHEAD_BYTES = 96;

/**
 * The JWT `sub` of large Bearer tokens, bounded by bytes (IDENTITY_CACHE_MAX_BYTES), keyed by the token's SHA-256 —
 * never by the token itself, so a client sending 10,000 distinct 16 KB tokens pins at most the bound, not 160 MB
 * (issue 10). Only a token that decoded to a `sub` is kept; the oldest entries go first when the bound is reached.
 * @example const cache = new SubjectCache(1 << 20); cache.set(token, "user-1"); cache.get(token) // → "user-1"
 */
export class SubjectCache {
  private readonly entries = new Map<string, string>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Whether a token is worth a lookup at all (long enough that hashing beats decoding, and the cache is on). */
  covers(token: string): boolean {
    return this.maxBytes > 0 && token.length >= CACHE_MIN_TOKEN_CHARS;
  }

  get(token: string): string | undefined {
    return this.entries.get(keyOf(token));
  }

  set(token: string, sub: string): void {
    const key = keyOf(token);
    const cost = costOf(key, sub);
    if (cost > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, sub);
    this.used += cost;
    for (const [oldKey, oldSub] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.used -= costOf(oldKey, oldSub);
    }
  }

  /** Estimated bytes held (keys, values, overhead). */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }
}

const keyOf = (token: string): string => hash("sha256", token, "base64url");
const costOf = (key: string, sub: string): number => ENTRY_OVERHEAD_BYTES + key.length + 2 * sub.length;
