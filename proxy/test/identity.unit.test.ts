import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signToken } from "../../src/platform/auth/auth.js";
import { bearerSubject, cookieValue, identityOf, newSessionId, stickyCookie } from "../src/routing/identity.js";

const COOKIE = "strangler_sid";

describe("sticky identity", () => {
  it("when a Bearer JWT is present, then its sub is the identity (decoded, not verified)", async () => {
    const token = await signToken({ secret: "x".repeat(32), issuer: "strangler", sub: "user-123", role: "customer" });
    assert.equal(identityOf(`Bearer ${token}`, `${COOKIE}=abcdefgh12345678`, COOKIE), "user-123");
    assert.equal(bearerSubject(`bearer ${token}`), "user-123");
  });

  it("when the token is not a JWT or has no sub, then the cookie is used", () => {
    const noSub = `Bearer x.${Buffer.from(JSON.stringify({ role: "staff" })).toString("base64url")}.y`;
    assert.equal(identityOf(noSub, `${COOKIE}=abcdefgh12345678`, COOKIE), "abcdefgh12345678");
    assert.equal(identityOf("Bearer garbage", `${COOKIE}=abcdefgh12345678`, COOKIE), "abcdefgh12345678");
    assert.equal(identityOf("Basic dXNlcjpwdw==", `${COOKIE}=abcdefgh12345678`, COOKIE), "abcdefgh12345678");
  });

  it("when neither token nor cookie is present, then there is no identity (the proxy mints a cookie)", () => {
    assert.equal(identityOf(undefined, undefined, COOKIE), undefined);
    assert.equal(identityOf(undefined, "other=1; theme=dark", COOKIE), undefined);
  });

  it("reads only our cookie, wherever it sits, and ignores look-alikes and values we did not mint", () => {
    assert.equal(cookieValue(`a=1; ${COOKIE}=abcdefgh12345678; b=2`, COOKIE), "abcdefgh12345678");
    assert.equal(cookieValue(`${COOKIE}=abcdefgh12345678`, COOKIE), "abcdefgh12345678");
    assert.equal(cookieValue(`x${COOKIE}=abcdefgh12345678`, COOKIE), undefined);
    assert.equal(cookieValue(`x${COOKIE}=zzzzzzzzzzzz; ${COOKIE}=abcdefgh12345678`, COOKIE), "abcdefgh12345678");
    assert.equal(cookieValue(`${COOKIE}=short`, COOKIE), undefined);
    assert.equal(cookieValue(`${COOKIE}=<script>alert(1)</script>`, COOKIE), undefined);
  });

  it("mints random ids and an HttpOnly, SameSite=Lax cookie for them", () => {
    const a = newSessionId();
    assert.notEqual(a, newSessionId());
    assert.equal(cookieValue(`${COOKIE}=${a}`, COOKIE), a, "a minted id must be readable back");
    const header = stickyCookie(COOKIE, a, { secure: false, maxAgeS: 3600 });
    assert.match(header, new RegExp(`^${COOKIE}=${a}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax$`));
    assert.match(stickyCookie(COOKIE, a, { secure: true, maxAgeS: 60 }), /; Secure$/);
  });
});
