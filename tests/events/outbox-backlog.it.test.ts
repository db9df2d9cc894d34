import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, dropNamespace, eventually, kafkaEnv, newNamespace, watchTopics, type TestApp } from "#test-support";

// Issue 15 §1: the relay drains a backlog in claims sized to it (doubling while full) and overlaps marking one claim
// sent with publishing the next. Neither may lose a row or reorder a key: a backlog written at once, many rows per
// key, must come out complete and, per key, in the order it was written, on a real broker.
describe("outbox relay: a large backlog on a real Kafka broker", { timeout: 180_000 }, () => {
  const ns = newNamespace("backlog");
  const ROWS = 5_000;
  const KEYS = 1_000;
  let t: TestApp;
  before(async () => {
    t = await createTestApp(kafkaEnv(ns, { OUTBOX_POLL_MS: "100" }));
    await t.rt.transport.ensureTopics(["t-backlog"]);
  });
  after(async () => {
    await t?.close();
    await dropNamespace(ns);
  });

  it(`when ${ROWS} rows over ${KEYS} keys are written at once, then every one is published, each key in written order`, async (ctx) => {
    const started = performance.now();
    await t.rt.db.prisma.$executeRawUnsafe(
      `INSERT INTO orders.outbox (event_id, topic, key, envelope)
       SELECT id, 't-backlog', 'backlog-' || (i % $2), jsonb_build_object('eventId', id, 'type', 't-backlog', 'occurredAt', now(), 'correlationId', 'backlog', 'payload', jsonb_build_object('seq', i))
       FROM (SELECT gen_random_uuid() AS id, i FROM generate_series(1, $1) AS i) e ORDER BY i`,
      ROWS,
      KEYS,
    );
    const unsent = async () =>
      Number((await t.rt.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM orders.outbox WHERE topic = 't-backlog' AND sent_at IS NULL`))[0]!.n);
    await eventually(async () => (await unsent()) === 0, "every row marked sent", 120_000);
    const sentS = (performance.now() - started) / 1000;
    // What went over the wire, read from the beginning; per key in first-delivery order (at-least-once may repeat one).
    const wire = await watchTopics(ns, ["t-backlog"]);
    const firstSeen = new Map<string, number>(); // eventId → seq
    const order = new Map<string, number[]>(); // key → seqs
    try {
      await eventually(async () => new Set(wire.seen.map((m) => JSON.parse(m.value!).eventId)).size === ROWS, `all ${ROWS} on the topic`, 60_000);
    } finally {
      await wire.close();
    }
    for (const m of wire.seen) {
      const { eventId, payload } = JSON.parse(m.value!) as { eventId: string; payload: { seq: number } };
      if (firstSeen.has(eventId)) continue;
      firstSeen.set(eventId, payload.seq);
      order.set(m.key!, [...(order.get(m.key!) ?? []), payload.seq]);
    }
    ctx.diagnostic(`relay: ${ROWS} rows written at once → all marked sent in ${sentS.toFixed(2)} s (${Math.round(ROWS / sentS)} rows/s, app's consumers idle)`);
    assert.equal(order.size, KEYS);
    for (const [key, seqs] of order) assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `key ${key} out of order`);
  });
});
