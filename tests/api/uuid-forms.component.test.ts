import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { address, createTestApp, createUser, eventually, stockProduct, type TestApp } from "#test-support";

/** Spellings Joi's guid() and PostgreSQL's uuid input accept, but that are not the canonical form. */
const NON_CANONICAL: [string, (id: string) => string][] = [
  ["without hyphens", (id) => id.replace(/-/g, "")],
  ["in braces", (id) => `{${id}}`],
  ["as a URN", (id) => `urn:uuid:${id}`],
  ["with hyphens moved", (id) => id.replace(/-/g, "").replace(/(.{4})/g, "$1-").slice(0, -1)],
];

describe("ids have one form: canonical hyphenated UUIDs, lower case (upper case is normalised)", () => {
  let t: TestApp;
  before(async () => (t = await createTestApp()));
  after(() => t.close());

  for (const [form, spell] of NON_CANONICAL) {
    it(`when an id ${form} is sent in a path, a query or a body, then 400 on every endpoint`, async () => {
      const staff = await t.token("staff");
      const { id: userId } = await createUser(t);
      const productId = await stockProduct(t, 5);
      const order = await t.http.post("/api/orders").send({ userId, shippingAddress: address, items: [{ productId, quantity: 1, unitPrice: 1 }] });
      assert.equal(order.status, 201);
      const quantity = async () => (await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity as number;
      await eventually(async () => (await quantity()) === 4, "the order's reservation (asynchronous, through the outbox)");
      const calls: [string, () => Promise<{ status: number; body: { code: string } }>, string][] = [
        ["GET /api/users/{id}", () => t.http.get(`/api/users/${encodeURIComponent(spell(userId))}`), "USERS.INVALID_ID"],
        ["GET /api/users/validate", () => t.http.get(`/api/users/validate?id=${encodeURIComponent(spell(userId))}`), "USERS.INVALID_ID"],
        ["POST /api/inventory/update", () => t.http.post("/api/inventory/update").send({ productId: spell(productId), quantity: 1 }), "INVENTORY.INVALID_BODY"],
        ["GET /api/inventory/check", () => t.http.get(`/api/inventory/check?productId=${encodeURIComponent(spell(productId))}&quantity=1`), "INVENTORY.INVALID_QUERY"],
        ["POST /api/inventory/check", () => t.http.post("/api/inventory/check").send({ items: [{ productId: spell(productId), quantity: 1 }] }), "INVENTORY.INVALID_BODY"],
        ["GET /api/inventory/quantity", () => t.http.get(`/api/inventory/quantity?productId=${encodeURIComponent(spell(productId))}`), "INVENTORY.INVALID_QUERY"],
        ["POST /api/orders userId", () => t.http.post("/api/orders").send({ userId: spell(userId), shippingAddress: address, items: [{ productId, quantity: 1, unitPrice: 1 }] }), "ORDERS.INVALID_BODY"],
        ["POST /api/orders productId", () => t.http.post("/api/orders").send({ userId, shippingAddress: address, items: [{ productId: spell(productId), quantity: 1, unitPrice: 1 }] }), "ORDERS.INVALID_BODY"],
        ["GET /api/orders/{id}", () => t.http.get(`/api/orders/${encodeURIComponent(spell(order.body.id))}`), "ORDERS.INVALID_ID"],
        ["GET /api/orders?userId", () => t.http.get(`/api/orders?userId=${encodeURIComponent(spell(userId))}`).set("Authorization", `Bearer ${staff}`), "ORDERS.INVALID_QUERY"],
        ["PUT /api/orders/{id}/status", () => t.http.put(`/api/orders/${encodeURIComponent(spell(order.body.id))}/status`).set("Authorization", `Bearer ${staff}`).send({ status: "Cancelled" }), "ORDERS.INVALID_ID"],
      ];
      for (const [name, call, code] of calls) {
        const res = await call();
        assert.equal(res.status, 400, `${name} ${form} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, code, name);
      }
      assert.equal(await quantity(), 4, "no update went through");
    });
  }

  it("when an id is sent in upper case, then it is the same id: found everywhere and echoed in lower case", async () => {
    const productId = randomUUID();
    const upper = productId.toUpperCase();
    const update = await t.http.post("/api/inventory/update").send({ productId: upper, quantity: 3 });
    assert.deepEqual(update.body, { productId, quantity: 3 });
    assert.deepEqual((await t.http.get(`/api/inventory/quantity?productId=${upper}`)).body, { productId, quantity: 3 });
    const check = await t.http.get(`/api/inventory/check?productId=${upper}&quantity=2`);
    assert.equal(check.status, 200, JSON.stringify(check.body));
    assert.deepEqual(check.body, { productId, requested: 2, available: 3, inStock: true });
    const { id: userId } = await createUser(t);
    assert.equal((await t.http.get(`/api/users/${userId.toUpperCase()}`)).body.id, userId);
    const order = await t.http.post("/api/orders").send({ userId: userId.toUpperCase(), shippingAddress: address, items: [{ productId: upper, quantity: 2, unitPrice: 1 }] });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.userId, userId);
    assert.equal(order.body.items[0].productId, productId);
    assert.equal((await t.http.get(`/api/orders/${String(order.body.id).toUpperCase()}`)).body.id, order.body.id);
  });
});
