import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, dropNamespace, eventually, kafkaEnv, newNamespace, type TestApp } from "#test-support";

// Issue 15 §1: the relay drains a backlog in claims sized to it (doubling while full) and overlaps marking one claim
// sent with publishing the next. Neither may lose a row or reorder a key: a backlog written at once, many rows per
// key, must come out complete and, per key, in the order it was written, on a real broker.
describe("outbox relay: a large backlog on a real Kafka broker", { timeout: 180_000 }, () => {
  const ns = newNamespace("backlog");
  const ROWS = 5_000;
  const KEYS = 1_000;
  let t: TestApp;
  const firstSeen = new Map<string, number>(); // eventId → seq, first delivery only (at-least-once may repeat one)
  const order = new Map<string, number[]>(); // key → seqs in first-delivery order
  before(async () => {
    t = await createTestApp(kafkaEnv(ns, { OUTBOX_POLL_MS: "100" }));
    await t.rt.transport.ensureTopics(["t-backlog"]);
    await t.rt.transport.subscribe({
      groupId: "backlog-reader",
      topics: ["t-backlog"],
      async handle(message) {
        const { eventId, payload } = JSON.parse(message.value ?? "{}") as { eventId: string; payload: { seq: number } };
        if (firstSeen.has(eventId)) return;
        firstSeen.set(eventId, payload.seq);
        order.set(message.key!, [...(order.get(message.key!) ?? []), payload.seq]);
      },
    });
  });
  after(async () => {
    await t?.close();
    await dropNamespace(ns);
  });

  it(`when ${ROWS} rows over ${KEYS} keys are written at once, then every one is published, each key in written order`, async (ctx) => {
    const started = performance.now();
    await t.rt.db.prisma.$executeRawUnsafe(
      `INSERT INTO orders.outbox (event_id, topic, key, envelope)
       SELECT e.id, 't-backlog', 'backlog-' || (i % $2), jsonb_build_object('eventId', e.id, 'type', 't-backlog', 'occurredAt', now(), 'correlationId', 'backlog', 'payload', jsonb_build_object('seq', i))
       FROM generate_series(1, $1) AS i, LATERAL (SELECT gen_random_uuid() AS id) e ORDER BY i`,
      ROWS,
      KEYS,
    );
    const unsent = async () =>
      Number((await t.rt.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM orders.outbox WHERE topic = 't-backlog' AND sent_at IS NULL`))[0]!.n);
    await eventually(async () => (await unsent()) === 0, "every row marked sent", 120_000);
    const sentS = (performance.now() - started) / 1000;
    await eventually(async () => firstSeen.size === ROWS, `all ${ROWS} delivered (have ${firstSeen.size})`, 60_000);
    ctx.diagnostic(`relay: ${ROWS} rows written at once → all marked sent in ${sentS.toFixed(2)} s (${Math.round(ROWS / sentS)} rows/s, consumer running alongside)`);
    assert.equal(order.size, KEYS);
    for (const [key, seqs] of order) assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `key ${key} out of order`);
  });
});
