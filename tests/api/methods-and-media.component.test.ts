import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "#test-support";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

describe("the monolith: wrong method is 405 with Allow, a body that is not JSON is 415", () => {
  let t: TestApp;
  let paths: Record<string, Record<string, unknown>>;
  before(async () => {
    t = await createTestApp();
    paths = (await t.http.get("/openapi.json")).body.paths;
  });
  after(() => t.close());

  it("when any documented path is called with an undocumented method, then 405, Allow as OPTIONS lists it, and the error body", async () => {
    let checked = 0;
    for (const [template, ops] of Object.entries(paths)) {
      const path = template.replace(/\{\w+\}/g, randomUUID());
      const options = await t.http.options(path);
      const documented = Object.keys(ops).map((m) => m.toUpperCase());
      assert.deepEqual(String(options.headers.allow).split(", ").filter((m: string) => m !== "HEAD"), documented.sort(), `OPTIONS ${template}`);
      for (const method of METHODS.filter((m) => !ops[m])) {
        const res = await t.http[method](path);
        assert.equal(res.status, 405, `${method} ${template} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.headers.allow, options.headers.allow, `${method} ${template}`);
        assert.equal(res.body.code, "REQUEST.METHOD_NOT_ALLOWED");
        checked++;
      }
    }
    assert.ok(checked >= 30, `${checked} wrong-method calls`);
  });

  it("when a JSON body is sent as text/plain or application/vnd.api+json, then 415 REQUEST.UNSUPPORTED_MEDIA_TYPE and nothing is stored", async () => {
    const username = `u_${randomUUID().slice(0, 8)}`;
    const user = JSON.stringify({ username, email: `${username}@example.com`, firstName: "A", lastName: "B" });
    for (const type of ["text/plain", "application/vnd.api+json", "application/x-www-form-urlencoded"]) {
      for (const [path, body] of [["/api/users", user], ["/api/inventory/update", JSON.stringify({ productId: randomUUID(), quantity: 1 })], ["/api/orders", "{}"]] as const) {
        const res = await t.http.post(path).set("content-type", type).send(body);
        assert.equal(res.status, 415, `${type} ${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, "REQUEST.UNSUPPORTED_MEDIA_TYPE");
      }
    }
    assert.equal(await t.rt.db.prisma.user.count({ where: { username } }), 0);
    assert.equal((await t.http.post("/api/users").set("content-type", "application/json").send(user)).status, 201);
  });
});
