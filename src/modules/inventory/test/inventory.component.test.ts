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

describe("inventory consumer: a batch of order-placed in one transaction", () => {
  let t: TestApp;
  before(async () => (t = await createTestApp()));
  after(() => t.close());
  const sql = <T>(q: string, ...params: unknown[]) => t.rt.db.prisma.$queryRawUnsafe<T[]>(q, ...params);

  it("when a batch mixes an order that fits, one that does not and a duplicate, then each is decided in order, all or nothing per order", async () => {
    const [a, b] = [await stockProduct(t, 3), await stockProduct(t, 1)];
    const [o1, o2, o3] = [randomUUID(), randomUUID(), randomUUID()];
    const placed = (orderId: string, items: { productId: string; quantity: number }[]) => ({
      eventId: randomUUID(), type: "order-placed", occurredAt: new Date().toISOString(), correlationId: randomUUID(),
      payload: { orderId, userId: randomUUID(), items: items.map((i) => ({ ...i, price: 1 })), totalPrice: 1 },
    });
    const fits = placed(o1, [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }]);
    const short = placed(o2, [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }]); // b is gone after o1
    const third = placed(o3, [{ productId: a, quantity: 1 }]);
    // One key: one lane, so the consumer gets the five messages as one batch.
    await t.rt.transport.publish("order-placed", [fits, short, fits, { ...fits, eventId: randomUUID() }, third].map((e) => ({ key: "batch", value: JSON.stringify(e) })));

    const stock = await sql<{ id: string; quantity: number }>(`SELECT product_id::text AS id, quantity FROM inventory.stock WHERE product_id = ANY($1::uuid[])`, [a, b]);
    assert.deepEqual(Object.fromEntries(stock.map((s) => [s.id, s.quantity])), { [a]: 0, [b]: 0 });
    const reservations = await sql<{ id: string; status: string; items: unknown[] }>(`SELECT order_id::text AS id, status, items FROM inventory.reservations WHERE order_id = ANY($1::uuid[])`, [o1, o2, o3]);
    assert.deepEqual(Object.fromEntries(reservations.map((r) => [r.id, [r.status, r.items.length]])), { [o1]: ["Reserved", 2], [o2]: ["Released", 0], [o3]: ["Reserved", 1] });
    const answers = await sql<{ key: string; topic: string; causation: string; correlation: string }>(
      `SELECT key, topic, envelope->>'causationId' AS causation, envelope->>'correlationId' AS correlation FROM inventory.outbox WHERE key = ANY($1::text[]) ORDER BY id`, [o1, o2, o3]);
    assert.deepEqual(answers.map((r) => [r.key, r.topic, r.causation, r.correlation]), [
      [o1, "stock-reserved", fits.eventId, fits.correlationId],
      [o2, "stock-rejected", short.eventId, short.correlationId],
      [o3, "stock-reserved", third.eventId, third.correlationId],
    ]);
    const [inbox] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.inbox WHERE event_id = ANY($1::uuid[])`, [fits.eventId, short.eventId, third.eventId]);
    assert.equal(inbox?.n, 3);
  });
});
