import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp, eventually } from "#test-support";

// Issue 13: a relay whose lease on a row was taken over (it expired while publishing, another instance claimed the
// row) must neither mark that row sent nor release it. The in-process transport delivers while the relay waits, so a
// subscriber can take the lease over at exactly that moment, as a second instance would.
describe("outbox lease: only the instance holding a row's lease marks or releases it", () => {
  let t: TestApp;
  const seen: string[] = [];
  before(async () => {
    t = await createTestApp({ OUTBOX_POLL_MS: "100" });
    await t.rt.transport.subscribe({
      groupId: "lease-thief",
      topics: ["t-lease-ok", "t-lease-fail"],
      async handle(message) {
        const { eventId } = JSON.parse(message.value ?? "{}");
        await t.rt.db.prisma.$executeRawUnsafe(`UPDATE orders.outbox SET locked_by = 'another-instance', locked_until = now() + interval '1 hour' WHERE event_id = $1::uuid`, eventId);
        seen.push(eventId);
        if (message.topic === "t-lease-fail") throw new Error("publish failed after the lease was lost");
      },
    });
  });
  after(async () => t?.close());

  async function write(topic: string) {
    const eventId = randomUUID();
    const envelope = { eventId, type: topic, occurredAt: new Date().toISOString(), correlationId: "lease", payload: {} };
    await t.rt.db.prisma.$executeRawUnsafe(`INSERT INTO orders.outbox (event_id, topic, key, envelope) VALUES ($1::uuid, $2, $3, $4::jsonb)`, eventId, topic, randomUUID(), JSON.stringify(envelope));
    return eventId;
  }
  const row = async (eventId: string) =>
    (await t.rt.db.prisma.$queryRawUnsafe<{ sent: boolean; locked_by: string | null; attempts: number; last_error: string | null }[]>(
      `SELECT sent_at IS NOT NULL AS sent, locked_by, attempts, last_error FROM orders.outbox WHERE event_id = $1::uuid`,
      eventId,
    ))[0]!;

  it("when the lease was taken over during a successful publish, then the row is not marked sent by the old holder", async () => {
    const eventId = await write("t-lease-ok");
    await eventually(async () => seen.includes(eventId), "the row published");
    await new Promise((r) => setTimeout(r, 500)); // the relay has marked what it was going to mark
    assert.deepEqual(await row(eventId), { sent: false, locked_by: "another-instance", attempts: 0, last_error: null });
  });

  it("when the lease was taken over during a failed publish, then the old holder neither releases it nor counts an attempt", async () => {
    const eventId = await write("t-lease-fail");
    await eventually(async () => seen.includes(eventId), "the row published");
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await row(eventId), { sent: false, locked_by: "another-instance", attempts: 0, last_error: null });
  });
});
