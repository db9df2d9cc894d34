import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { signToken } from "../../../platform/auth/auth.js";
import { createEnvelope } from "../../../platform/messaging/event-envelope.js";
import { address, createTestApp, createUser, eventually, placeOrder, reservedOrder, stockProduct, TEST_JWT_SECRET, type TestApp } from "#test-support";

type OutboxRow = { topic: string; envelope: { eventId: string; type: string; correlationId: string; payload: Record<string, unknown> } };
const outboxOf = (t: TestApp, orderId: string) =>
  t.rt.db.prisma.$queryRawUnsafe<OutboxRow[]>(`SELECT topic, envelope FROM orders.outbox WHERE key = $1 ORDER BY id`, orderId);

describe("orders API", () => {
  let t: TestApp;
  let staff: string;
  before(async () => {
    t = await createTestApp();
    staff = await t.token("staff");
  });
  after(() => t.close());

  /** token null = no Authorization header at all */
  const setStatus = (id: string, status: string, token: string | null = staff) => {
    const req = t.http.put(`/api/orders/${id}/status`).send({ status });
    return token === null ? req : req.set("Authorization", `Bearer ${token}`);
  };

  it("when a valid order is placed, then 201 with merged items, an exact total, and order-placed in the outbox", async () => {
    const user = await createUser(t);
    const p1 = await stockProduct(t, 10);
    const p2 = await stockProduct(t, 10);
    const res = await placeOrder(t, user.id, [
      { productId: p1, quantity: 1, unitPrice: 0.1 },
      { productId: p2, quantity: 3, unitPrice: 0.2 },
      { productId: p1, quantity: 2, unitPrice: 0.1 },
    ]).set("X-Request-Id", "corr-42");
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers.location, `/api/orders/${res.body.id}`);
    assert.equal(res.body.status, "Created");
    assert.equal(res.body.totalAmount, 0.9); // 3 × 0.10 + 3 × 0.20, exactly
    assert.deepEqual(res.body.shippingAddress, address);
    const items = [...res.body.items].sort((a, b) => a.productId.localeCompare(b.productId));
    assert.deepEqual(items, [{ productId: p1, quantity: 3, unitPrice: 0.1 }, { productId: p2, quantity: 3, unitPrice: 0.2 }].sort((a, b) => a.productId.localeCompare(b.productId)));
    const [event] = await outboxOf(t, res.body.id);
    assert.equal(event?.topic, "order-placed");
    assert.equal(event?.envelope.correlationId, "corr-42");
    assert.equal(event?.envelope.payload.totalPrice, 0.9);
    assert.equal((event?.envelope.payload.items as unknown[]).length, 2);
    const got = await t.http.get(`/api/orders/${res.body.id}`);
    assert.equal(got.body.totalAmount, 0.9);
  });

  it("when the order is placed, then inventory reserves the stock and the order becomes shippable", async () => {
    const { id, productId } = await reservedOrder(t, 2);
    assert.equal((await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity, 5);
    assert.equal((await setStatus(id, "Shipped")).status, 200);
  });

  it("when the body is invalid, then 400 listing each problem", async () => {
    const res = await t.http.post("/api/orders").send({ userId: "nope", shippingAddress: { street: " " }, items: [{ productId: randomUUID(), quantity: 0, unitPrice: -1 }] });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, "ORDERS.INVALID_BODY");
    const fields = res.body.details.map((d: { field: string }) => d.field);
    for (const f of ["userId", "shippingAddress.street", "shippingAddress.city", "items.0.quantity", "items.0.unitPrice"]) assert.ok(fields.includes(f), `${f} in ${fields}`);
    assert.equal((await t.http.post("/api/orders").send({ userId: randomUUID(), shippingAddress: address, items: [] })).status, 400);
  });

  it("when a duplicate productId comes with two prices, then 422 ORDERS.CONFLICTING_PRICES", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 5);
    const res = await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 1 }, { productId: p, quantity: 1, unitPrice: 2 }]);
    assert.equal(res.status, 422);
    assert.equal(res.body.code, "ORDERS.CONFLICTING_PRICES");
  });

  it("when the user does not exist, then 422 ORDERS.USER_NOT_FOUND and no order", async () => {
    const p = await stockProduct(t, 5);
    const res = await placeOrder(t, randomUUID(), [{ productId: p, quantity: 1, unitPrice: 1 }]);
    assert.equal(res.status, 422);
    assert.equal(res.body.code, "ORDERS.USER_NOT_FOUND");
  });

  it("when stock is insufficient up front, then 409 with details per product", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 1);
    const unknown = randomUUID();
    const res = await placeOrder(t, user.id, [{ productId: p, quantity: 2, unitPrice: 1 }, { productId: unknown, quantity: 1, unitPrice: 1 }]);
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "ORDERS.INSUFFICIENT_STOCK");
    assert.deepEqual(res.body.details.map((d: { productId: string; available: number }) => [d.productId, d.available]).sort(), [[p, 1], [unknown, 0]].sort());
  });

  it("when orders race for the last units, then exactly the stock is reserved and the others are refused or Cancelled", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 3);
    const results = await Promise.all(Array.from({ length: 6 }, () => placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 5 }])));
    assert.ok(results.every((r) => r.status === 201 || (r.status === 409 && r.body.code === "ORDERS.INSUFFICIENT_STOCK")));
    const ids = results.filter((r) => r.status === 201).map((r) => r.body.id as string);
    const final = await eventually(async () => {
      const orders = await Promise.all(ids.map(async (id) => (await t.http.get(`/api/orders/${id}`)).body));
      return orders.every((o) => o.stockStatus !== "Pending") && orders;
    }, "all reservations decided");
    assert.equal(final.filter((o) => o.stockStatus === "Reserved" && o.status === "Created").length, 3);
    for (const o of final.filter((o) => o.stockStatus !== "Reserved")) {
      assert.equal(o.status, "Cancelled");
      assert.match(o.cancelReason, /insufficient stock/);
    }
    assert.equal((await t.http.get(`/api/inventory/quantity?productId=${p}`)).body.quantity, 0);
  });

  it("when inventory answers stock-rejected, then the order is Cancelled with the reason, order-cancelled is emitted, once", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 5);
    const order = await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
    await eventually(async () => (await t.http.get(`/api/orders/${order.body.id}`)).body.stockStatus === "Reserved", "reserved");
    await t.rt.db.prisma.$executeRawUnsafe(`UPDATE orders.orders SET stock_status = 'Pending' WHERE id = $1::uuid`, order.body.id);
    const envelope = createEnvelope("stock-rejected", { orderId: order.body.id, reason: "insufficient stock", shortages: [{ productId: p, requested: 1, available: 0 }] });
    const message = { key: order.body.id, value: JSON.stringify(envelope) };
    await t.rt.transport.publish("stock-rejected", [message]);
    await t.rt.transport.publish("stock-rejected", [message]); // redelivery
    const got = (await t.http.get(`/api/orders/${order.body.id}`)).body;
    assert.equal(got.status, "Cancelled");
    assert.equal(got.stockStatus, "Rejected");
    assert.match(got.cancelReason, new RegExp(`insufficient stock: ${p} requested 1, available 0`));
    assert.deepEqual((await outboxOf(t, order.body.id)).map((r) => r.topic), ["order-placed", "order-cancelled"]);
  });

  it("when an order is fetched, then 404 unknown and 400 malformed", async () => {
    assert.equal((await t.http.get(`/api/orders/${randomUUID()}`)).body.code, "ORDERS.NOT_FOUND");
    assert.equal((await t.http.get(`/api/orders/12`)).status, 400);
  });

  it("when orders are listed by user, then only theirs, newest first, paged", async () => {
    const user = await createUser(t);
    const p = await stockProduct(t, 10);
    const first = await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
    const second = await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
    const list = await t.http.get(`/api/orders?userId=${user.id}`).set("Authorization", `Bearer ${staff}`);
    assert.deepEqual(list.body.map((o: { id: string }) => o.id), [second.body.id, first.body.id]);
    assert.equal((await t.http.get(`/api/orders?userId=${user.id}&limit=1`).set("Authorization", `Bearer ${staff}`)).body.length, 1);
    assert.equal((await t.http.get(`/api/orders?userId=bad`).set("Authorization", `Bearer ${staff}`)).status, 400);
  });

  describe("status state machine", () => {
    it("when Created → Shipped → Delivered, then each step is 200 and emits its event", async () => {
      const { id } = await reservedOrder(t);
      assert.equal((await setStatus(id, "Shipped")).body.status, "Shipped");
      assert.equal((await setStatus(id, "Delivered")).body.status, "Delivered");
      const topics = (await outboxOf(t, id)).map((r) => r.topic);
      assert.deepEqual(topics, ["order-placed", "order-shipped", "order-delivered"]);
      const delivered = (await outboxOf(t, id))[2]!.envelope.payload;
      assert.deepEqual(Object.keys(delivered).sort(), ["occurredAt", "orderId", "status", "userId"]);
    });

    it("when Created → Cancelled, then 200, order-cancelled emitted and reserved stock given back", async () => {
      const { id, productId } = await reservedOrder(t, 2);
      assert.equal((await setStatus(id, "Cancelled")).body.status, "Cancelled");
      assert.deepEqual((await outboxOf(t, id)).map((r) => r.topic), ["order-placed", "order-cancelled"]);
      await eventually(async () => (await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity === 7, "stock released");
    });

    const forbidden: [string[], string][] = [
      [[], "Delivered"],
      [["Shipped"], "Cancelled"],
      [["Shipped"], "Shipped"],
      [["Shipped", "Delivered"], "Shipped"],
      [["Shipped", "Delivered"], "Cancelled"],
      [["Shipped", "Delivered"], "Delivered"],
      [["Cancelled"], "Shipped"],
      [["Cancelled"], "Delivered"],
      [["Cancelled"], "Cancelled"],
    ];
    for (const [path, to] of forbidden) {
      it(`when ${["Created", ...path].join(" → ")} then ${to}, then 409 ORDERS.INVALID_TRANSITION and nothing changes`, async () => {
        const { id } = await reservedOrder(t);
        for (const step of path) assert.equal((await setStatus(id, step)).status, 200);
        const res = await setStatus(id, to);
        assert.equal(res.status, 409);
        assert.equal(res.body.code, "ORDERS.INVALID_TRANSITION");
        assert.equal((await t.http.get(`/api/orders/${id}`)).body.status, path.at(-1) ?? "Created");
        assert.equal((await outboxOf(t, id)).length, 1 + path.length);
      });
    }

    it("when the status value is unknown or Created, then 400", async () => {
      const { id } = await reservedOrder(t);
      for (const status of ["Lost", "Created", ""]) assert.equal((await setStatus(id, status)).status, 400);
    });

    it("when shipping before the stock is reserved, then 409 ORDERS.STOCK_NOT_RESERVED", async () => {
      const user = await createUser(t);
      const p = await stockProduct(t, 5);
      const order = await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 1 }]);
      await t.rt.db.prisma.$executeRawUnsafe(`UPDATE orders.orders SET stock_status = 'Pending' WHERE id = $1::uuid`, order.body.id);
      const res = await setStatus(order.body.id, "Shipped");
      assert.equal(res.status, 409);
      assert.equal(res.body.code, "ORDERS.STOCK_NOT_RESERVED");
    });

    it("when the order does not exist, then 404", async () => {
      assert.equal((await setStatus(randomUUID(), "Shipped")).status, 404);
    });
  });

  describe("permission check on status change", () => {
    it("when no token is sent, then 401", async () => {
      const { id } = await reservedOrder(t);
      const res = await setStatus(id, "Shipped", null);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, "AUTH.UNAUTHORIZED");
    });
    it("when a customer token is sent, then 403", async () => {
      const { id } = await reservedOrder(t);
      const res = await setStatus(id, "Shipped", await t.token("customer"));
      assert.equal(res.status, 403);
      assert.equal(res.body.code, "AUTH.FORBIDDEN");
    });
    it("when the signature is forged or the token expired, then 401", async () => {
      const { id } = await reservedOrder(t);
      const forged = await signToken({ secret: "another-secret-another-secret-another-1", issuer: "strangler", sub: "x", role: "staff" });
      assert.equal((await setStatus(id, "Shipped", forged)).status, 401);
      const expired = await signToken({ secret: TEST_JWT_SECRET, issuer: "strangler", sub: "x", role: "staff", expiresIn: "-1m" });
      assert.equal((await setStatus(id, "Shipped", expired)).status, 401);
      assert.equal((await setStatus(id, "Shipped", "garbage")).status, 401);
    });
  });

  describe("Idempotency-Key", () => {
    it("when the same key and body are replayed, then the first order is returned and no second one exists", async () => {
      const user = await createUser(t);
      const p = await stockProduct(t, 10);
      const key = randomUUID();
      const send = () => placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 3 }]).set("Idempotency-Key", key);
      const results = await Promise.all([send(), send(), send()]);
      assert.deepEqual(results.map((r) => r.status), [201, 201, 201]);
      assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
      assert.equal((await t.http.get(`/api/orders?userId=${user.id}`).set("Authorization", `Bearer ${staff}`)).body.length, 1);
    });
    it("when the key is reused with another body, then 422", async () => {
      const user = await createUser(t);
      const p = await stockProduct(t, 10);
      const key = randomUUID();
      assert.equal((await placeOrder(t, user.id, [{ productId: p, quantity: 1, unitPrice: 3 }]).set("Idempotency-Key", key)).status, 201);
      const res = await placeOrder(t, user.id, [{ productId: p, quantity: 2, unitPrice: 3 }]).set("Idempotency-Key", key);
      assert.equal(res.status, 422);
      assert.equal(res.body.code, "ORDERS.IDEMPOTENCY_KEY_REUSED");
    });
  });
});
