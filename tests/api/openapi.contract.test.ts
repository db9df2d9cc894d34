import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Ajv } from "ajv";
import type { Router } from "express";
import type { Response } from "supertest";
import { openApiRouter } from "../../src/roles/serve.js";
import { createHealthRouter } from "../../src/platform/health/health.router.js";
import { createTestApp, createUser, placeOrder, reservedOrder, stockProduct, type TestApp } from "#test-support";

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };

/** "GET /api/users/{id}" for every route an Express router really serves. */
function servedRoutes(router: Router): string[] {
  const out: string[] = [];
  for (const layer of (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack) {
    if (!layer.route) continue;
    for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return out;
}

describe("OpenAPI document", () => {
  let t: TestApp;
  let doc: Doc;
  let ajv: Ajv;
  before(async () => {
    t = await createTestApp();
    doc = (await t.http.get("/openapi.json")).body;
    ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema(doc, "openapi");
  });
  after(() => t.close());

  /** Asserts `res` is a documented outcome of `METHOD path` and its body matches the documented schema. */
  function conforms(method: string, path: string, res: Response) {
    const op = doc.paths[path]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${path} is documented`);
    const documented = op.responses[String(res.status)];
    assert.ok(documented, `${method} ${path} → ${res.status} is documented (got ${JSON.stringify(res.body)})`);
    if (!documented.content?.["application/json"]?.schema) return;
    const pointer = ["paths", path, method.toLowerCase(), "responses", String(res.status), "content", "application/json", "schema"]
      .map((seg) => encodeURIComponent(seg.replace(/~/g, "~0").replace(/\//g, "~1")))
      .join("/");
    const validate = ajv.compile({ $ref: `openapi#/${pointer}` });
    assert.ok(validate(res.body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`);
  }

  it("documents exactly the routes the servers serve", () => {
    const served = [createHealthRouter([]), openApiRouter("x", []), t.modules.users.router, t.modules.inventory.router, t.modules.orders.router].flatMap(servedRoutes).sort();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    assert.deepEqual(documented, served);
  });

  it("matches real responses of every endpoint, success and error", async () => {
    const user = await createUser(t);
    conforms("GET", "/api/users/{id}", await t.http.get(`/api/users/${user.id}`));
    conforms("GET", "/api/users/{id}", await t.http.get(`/api/users/${randomUUID()}`));
    conforms("GET", "/api/users", await t.http.get("/api/users"));
    conforms("POST", "/api/users", await t.http.post("/api/users").send({ username: `u_${randomUUID().slice(0, 6)}`, email: `${randomUUID()}@x.io`, firstName: "a", lastName: "b" }));
    conforms("POST", "/api/users", await t.http.post("/api/users").send({}));
    conforms("POST", "/api/users", await t.http.post("/api/users").set("content-type", "text/plain").send("{}"));
    conforms("POST", "/api/orders", await t.http.post("/api/orders").set("content-type", "application/vnd.api+json").send("{}"));
    conforms("GET", "/api/users/validate", await t.http.get(`/api/users/validate?id=${user.id}`));
    conforms("GET", "/api/users/validate", await t.http.get(`/api/users/validate?id=${randomUUID()}`));
    const productId = await stockProduct(t, 4);
    conforms("POST", "/api/inventory/update", await t.http.post("/api/inventory/update").send({ productId, quantity: -1 }));
    conforms("POST", "/api/inventory/update", await t.http.post("/api/inventory/update").send({ productId, quantity: -100 }));
    conforms("GET", "/api/inventory/check", await t.http.get(`/api/inventory/check?productId=${productId}&quantity=2`));
    conforms("GET", "/api/inventory/quantity", await t.http.get(`/api/inventory/quantity?productId=${productId}`));
    conforms("GET", "/api/inventory/quantity", await t.http.get(`/api/inventory/quantity?productId=${randomUUID()}`));
    const created = await placeOrder(t, user.id, [{ productId, quantity: 1, unitPrice: 9.99 }]);
    conforms("POST", "/api/orders", created);
    conforms("POST", "/api/orders", await placeOrder(t, user.id, [{ productId, quantity: 99, unitPrice: 1 }]));
    conforms("POST", "/api/orders", await placeOrder(t, randomUUID(), [{ productId, quantity: 1, unitPrice: 1 }]));
    conforms("GET", "/api/orders/{id}", await t.http.get(`/api/orders/${created.body.id}`));
    const staff = await t.token("staff");
    conforms("GET", "/api/orders", await t.http.get(`/api/orders?userId=${user.id}`).set("Authorization", `Bearer ${staff}`));
    conforms("GET", "/api/orders", await t.http.get(`/api/orders?userId=${user.id}`).set("Authorization", `Bearer ${await t.token("customer", user.id)}`));
    conforms("GET", "/api/orders", await t.http.get("/api/orders").set("Authorization", `Bearer ${await t.token("customer", user.id)}`));
    conforms("GET", "/api/orders", await t.http.get("/api/orders"));
    const { id } = await reservedOrder(t);
    conforms("PUT", "/api/orders/{id}/status", await t.http.put(`/api/orders/${id}/status`).set("Authorization", `Bearer ${staff}`).send({ status: "Shipped" }));
    conforms("PUT", "/api/orders/{id}/status", await t.http.put(`/api/orders/${id}/status`).set("Authorization", `Bearer ${staff}`).send({ status: "Cancelled" }));
    conforms("PUT", "/api/orders/{id}/status", await t.http.put(`/api/orders/${id}/status`).send({ status: "Delivered" }));
    conforms("GET", "/health", await t.http.get("/health"));
    conforms("GET", "/ready", await t.http.get("/ready"));
    conforms("GET", "/health/details", await t.http.get("/health/details"));
  });
});
