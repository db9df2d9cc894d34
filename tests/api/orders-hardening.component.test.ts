import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp, address, createUser, eventually, placeOrder, reservedOrder, stockProduct } from "#test-support";
import { createEnvelope } from "../../src/platform/messaging/event-envelope.js";

describe("orders: idempotent replays, stock status after a cancel, who may list orders", () => {
  let t: TestApp;
  /** A staff token's Authorization header, or the header for `token`. */
  let bearer: (token?: string) => { Authorization: string };
  before(async () => {
    t = await createTestApp();
    const staff = await t.token("staff");
    bearer = (token = staff) => ({ Authorization: `Bearer ${token}` });
  });
  after(() => t.close());

  it("when the same body is replayed with its keys in another order (deeply), then it is the same request: the first order", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 10);
    const key = randomUUID();
    const first = await t.http.post("/api/orders").set("Idempotency-Key", key).send({ userId: user.id, shippingAddress: address, items: [{ productId: p, quantity: 2, unitPrice: 3 }] });
    assert.equal(first.status, 201);
    const reordered = {
      items: [{ unitPrice: 3, quantity: 2, productId: p }],
      shippingAddress: { zipCode: address.zipCode, country: address.country, state: address.state, city: address.city, street: address.street },
      userId: user.id,
    };
    const replay = await t.http.post("/api/orders").set("Idempotency-Key", key).send(reordered);
    assert.equal(replay.status, 201, JSON.stringify(replay.body));
    assert.equal(replay.body.id, first.body.id);
    assert.equal(replay.headers["idempotent-replayed"], "true");
    const changed = await t.http.post("/api/orders").set("Idempotency-Key", key).send({ ...reordered, items: [{ unitPrice: 3, quantity: 3, productId: p }] });
    assert.equal(changed.status, 422, "a different value is still a reuse");
    assert.equal(changed.body.code, "ORDERS.IDEMPOTENCY_KEY_REUSED");
  });

  it("when a Reserved order is cancelled, then stockStatus is Released (answer and stored) and the stock is back", async () => {
    const { id, productId } = await reservedOrder(t, 2);
    const res = await t.http.put(`/api/orders/${id}/status`).set(bearer()).send({ status: "Cancelled" });
    assert.deepEqual([res.status, res.body.status, res.body.stockStatus], [200, "Cancelled", "Released"]);
    assert.equal((await t.http.get(`/api/orders/${id}`)).body.stockStatus, "Released");
    await eventually(async () => (await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity === 7, "stock given back");
  });

  it("when a Pending order is cancelled and its stock-reserved arrives late, then it stays Released (never Reserved on a cancelled order)", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 5);
    const order = await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
    await eventually(async () => (await t.http.get(`/api/orders/${order.body.id}`)).body.stockStatus === "Reserved", "reserved");
    await t.rt.db.prisma.$executeRawUnsafe(`UPDATE orders.orders SET stock_status = 'Pending' WHERE id = $1::uuid`, order.body.id);
    const res = await t.http.put(`/api/orders/${order.body.id}/status`).set(bearer()).send({ status: "Cancelled" });
    assert.equal(res.body.stockStatus, "Released");
    const late = createEnvelope("stock-reserved", { orderId: order.body.id, items: [{ productId: p, quantity: 1 }] });
    await t.rt.transport.publish("stock-reserved", [{ key: order.body.id, value: JSON.stringify(late) }]);
    const got = (await t.http.get(`/api/orders/${order.body.id}`)).body;
    assert.deepEqual([got.status, got.stockStatus], ["Cancelled", "Released"]);
  });

  describe("GET /api/orders", () => {
    it("when no token or a bad one is sent, then 401 and no addresses", async () => {
      const res = await t.http.get("/api/orders");
      assert.equal(res.status, 401);
      assert.equal(res.body.code, "AUTH.UNAUTHORIZED");
      assert.equal((await t.http.get(`/api/orders?userId=${randomUUID()}`)).status, 401);
      assert.equal((await t.http.get("/api/orders").set(bearer("garbage"))).status, 401);
    });

    it("when a customer lists without userId or another user's orders, then 403; their own: 200 with only theirs", async () => {
      const alice = await createUser(t);
      const bob = await createUser(t);
      const p = await stockProduct(t, 10);
      const mine = await placeOrder(t, alice.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
      await placeOrder(t, bob.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
      const aliceToken = await t.token("customer", alice.id);
      for (const path of ["/api/orders", `/api/orders?userId=${bob.id}`]) {
        const res = await t.http.get(path).set(bearer(aliceToken));
        assert.equal(res.status, 403, path);
        assert.equal(res.body.code, "AUTH.FORBIDDEN");
      }
      const own = await t.http.get(`/api/orders?userId=${alice.id.toUpperCase()}`).set(bearer(aliceToken));
      assert.equal(own.status, 200);
      assert.deepEqual(own.body.map((o: { id: string }) => o.id), [mine.body.id]);
    });

    it("when staff lists without userId, then every user's orders", async () => {
      const a = await reservedOrder(t);
      const b = await reservedOrder(t);
      const res = await t.http.get("/api/orders?limit=500").set(bearer());
      assert.equal(res.status, 200);
      const ids = res.body.map((o: { id: string }) => o.id);
      for (const id of [a.id, b.id]) assert.ok(ids.includes(id));
    });
  });
});
