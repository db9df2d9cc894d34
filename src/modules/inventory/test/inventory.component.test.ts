import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestApp, stockProduct, type TestApp } from "#test-support";

describe("inventory API", () => {
  let t: TestApp;
  before(async () => (t = await createTestApp()));
  after(() => t.close());

  it("when a delta is posted for a new product, then the row is created with it", async () => {
    const productId = randomUUID();
    const res = await t.http.post("/api/inventory/update").send({ productId, quantity: 7 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { productId, quantity: 7 });
  });

  it("when deltas are applied, then they add up, negative ones included", async () => {
    const productId = await stockProduct(t, 10);
    assert.equal((await t.http.post("/api/inventory/update").send({ productId, quantity: -4 })).body.quantity, 6);
    assert.equal((await t.http.post("/api/inventory/update").send({ productId, quantity: 3 })).body.quantity, 9);
    assert.deepEqual((await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body, { productId, quantity: 9 });
  });

  it("when a delta would go below zero, then 409 and nothing changes", async () => {
    const productId = await stockProduct(t, 2);
    const res = await t.http.post("/api/inventory/update").send({ productId, quantity: -3 });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "INVENTORY.INSUFFICIENT_STOCK");
    assert.equal((await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity, 2);
    const fresh = await t.http.post("/api/inventory/update").send({ productId: randomUUID(), quantity: -1 });
    assert.equal(fresh.status, 409);
  });

  it("when concurrent decrements race, then stock never goes below zero", async () => {
    const productId = await stockProduct(t, 5);
    const results = await Promise.all(Array.from({ length: 20 }, () => t.http.post("/api/inventory/update").send({ productId, quantity: -1 })));
    assert.equal(results.filter((r) => r.status === 200).length, 5);
    assert.equal(results.filter((r) => r.status === 409).length, 15);
    assert.equal((await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity, 0);
  });

  it("when the database itself is asked to go negative, then its CHECK constraint refuses", async () => {
    const productId = await stockProduct(t, 1);
    await assert.rejects(t.rt.db.prisma.$executeRawUnsafe(`UPDATE inventory.stock SET quantity = -1 WHERE product_id = $1::uuid`, productId));
  });

  it("when the body is invalid, then 400 with details", async () => {
    const res = await t.http.post("/api/inventory/update").send({ productId: "x", quantity: 1.5 });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, "INVENTORY.INVALID_BODY");
    assert.deepEqual(res.body.details.map((d: { field: string }) => d.field).sort(), ["productId", "quantity"]);
    assert.equal((await t.http.post("/api/inventory/update").send({ productId: randomUUID(), quantity: "5" })).status, 400);
  });

  it("when stock is checked, then 200 with inStock either way; 404 unknown; 400 bad params", async () => {
    const productId = await stockProduct(t, 3);
    assert.deepEqual((await t.http.get(`/api/inventory/check?productId=${productId}&quantity=3`)).body, { productId, requested: 3, available: 3, inStock: true });
    assert.deepEqual((await t.http.get(`/api/inventory/check?productId=${productId}&quantity=4`)).body, { productId, requested: 4, available: 3, inStock: false });
    const unknown = await t.http.get(`/api/inventory/check?productId=${randomUUID()}&quantity=1`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "INVENTORY.NOT_FOUND");
    for (const q of ["", `?productId=${productId}`, `?productId=${productId}&quantity=0`, "?productId=x&quantity=1"]) {
      const res = await t.http.get(`/api/inventory/check${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.code, "INVENTORY.INVALID_QUERY");
    }
  });

  it("when an order's lines are checked in one call, then one answer per line, unknown products marked; 400 bad bodies", async () => {
    const productId = await stockProduct(t, 3);
    const unknownId = randomUUID();
    const res = await t.http.post("/api/inventory/check").send({ items: [{ productId, quantity: 2 }, { productId: unknownId, quantity: 1 }] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items, [
      { productId, requested: 2, available: 3, inStock: true, known: true },
      { productId: unknownId, requested: 1, available: 0, inStock: false, known: false },
    ]);
    const tooMany = Array.from({ length: 101 }, () => ({ productId, quantity: 1 }));
    for (const body of [{}, { items: [] }, { items: [{ productId, quantity: 0 }] }, { items: [{ productId: "x", quantity: 1 }] }, { items: tooMany }]) {
      const bad = await t.http.post("/api/inventory/check").send(body);
      assert.equal(bad.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(bad.body.code, "INVENTORY.INVALID_BODY");
    }
  });

  it("when a quantity is read, then 404 for an unknown product and 400 for a bad id", async () => {
    assert.equal((await t.http.get(`/api/inventory/quantity?productId=${randomUUID()}`)).status, 404);
    assert.equal((await t.http.get(`/api/inventory/quantity?productId=abc`)).status, 400);
  });
});
