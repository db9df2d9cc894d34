import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { appQuery, createTestApp, createUser, dropNamespace, eventState, eventually, kafkaEnv, newNamespace, placeOrder, settled, stockLevels, stockProduct, type TestApp } from "#test-support";

describe("concurrent orders on a real Kafka broker", { timeout: 120_000 }, () => {
  const ns = newNamespace("concurrency");
  let t: TestApp;
  before(async () => {
    t = await createTestApp(kafkaEnv(ns, { DB_POOL_SIZE: "20" }));
  });
  after(async () => {
    await t?.close();
    await dropNamespace(ns);
  });

  it("when 200 orders race for 10 units, then exactly 10 are reserved, the rest Cancelled with a reason or refused 409, stock ends at 0 and never below", async (ctx) => {
    const UNITS = 10;
    const ORDERS = 200;
    const q = appQuery(t);
    const users = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
    const productId = await stockProduct(t, UNITS);

    // Sample the stock level all along (the CHECK constraint would refuse a negative one; this shows we never try).
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      for (let i = 0; sampling && i < 2_000; i++) {
        samples.push((await stockLevels(q, [productId])).get(productId)!);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const responses = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => placeOrder(t, users[i % users.length]!.id, [{ productId, quantity: 1, unitPrice: 9.99 }])),
    );
    const created = responses.filter((r) => r.status === 201).map((r) => r.body.id as string);
    const refused = responses.filter((r) => r.status === 409);
    assert.equal(created.length + refused.length, ORDERS, `unexpected statuses: ${[...new Set(responses.map((r) => r.status))]}`);
    for (const r of refused) assert.equal(r.body.code, "ORDERS.INSUFFICIENT_STOCK");
    ctx.diagnostic(`${created.length} created (then reserved or Cancelled), ${refused.length} refused 409 up front`);
    assert.ok(created.length >= UNITS, `at least the ${UNITS} units were sold (${created.length} orders created)`);

    let state = await eventState(q, created);
    await eventually(async () => settled((state = await eventState(q, created))), "every created order decided", 60_000).catch((e) => {
      throw new Error(`${e.message}; last state ${JSON.stringify(state)}`);
    });
    sampling = false;
    await sampler;

    const orders = await q<{ id: string; status: string; stock_status: string; cancel_reason: string | null }>(
      `SELECT id::text, status, stock_status, cancel_reason FROM orders.orders WHERE id = ANY($1::uuid[])`,
      created,
    );
    const reserved = orders.filter((o) => o.stock_status === "Reserved");
    assert.equal(reserved.length, UNITS, "exactly the stock is reserved");
    for (const o of reserved) assert.equal(o.status, "Created");
    for (const o of orders.filter((o) => o.stock_status !== "Reserved")) {
      assert.equal(o.status, "Cancelled", o.id);
      assert.equal(o.stock_status, "Rejected", o.id);
      assert.match(o.cancel_reason ?? "", new RegExp(`insufficient stock: ${productId} requested 1, available 0`));
    }
    assert.deepEqual(state.reservations, { Reserved: UNITS, ...(created.length > UNITS ? { Released: created.length - UNITS } : {}) });
    assert.equal((await stockLevels(q, [productId])).get(productId), 0);
    assert.ok(samples.length > 0 && Math.min(...samples) >= 0, `stock never negative (min ${Math.min(...samples)})`);
    // The refused ones were told why, per product.
    if (refused.length) assert.deepEqual(refused[0]!.body.details.map((d: { productId: string }) => d.productId), [productId]);
  });
});
