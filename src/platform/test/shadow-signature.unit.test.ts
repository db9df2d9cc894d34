import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SHADOW_MAX_AGE_S, sha256Hex, shareRunShadowSecret, signShadow, verifyShadow } from "../http/shadow-signature.js";

const SECRET = "shadow-secret-shadow-secret-shadow-secret-01";
const body = Buffer.from('{"userId":"u1","items":[]}');
const req = { method: "POST", url: "/api/orders?x=1", body };
const seen = (r = req) => ({ method: r.method, url: r.url, bodySha256: sha256Hex(r.body) });
const NOW = 1_800_000_000;

describe("shadow signature (X-Strangler-Shadow)", () => {
  it("when the proxy signs a write, then the service verifies it, and the header has the documented form", () => {
    const header = signShadow(SECRET, req, NOW);
    assert.match(header, /^t=1800000000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyShadow(SECRET, header, seen(), NOW), { ok: true });
    assert.deepEqual(verifyShadow(SECRET, header, { ...seen(), method: "post" }, NOW), { ok: true }, "the method's case does not matter");
  });

  it("when any signed part differs — secret, method, path, query, body — then it is refused", () => {
    const header = signShadow(SECRET, req, NOW);
    const wrong = (what: Partial<ReturnType<typeof seen>>, secret = SECRET) => verifyShadow(secret, header, { ...seen(), ...what }, NOW);
    assert.deepEqual(wrong({}, "another-secret-another-secret-another-secret"), { ok: false, reason: "wrong shadow signature" });
    assert.equal(wrong({ method: "PUT" }).ok, false);
    assert.equal(wrong({ url: "/api/orders" }).ok, false);
    assert.equal(wrong({ url: "/api/orders?x=2" }).ok, false);
    assert.equal(wrong({ bodySha256: sha256Hex(Buffer.from("{}")) }).ok, false);
  });

  it(`when the timestamp is more than ${SHADOW_MAX_AGE_S} s away, then it is stale; within, it passes`, () => {
    const header = signShadow(SECRET, req, NOW);
    assert.equal(verifyShadow(SECRET, header, seen(), NOW + SHADOW_MAX_AGE_S).ok, true);
    assert.deepEqual(verifyShadow(SECRET, header, seen(), NOW + SHADOW_MAX_AGE_S + 1), { ok: false, reason: `stale shadow signature (${SHADOW_MAX_AGE_S + 1} s old)` });
    assert.equal(verifyShadow(SECRET, header, seen(), NOW - SHADOW_MAX_AGE_S - 1).ok, false, "from the future too");
  });

  it("when the header is malformed or re-timed, then it is refused without throwing", () => {
    const header = signShadow(SECRET, req, NOW);
    for (const bad of ["", "yes", "t=abc,v1=00", `t=${NOW},v1=${"0".repeat(63)}`, `${header},extra`, header.toUpperCase()])
      assert.deepEqual(verifyShadow(SECRET, bad, seen(), NOW), { ok: false, reason: "malformed shadow header" }, bad);
    const retimed = header.replace(`t=${NOW}`, `t=${NOW + 1}`);
    assert.deepEqual(verifyShadow(SECRET, retimed, seen(), NOW), { ok: false, reason: "wrong shadow signature" }, "the timestamp is signed");
  });

  it("when `all` starts without SHADOW_SECRET, then it makes one for the run; a configured one is kept", () => {
    const env: NodeJS.ProcessEnv = {};
    shareRunShadowSecret(env);
    assert.match(env.SHADOW_SECRET ?? "", /^[0-9a-f]{64}$/);
    const kept = { SHADOW_SECRET: SECRET };
    shareRunShadowSecret(kept);
    assert.equal(kept.SHADOW_SECRET, SECRET);
  });
});
