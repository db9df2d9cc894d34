import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import type { Producer } from "kafkajs";
import { caughtUp, createTestApp, createUser, dropNamespace, eventually, kafkaEnv, newNamespace, placeOrder, rawProducer, reservedOrder, type SeenMessage, stockProduct, type TestApp, watchTopics, withAdmin } from "#test-support";

// 4, not the default 3 (also the broker's num.partitions): proves the app's setting is what created the topics.
const PARTITIONS = 4;
const TOPICS = ["order-placed", "order-shipped", "order-delivered", "order-cancelled", "stock-reserved", "stock-rejected", "dead-letter"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("events on a real Kafka broker", () => {
  const ns = newNamespace("flow");
  let t: TestApp;
  let staff: string;
  let watcher: Awaited<ReturnType<typeof watchTopics>>;
  let producer: Producer;
  before(async () => {
    t = await createTestApp(kafkaEnv(ns, { KAFKA_TOPIC_PARTITIONS: String(PARTITIONS) }));
    staff = await t.token("staff");
    watcher = await watchTopics(ns, TOPICS);
    producer = await rawProducer();
  });
  after(async () => {
    await Promise.allSettled([watcher?.close(), producer?.disconnect()]);
    await t?.close();
    await dropNamespace(ns);
  });

  const envelopeOf = (m: SeenMessage) => JSON.parse(m.value ?? "null");
  const onTopic = (topic: string, orderId: string) => (m: SeenMessage) => m.topic === topic && m.key === orderId;
  const quantity = async (productId: string) => (await t.http.get(`/api/inventory/quantity?productId=${productId}`)).body.quantity as number;
  const setStatus = (id: string, status: string) => t.http.put(`/api/orders/${id}/status`).set("Authorization", `Bearer ${staff}`).send({ status });
  const inventoryCaughtUp = () =>
    eventually(() => withAdmin((a) => caughtUp(a, `${ns}strangler.inventory`, `${ns}order-placed`)), "inventory consumer caught up on order-placed");

  it("when the app starts, then every topic exists with KAFKA_TOPIC_PARTITIONS partitions and the replication factor", async () => {
    const { topics } = await withAdmin((a) => a.fetchTopicMetadata({ topics: TOPICS.map((x) => ns + x) }));
    assert.equal(topics.length, TOPICS.length);
    for (const topic of topics) {
      assert.equal(topic.partitions.length, PARTITIONS, topic.name);
      for (const p of topic.partitions) assert.equal(p.replicas.length, 1, topic.name);
    }
  });

  it("when an order is placed, then order-placed carries the envelope and payload keyed by orderId, and stock drops", async () => {
    const user = await createUser(t);
    const productId = await stockProduct(t, 10);
    const res = await placeOrder(t, user.id, [{ productId, quantity: 3, unitPrice: 12.5 }]).set("X-Request-Id", "flow-req-1");
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const orderId = res.body.id as string;

    const message = await watcher.find(onTopic("order-placed", orderId), "order-placed on Kafka");
    assert.equal(message.key, orderId);
    assert.equal(message.headers["content-type"], "application/json");
    const envelope = envelopeOf(message);
    assert.match(envelope.eventId, UUID);
    assert.equal(envelope.type, "order-placed");
    assert.ok(!Number.isNaN(Date.parse(envelope.occurredAt)), envelope.occurredAt);
    assert.equal(envelope.correlationId, "flow-req-1");
    assert.deepEqual(envelope.payload, { orderId, userId: user.id, items: [{ productId, quantity: 3, price: 12.5 }], totalPrice: 37.5 });

    await eventually(async () => (await quantity(productId)) === 7, "stock reduced to 7");
    await eventually(async () => (await t.http.get(`/api/orders/${orderId}`)).body.stockStatus === "Reserved", "order reserved");
    const reserved = await watcher.find(onTopic("stock-reserved", orderId), "stock-reserved on Kafka");
    assert.equal(envelopeOf(reserved).causationId, envelope.eventId);
    assert.equal(envelopeOf(reserved).correlationId, "flow-req-1");
  });

  it("when an order is Shipped then Delivered, then order-shipped and order-delivered carry { orderId, userId, status, occurredAt }", async () => {
    const { id, userId } = await reservedOrder(t);
    for (const [status, topic] of [["Shipped", "order-shipped"], ["Delivered", "order-delivered"]] as const) {
      const res = await setStatus(id, status);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const envelope = envelopeOf(await watcher.find(onTopic(topic, id), `${topic} on Kafka`));
      assert.equal(envelope.type, topic);
      assert.deepEqual(envelope.payload, { orderId: id, userId, status, occurredAt: res.body.updatedAt });
    }
  });

  it("when an order is Cancelled, then order-cancelled is published and inventory gives the stock back", async () => {
    const { id, userId, productId } = await reservedOrder(t, 2); // 7 in stock, 2 reserved → 5
    assert.equal(await quantity(productId), 5);
    const res = await setStatus(id, "Cancelled");
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const envelope = envelopeOf(await watcher.find(onTopic("order-cancelled", id), "order-cancelled on Kafka"));
    assert.deepEqual(envelope.payload, { orderId: id, userId, status: "Cancelled", occurredAt: res.body.updatedAt });
    await eventually(async () => (await quantity(productId)) === 7, "stock given back");
  });

  it("when the same order-placed is delivered again (same eventId, or a new eventId), then stock is reduced once", async () => {
    const { id, productId } = await reservedOrder(t, 2); // 7 → 5
    const original = await watcher.find(onTopic("order-placed", id), "order-placed on Kafka");
    const copy = { ...envelopeOf(original), eventId: randomUUID() }; // a replay from another producer
    await producer.send({
      topic: `${ns}order-placed`,
      messages: [original, original, { value: JSON.stringify(copy) }].map((m) => ({ key: id, value: m.value! })),
    });
    await inventoryCaughtUp();
    assert.equal(await quantity(productId), 5);
    const inbox = await t.rt.db.prisma.$queryRawUnsafe<{ event_id: string }[]>(
      `SELECT event_id::text FROM inventory.inbox WHERE event_id = ANY($1::uuid[])`,
      [envelopeOf(original).eventId, copy.eventId],
    );
    assert.equal(inbox.length, 2, "both eventIds seen, each once");
    const [reservations] = await t.rt.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM inventory.reservations WHERE order_id = $1::uuid`, id);
    assert.equal(Number(reservations?.n), 1);
  });

  it("when stock runs short between the check and the reservation, then the order is Cancelled with a reason", async () => {
    const user = await createUser(t);
    const productId = await stockProduct(t, 5);
    // Hold the stock row so the consumer cannot reserve before another sale takes 4 of the 5 units.
    const blocker = new pg.Client({ connectionString: t.config.databaseUrl });
    await blocker.connect();
    let orderId: string;
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM inventory.stock WHERE product_id = $1 FOR UPDATE", [productId]);
      const res = await placeOrder(t, user.id, [{ productId, quantity: 3, unitPrice: 1 }]); // the up-front check sees 5
      assert.equal(res.status, 201, JSON.stringify(res.body));
      orderId = res.body.id;
      await blocker.query("UPDATE inventory.stock SET quantity = quantity - 4 WHERE product_id = $1", [productId]);
      await blocker.query("COMMIT");
    } finally {
      await blocker.end();
    }
    const order = await eventually(async () => {
      const o = (await t.http.get(`/api/orders/${orderId}`)).body;
      return o.status === "Cancelled" && o;
    }, "order cancelled");
    assert.equal(order.stockStatus, "Rejected");
    assert.match(order.cancelReason, new RegExp(`insufficient stock: ${productId} requested 3, available 1`));
    assert.equal(await quantity(productId), 1);
    const rejected = envelopeOf(await watcher.find(onTopic("stock-rejected", orderId), "stock-rejected on Kafka"));
    assert.deepEqual(rejected.payload.shortages, [{ productId, requested: 3, available: 1 }]);
    const cancelled = envelopeOf(await watcher.find(onTopic("order-cancelled", orderId), "order-cancelled on Kafka"));
    assert.equal(cancelled.payload.status, "Cancelled");
    assert.match(cancelled.payload.reason, /insufficient stock/);
    assert.equal((await setStatus(orderId, "Shipped")).status, 409);
  });

  it("when malformed messages arrive on order-placed, then they land in dead-letter with x-reason and the consumer keeps working", async () => {
    const key = `malformed-${randomUUID()}`;
    const badPayload = { eventId: randomUUID(), type: "order-placed", occurredAt: new Date().toISOString(), correlationId: "x", payload: { orderId: "nope", items: [] } };
    const badEnvelope = { type: "order-placed", payload: {} };
    // On every partition, so every partition's consumer has to get past one.
    const values = ["{not json", JSON.stringify(badPayload), JSON.stringify(badEnvelope)];
    await producer.send({
      topic: `${ns}order-placed`,
      messages: values.flatMap((value) => Array.from({ length: PARTITIONS }, (_, partition) => ({ key, value, partition }))),
    });
    const dead = await eventually(async () => {
      const found = watcher.seen.filter((m) => m.topic === "dead-letter" && m.key === key);
      return found.length === values.length * PARTITIONS && found;
    }, "every malformed message in dead-letter");
    const reasons = dead.map((m) => m.headers["x-reason"] ?? "");
    assert.equal(reasons.filter((r) => r === "value is not valid JSON").length, PARTITIONS);
    assert.equal(reasons.filter((r) => /^invalid order-placed payload: .*orderId/.test(r)).length, PARTITIONS);
    assert.equal(reasons.filter((r) => /^invalid envelope: .*eventId/.test(r)).length, PARTITIONS);
    for (const m of dead) {
      assert.equal(m.headers["x-original-topic"], "order-placed");
      assert.equal(m.headers["x-consumer-group"], "strangler.inventory");
      assert.ok(values.includes(m.value!), "the original value is kept");
    }
    // Still consuming, on whichever partition the next orders land.
    for (let i = 0; i < 3; i++) await reservedOrder(t);
  });
});
