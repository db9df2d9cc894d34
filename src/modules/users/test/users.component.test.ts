import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestApp, createUser, type TestApp } from "#test-support";

describe("users API", () => {
  let t: TestApp;
  before(async () => (t = await createTestApp()));
  after(() => t.close());

  it("when a valid user is posted, then 201 with the user, a Location header and the row stored", async () => {
    const res = await t.http.post("/api/users").send({ username: "grace", email: "Grace@Example.com", firstName: "Grace", lastName: "Hopper" });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.location, `/api/users/${res.body.id}`);
    assert.deepEqual({ ...res.body, id: undefined, createdAt: undefined }, { id: undefined, createdAt: undefined, username: "grace", email: "grace@example.com", firstName: "Grace", lastName: "Hopper" });
    const stored = await t.rt.db.prisma.user.findUnique({ where: { id: res.body.id } });
    assert.equal(stored?.username, "grace");
  });

  it("when fields are missing or malformed, then 400 listing every problem", async () => {
    const res = await t.http.post("/api/users").send({ username: "ab", email: "not-an-email" });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, "USERS.INVALID_BODY");
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ["email", "firstName", "lastName", "username"]);
    assert.ok(res.body.correlationId);
  });

  it("when the body is not JSON, then 400 REQUEST.INVALID_JSON, not 500", async () => {
    const res = await t.http.post("/api/users").set("content-type", "application/json").send("{nope");
    assert.equal(res.status, 400);
    assert.equal(res.body.code, "REQUEST.INVALID_JSON");
    assert.equal(res.body.stack, undefined);
  });

  it("when the body exceeds the limit, then 413", async () => {
    const res = await t.http.post("/api/users").send({ username: "x".repeat(200_000) });
    assert.equal(res.status, 413);
    assert.equal(res.body.code, "REQUEST.TOO_LARGE");
  });

  it("when username or email is taken, then 409 naming the field", async () => {
    const u = await createUser(t);
    const sameName = await t.http.post("/api/users").send({ username: u.username, email: "other@example.com", firstName: "a", lastName: "b" });
    assert.equal(sameName.status, 409);
    assert.equal(sameName.body.code, "USERS.CONFLICT");
    assert.deepEqual(sameName.body.details.map((d: { field: string }) => d.field), ["username"]);
    const sameEmail = await t.http.post("/api/users").send({ username: "someone_else", email: u.email.toUpperCase(), firstName: "a", lastName: "b" });
    assert.equal(sameEmail.status, 409);
    assert.deepEqual(sameEmail.body.details.map((d: { field: string }) => d.field), ["email"]);
  });

  it("when concurrent requests create the same username, then exactly one wins", async () => {
    const body = { username: `race_${randomUUID().slice(0, 8)}`, firstName: "a", lastName: "b" };
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => t.http.post("/api/users").send({ ...body, email: `r${i}${body.username}@x.io` })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it("when a user is fetched, then 200; unknown id 404; malformed id 400", async () => {
    const u = await createUser(t);
    assert.equal((await t.http.get(`/api/users/${u.id}`)).body.username, u.username);
    const missing = await t.http.get(`/api/users/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "USERS.NOT_FOUND");
    const bad = await t.http.get("/api/users/123");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "USERS.INVALID_ID");
  });

  it("when users are listed, then paging applies and limits are enforced", async () => {
    await createUser(t);
    await createUser(t);
    const page = await t.http.get("/api/users?limit=1&offset=1");
    assert.equal(page.status, 200);
    assert.equal(page.body.length, 1);
    const tooMany = await t.http.get("/api/users?limit=501");
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.code, "USERS.INVALID_QUERY");
  });

  it("when a user is validated, then valid:true, 404 when unknown, 400 without a UUID", async () => {
    const u = await createUser(t);
    assert.deepEqual((await t.http.get(`/api/users/validate?id=${u.id}`)).body, { valid: true });
    const unknown = await t.http.get(`/api/users/validate?id=${randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "USERS.NOT_FOUND");
    assert.equal((await t.http.get("/api/users/validate")).status, 400);
    assert.equal((await t.http.get("/api/users/validate?id=zzz")).status, 400);
  });

  it("when X-Request-Id is sent, then it is echoed and used as correlationId", async () => {
    const res = await t.http.get("/api/users/not-a-uuid").set("X-Request-Id", "req-123");
    assert.equal(res.headers["x-request-id"], "req-123");
    assert.equal(res.body.correlationId, "req-123");
  });
});
