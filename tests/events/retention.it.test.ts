import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp, eventually } from "#test-support";

// Issue 15: sent outbox rows, processed inbox rows and idempotency keys are purged after RETENTION_MS by a
// periodic job, so the tables stay bounded however long the system runs. Unsent outbox rows are never purged.
describe("retention: outbox, inbox and idempotency tables stay bounded", () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ RETENTION_MS: "60000", RETENTION_PURGE_INTERVAL_MS: "200" });
  });
  after(async () => t?.close());

  const exec = (q: string, ...p: unknown[]) => t.rt.db.prisma.$executeRawUnsafe(q, ...p);
  const count = async (table: string) => (await t.rt.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const TABLES = ["orders.outbox", "inventory.outbox", "orders.inbox", "inventory.inbox", "orders.idempotency_keys"];

  /** `n` rows in every table, finished `ageMs` ago (outbox rows sent then; `unsent`: parked then, never sent). */
  async function seed(n: number, ageMs: number, { unsent = false } = {}) {
    const at = `now() - (${ageMs} * interval '1 millisecond')`;
    for (const schema of ["orders", "inventory"]) {
      await exec(
        `INSERT INTO ${schema}.outbox (event_id, topic, key, envelope, created_at, sent_at, parked_at)
         SELECT gen_random_uuid(), 'order-shipped', gen_random_uuid()::text, '{}'::jsonb, ${at}, ${unsent ? "NULL" : at}, ${unsent ? at : "NULL"}
         FROM generate_series(1, $1::int)`,
        n,
      );
      if (!unsent) await exec(`INSERT INTO ${schema}.inbox (event_id, type, processed_at) SELECT gen_random_uuid(), 'order-placed', ${at} FROM generate_series(1, $1::int)`, n);
    }
    if (!unsent)
      await exec(
        `INSERT INTO orders.idempotency_keys (key, request_hash, order_id, created_at) SELECT gen_random_uuid()::text, repeat('a', 64), gen_random_uuid(), ${at} FROM generate_series(1, $1::int)`,
        n,
      );
  }
  const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (x) => [x, await count(x)] as const)));

  it("when rows are older than RETENTION_MS, then the periodic purge deletes them, keeps younger and unsent rows, and does it again for new ones", async () => {
    const before = await counts();
    await seed(20, 1_000); // young: kept
    await seed(3, 10 * 60_000, { unsent: true }); // old but never published (parked): kept
    const kept = await counts();
    for (let round = 0; round < 3; round++) {
      await seed(500, 10 * 60_000 + round); // past retention: purged
      await eventually(async () => JSON.stringify(await counts()) === JSON.stringify(kept), `round ${round}: the old rows purged`, 10_000);
    }
    assert.deepEqual(
      Object.fromEntries(TABLES.map((x) => [x, kept[x]! - before[x]!])),
      { "orders.outbox": 23, "inventory.outbox": 23, "orders.inbox": 20, "inventory.inbox": 20, "orders.idempotency_keys": 20 },
      "younger rows and unsent rows stay",
    );
    const [unsentOld] = await t.rt.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders.outbox WHERE sent_at IS NULL AND created_at < now() - interval '5 minutes'`);
    assert.equal(unsentOld!.n, 3, "unsent rows are never purged, however old");
  });
});
