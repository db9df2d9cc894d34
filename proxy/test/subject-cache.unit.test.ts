import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bearerSubject } from "../src/routing/identity.js";
import { CACHE_MIN_TOKEN_CHARS, SubjectCache } from "../src/routing/subject-cache.js";

/** A JWT-shaped token of exactly `chars` characters whose payload carries `sub`. */
function jwt(sub: string, chars = 16_000): string {
  const payload = Buffer.from(JSON.stringify({ sub, pad: "" })).toString("base64url");
  const head = `eyJhbGciOiJIUzI1NiJ9.${payload}.`;
  return head + "s".repeat(Math.max(0, chars - head.length));
}

describe("the sub cache of long Bearer tokens", () => {
  it("when many distinct 16 KB tokens arrive, then it stays within its byte bound and keeps the newest", () => {
    const cache = new SubjectCache(64 * 1024);
    for (let i = 0; i < 5_000; i++) assert.equal(bearerSubject(`Bearer ${jwt(`user-${i}`)}`, cache), `user-${i}`);
    assert.ok(cache.bytes <= 64 * 1024, `${cache.bytes} bytes`);
    assert.ok(cache.size > 100 && cache.size < 1_000, `${cache.size} entries: a hash key, not the 16 KB token`);
    assert.equal(cache.get(jwt("user-4999")), "user-4999");
    assert.equal(cache.get(jwt("user-0")), undefined, "the oldest went first");
  });

  it("keys by hash: two tokens differing only in their signature are two entries, each with its own sub", () => {
    const cache = new SubjectCache(1 << 20);
    const a = jwt("alice");
    const b = `${a.slice(0, -1)}t`;
    cache.set(a, "alice");
    assert.equal(cache.get(b), undefined);
    assert.equal(cache.get(a), "alice");
  });

  it("caches only what is worth it: short tokens, non-JWTs and tokens without a sub are never kept", () => {
    const cache = new SubjectCache(1 << 20);
    assert.equal(bearerSubject(`Bearer ${jwt("short", CACHE_MIN_TOKEN_CHARS - 1)}`, cache), "short");
    assert.equal(bearerSubject(`Bearer ${"x".repeat(16_000)}`, cache), undefined);
    const noSub = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ role: "x" })).toString("base64url")}.${"s".repeat(16_000)}`;
    assert.equal(bearerSubject(`Bearer ${noSub}`, cache), undefined);
    assert.equal(cache.size, 0);
    assert.equal(bearerSubject(`Bearer ${jwt("long", CACHE_MIN_TOKEN_CHARS)}`, cache), "long");
    assert.equal(cache.size, 1);
  });

  it("when its bound is 0, then it holds nothing and identities still resolve", () => {
    const cache = new SubjectCache(0);
    assert.equal(bearerSubject(`Bearer ${jwt("u")}`, cache), "u");
    assert.equal(cache.size, 0);
  });
});
