import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { appQuery, broker, createTestApp, createTestDatabase, createUser, dropNamespace, eventState, type EventState, eventually, kafkaEnv, newNamespace, placeOrder, poolQuery, type Query, settled, type StartedProcess, startProcess, stockLevels, stockProduct, type TestApp } from "#test-support";

type Placed = { id: string; productId: string; quantity: number };

/** Final checks shared by both faults: each order reserved once, stock = initial − its reservations, nothing left. */
async function assertEachOrderReservedOnce(q: Query, placed: Placed[], initial: number, timeoutMs: number) {
  const ids = placed.map((p) => p.id);
  let last: EventState | undefined;
  await eventually(async () => settled((last = await eventState(q, ids))), "outboxes drained and no order Pending", timeoutMs).catch((e) => {
    throw new Error(`${e.message}; last state ${JSON.stringify(last)}`);
  });
  const state = await eventState(q, ids);
  assert.deepEqual(state.stockStatus, { Reserved: placed.length }, "every order's stock reserved");
  assert.deepEqual(state.reservations, { Reserved: placed.length }, "one reservation per order");
  assert.equal(state.placedInInbox, placed.length, "inventory handled each order-placed event once");
  const expected = new Map<string, number>();
  for (const p of placed) expected.set(p.productId, (expected.get(p.productId) ?? initial) - p.quantity);
  assert.deepEqual(await stockLevels(q, [...expected.keys()]), expected, "stock = initial − each order's quantity, exactly once");
}

describe("events survive faults (real Kafka broker, real processes)", { timeout: 240_000 }, () => {
  after(() => broker("start")); // whatever happened, leave the broker running

  describe("when the broker stops while orders are being placed", () => {
    const ns = newNamespace("broker-outage");
    let t: TestApp;
    before(async () => {
      t = await createTestApp(kafkaEnv(ns));
    });
    after(async () => {
      await broker("start");
      await t?.close();
      await dropNamespace(ns);
    });

    it("then, after it is back, every order's event reaches stock exactly once and the outbox drains", async () => {
      const INITIAL = 1_000;
      const user = await createUser(t);
      const products = [await stockProduct(t, INITIAL), await stockProduct(t, INITIAL), await stockProduct(t, INITIAL)];
      const placed: Placed[] = [];
      let stopping: Promise<void> | undefined;
      let backlogWhileDown = 0;
      try {
        for (let i = 0; i < 100; i++) {
          if (i === 15) stopping = broker("stop"); // in the background: orders keep coming while it shuts down
          if (i === 40) await stopping; // …and the rest while it is fully down
          const item = { productId: products[i % products.length]!, quantity: 1 + (i % 3), unitPrice: 2.5 };
          const res = await placeOrder(t, user.id, [item]);
          assert.equal(res.status, 201, `order ${i}: ${JSON.stringify(res.body)}`);
          placed.push({ id: res.body.id, productId: item.productId, quantity: item.quantity });
          await sleep(30);
        }
        backlogWhileDown = await t.modules.orders.outboxBacklog();
      } finally {
        await stopping?.catch(() => {});
        await broker("start");
      }
      assert.ok(backlogWhileDown >= 60, `orders placed while the broker was down stayed in the outbox (${backlogWhileDown})`);
      await assertEachOrderReservedOnce(appQuery(t), placed, INITIAL, 120_000);
    });
  });

  describe("when the monolith is killed between commit and publish", () => {
    const ns = newNamespace("killed-monolith");
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let q: ReturnType<typeof poolQuery>;
    let monolith: StartedProcess | undefined;
    let env: Record<string, string>;
    before(async () => {
      db = await createTestDatabase();
      q = poolQuery(db.databaseUrl!);
      // A short lease: rows a killed relay had claimed are retried after 2 s, not the default 30 s.
      env = kafkaEnv(ns, { DATABASE_URL: db.databaseUrl!, OUTBOX_LEASE_MS: "2000", LOG_LEVEL: "warn" });
    });
    after(async () => {
      await broker("start");
      await monolith?.stop();
      await q?.end();
      await db?.drop();
      await dropNamespace(ns);
    });

    it("then the restarted monolith's relay publishes the committed events and stock is reserved", async () => {
      const INITIAL = 50;
      monolith = await startProcess({ entry: "source", role: ["monolith"], env, readyPath: "/ready" });
      const user = await createUser(monolith);
      const productId = await stockProduct(monolith, INITIAL);
      const placed: Placed[] = [];
      try {
        await broker("stop");
        for (let i = 0; i < 10; i++) {
          const res = await placeOrder(monolith, user.id, [{ productId, quantity: 2, unitPrice: 4 }]);
          assert.equal(res.status, 201, JSON.stringify(res.body));
          placed.push({ id: res.body.id, productId, quantity: 2 });
        }
        const [unsent] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM orders.outbox WHERE sent_at IS NULL AND topic = 'order-placed'`);
        assert.equal(unsent?.n, 10, "committed, not published");
        await monolith.kill();
      } finally {
        await broker("start");
      }
      assert.equal((await stockLevels(q, [productId])).get(productId), INITIAL, "nothing reserved before the restart");
      monolith = await startProcess({ entry: "source", role: ["monolith"], env, readyPath: "/ready" });
      await assertEachOrderReservedOnce(q, placed, INITIAL, 90_000);
    });
  });
});
