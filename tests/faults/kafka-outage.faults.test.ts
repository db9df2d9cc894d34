import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { rate, reportFigures } from "./support/figures.js";
import { auditOrders, placeOne, seedShop, type PlacedOrder } from "./support/order-ledger.js";
import { describeLoad, steadyLoad } from "./support/steady-load.js";
import { broker, type Stack, startStack } from "#test-support";

const OUTAGE_MS = 10_000;
const INITIAL = 1_000_000;
const WORKERS = 4;

describe("Kafka broker stopped for 10 s under steady order load (real processes, real broker)", { timeout: 300_000 }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ label: "faults-kafka", kafka: true });
  });
  after(async () => {
    await broker("start"); // whatever happened, leave the shared broker running
    await stack?.close();
  });

  it("when the broker comes back, then 0 orders lost, 0 events lost, 0 double stock reductions", async (t) => {
    const { userIds, productIds } = await seedShop(stack.monolith.url, 4, 6, INITIAL);
    const placed: PlacedOrder[] = [];
    const load = steadyLoad({
      workers: WORKERS,
      pauseMs: 10,
      send: async (n) => {
        const r = await placeOne(stack.monolith.url, userIds[n % userIds.length]!, productIds[n % productIds.length]!, 1 + (n % 3));
        if (r.order) placed.push(r.order);
        return { status: r.status, method: "POST" };
      },
      isFailure: (o) => o.status !== 201,
    });
    let downAt = 0;
    let restartAt = 0;
    let upAt = 0;
    let backlogAtRestart = 0;
    try {
      await sleep(3_000);
      await broker("stop");
      downAt = Date.now();
      await sleep(OUTAGE_MS);
      const [row] = await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders.outbox WHERE sent_at IS NULL`);
      backlogAtRestart = row?.n ?? -1;
    } finally {
      restartAt = Date.now();
      await broker("start"); // ALWAYS: the broker is shared with every other suite
      upAt = Date.now();
    }
    await sleep(5_000); // orders keep coming while the relay and the consumers reconnect
    const stats = await load.stop();
    const ledger = await auditOrders(stack.query, placed, INITIAL, 180_000);
    reportFigures(t, "kafka-outage", {
      load: describeLoad(stats, WORKERS),
      faults: `broker down ${((restartAt - downAt) / 1000).toFixed(1)} s, back ${((upAt - restartAt) / 1000).toFixed(1)} s after its restart began (outbox backlog ${backlogAtRestart} events when it restarted)`,
      requestsFailed: rate(stats.failed, stats.sent),
      eventsLost: ledger.lost,
      duplicates: `${ledger.doubleReduced} units double-reduced, ${ledger.mismatches.length} stock mismatches`,
      more: { ordersPlaced: placed.length, reservations: JSON.stringify(ledger.state.reservations), inboxOrderPlaced: ledger.state.placedInInbox },
    });
    assert.ok(restartAt - downAt >= OUTAGE_MS, "the broker really was down for the whole outage");
    assert.ok(backlogAtRestart > 0, `orders placed during the outage waited in the outbox (${backlogAtRestart})`);
    assert.equal(stats.failed, 0, `placing an order never needs the broker: ${stats.samples.join("; ")}`);
    assert.equal(ledger.lost, 0, "every 201 order ends Reserved");
    assert.deepEqual(ledger.state.reservations, { Reserved: placed.length }, "one reservation per order");
    assert.equal(ledger.state.placedInInbox, placed.length, "inventory's inbox holds each order-placed event once");
    assert.deepEqual(ledger.mismatches, [], "stock = initial − reserved, per product");
  });
});
