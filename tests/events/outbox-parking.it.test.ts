import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { register } from "prom-client";
import { runOutbox } from "../../src/cli/outbox.command.js";
import { createLogger } from "../../src/platform/logger/logger.js";
import { describeOutbox } from "../../src/platform/outbox/outbox.js";
import { createTestApp, type TestApp, eventually, dropNamespace, kafkaEnv, newNamespace, watchTopics, withAdmin } from "#test-support";

// Issue 13: one unpublishable row (here: over the topic's max.message.bytes) must not stop the module's events.
describe("outbox: a row the broker refuses is parked, the rest flows, nothing published is re-sent", { timeout: 120_000 }, () => {
  const ns = newNamespace("parking");
  let t: TestApp;
  let watcher: Awaited<ReturnType<typeof watchTopics>>;
  before(async () => {
    t = await createTestApp(kafkaEnv(ns, { OUTBOX_MAX_ATTEMPTS: "2" }));
    const topics = [`${ns}t-ok`, `${ns}t-small`];
    await withAdmin(async (a) => {
      await a.createTopics({
        topics: [
          { topic: topics[0]!, numPartitions: 3 },
          { topic: topics[1]!, numPartitions: 3, configEntries: [{ name: "max.message.bytes", value: "2000" }] },
        ],
      });
      // Not `waitForLeaders`: kafkajs gives that up on UNKNOWN_TOPIC_OR_PARTITION while a KRaft broker still
      // propagates the new topics (seen after the broker restarts of kafka-faults). Wait for every leader instead.
      await eventually(
        () => a.fetchTopicMetadata({ topics }).then((m) => m.topics.every((t) => t.partitions.length === 3 && t.partitions.every((p) => p.leader >= 0)), () => false),
        "the new topics' partition leaders",
        30_000,
        200,
      );
    });
    watcher = await watchTopics(ns, ["t-ok", "t-small"]);
  });
  after(async () => {
    await watcher?.close();
    await t?.close();
    await dropNamespace(ns);
  });

  const sql = <T = unknown>(q: string, ...params: unknown[]) => t.rt.db.prisma.$queryRawUnsafe<T[]>(q, ...params);
  /** Writes rows straight into orders.outbox, in this order, in one transaction (the relay claims them as one batch). */
  async function writeRows(rows: { topic: string; key: string; size?: number }[]) {
    const ids: bigint[] = [];
    await t.rt.db.prisma.$transaction(async (tx) => {
      for (const r of rows) {
        const eventId = randomUUID();
        const envelope = { eventId, type: r.topic, occurredAt: new Date().toISOString(), correlationId: "parking", payload: { key: r.key, pad: "x".repeat(r.size ?? 10) } };
        const [row] = await tx.$queryRawUnsafe<{ id: bigint }[]>(
          `INSERT INTO orders.outbox (event_id, topic, key, envelope) VALUES ($1::uuid, $2, $3, $4::jsonb) RETURNING id`,
          eventId,
          r.topic,
          r.key,
          JSON.stringify(envelope),
        );
        ids.push(row!.id);
      }
    });
    return ids;
  }
  const rowState = async (id: bigint) =>
    (await sql<{ sent: boolean; parked: boolean; attempts: number; last_error: string | null }>(`SELECT sent_at IS NOT NULL AS sent, parked_at IS NOT NULL AS parked, attempts, last_error FROM orders.outbox WHERE id = $1`, id))[0]!;
  const parkedGauge = async () => (await register.getSingleMetric("strangler_outbox_parked_rows")!.get()).values.find((v) => v.labels.module === "orders")?.value;
  const onWire = (topic: string, key: string) => watcher.seen.filter((m) => m.topic === topic && m.key === key).length;

  it("when one row is too large, then it is parked after OUTBOX_MAX_ATTEMPTS, other keys and topics go out once, its key's later rows wait; retry sends them in order", async () => {
    const [a, d] = [randomUUID(), randomUUID()];
    const [big, c] = [randomUUID(), randomUUID()];
    const [okA, bigRow, smallC, behindBig, okD] = await writeRows([
      { topic: "t-ok", key: a },
      { topic: "t-small", key: big, size: 5_000 },
      { topic: "t-small", key: c },
      { topic: "t-small", key: big }, // same key as the refused row: must wait behind it
      { topic: "t-ok", key: d },
    ]);

    const parked = await eventually(async () => ((await rowState(bigRow!)).parked ? rowState(bigRow!) : undefined), "the large row parked", 30_000);
    assert.equal(parked.attempts, 2, "parked after OUTBOX_MAX_ATTEMPTS failed publishes");
    assert.match(parked.last_error ?? "", /too large|MESSAGE_TOO_LARGE|larger/i);
    for (const id of [okA, smallC, okD]) assert.equal((await rowState(id!)).sent, true, `row ${id} sent`);
    const waiting = await rowState(behindBig!);
    assert.deepEqual([waiting.sent, waiting.attempts], [false, 0], "the same key's later row was never published ahead of the parked one");

    // Published rows are never sent again, although their batch held the failing row (a retry re-sent them before).
    await eventually(async () => onWire("t-ok", a) && onWire("t-ok", d) && onWire("t-small", c), "the good rows on the wire");
    await new Promise((r) => setTimeout(r, 2_000)); // a relay still re-sending would have done so by now
    assert.deepEqual([onWire("t-ok", a), onWire("t-ok", d), onWire("t-small", c), onWire("t-small", big)], [1, 1, 1, 0]);

    // Visible: the metric and what /health/details shows for the outbox.
    await eventually(async () => (await parkedGauge()) === 1, "strangler_outbox_parked_rows{module=orders} = 1");
    const described = await describeOutbox(t.rt.db.prisma, "orders");
    assert.deepEqual([described.parked, described.failing], [1, 0], JSON.stringify(described));

    // The operator fixes the cause (a larger limit) and retries that row: it goes out, then the row behind it.
    await withAdmin((adm) =>
      adm.alterConfigs({ validateOnly: false, resources: [{ type: 2 /* TOPIC */, name: `${ns}t-small`, configEntries: [{ name: "max.message.bytes", value: "100000" }] }] }),
    );
    const logger = createLogger({ level: "error", service: "test" });
    assert.equal(await runOutbox(["retry", "--module", "orders", "--id", String(bigRow)], t.config, logger), 0);
    await eventually(async () => (await rowState(behindBig!)).sent, "the row behind the parked one sent after the retry", 20_000);
    assert.equal((await rowState(bigRow!)).sent, true);
    await eventually(async () => onWire("t-small", big) === 2, "both rows of the key on the wire");
    const ofKey = watcher.seen.filter((m) => m.topic === "t-small" && m.key === big).map((m) => JSON.parse(m.value!).payload.pad.length);
    assert.deepEqual(ofKey, [5_000, 10], "in their order");
    await eventually(async () => (await parkedGauge()) === 0, "the gauge back to 0");
  });

  it("when the topic of a row was deleted, then that row is parked and the rows of other topics are still published", async () => {
    await withAdmin((a) => a.createTopics({ waitForLeaders: true, topics: [{ topic: `${ns}t-gone`, numPartitions: 1 }] }));
    await withAdmin((a) => a.deleteTopics({ topics: [`${ns}t-gone`], timeout: 10_000 }));
    const [gone, ok] = await writeRows([
      { topic: "t-gone", key: randomUUID() },
      { topic: "t-ok", key: randomUUID() },
    ]);
    assert.equal(await eventually(async () => (await rowState(ok!)).sent, "the other topic's row sent", 30_000), true);
    const parked = await eventually(async () => ((await rowState(gone!)).parked ? rowState(gone!) : undefined), "the deleted topic's row parked", 60_000);
    assert.equal(parked.attempts, 2);
    const logger = createLogger({ level: "error", service: "test" });
    assert.equal(await runOutbox(["retry", "--all"], t.config, logger), 0);
    const back = await rowState(gone!);
    assert.deepEqual([back.parked, back.attempts], [false, 0], "back in line");
  });
});
