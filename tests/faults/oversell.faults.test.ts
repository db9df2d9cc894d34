import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { reportFigures } from "./support/figures.js";
import { auditOrders, placeOne, seedShop, type PlacedOrder } from "./support/order-ledger.js";
import { type Stack, startStack, stockLevels } from "#test-support";

const UNITS = 10;
const ORDERS = 1_000;

describe("1,000 concurrent orders on 10 units (real process, PostgreSQL, Kafka)", { timeout: 240_000 }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ label: "faults-oversell", kafka: true, env: { DB_POOL_SIZE: "20" } });
  });
  after(() => stack?.close());

  it("when they all arrive at once, then exactly 10 end Reserved, stock ends at 0 and is never negative", async (t) => {
    const { userIds, productIds } = await seedShop(stack.monolith.url, 10, 1, UNITS);
    const productId = productIds[0]!;
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push((await stockLevels(stack.query, [productId])).get(productId)!);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => placeOne(stack.monolith.url, userIds[i % userIds.length]!, productId, 1).catch(() => ({ status: 0, order: undefined }))),
    );
    const answeredIn = Date.now() - started;
    const created = results.flatMap((r) => (r.order ? [r.order] : [])) as PlacedOrder[];
    const byStatus: Record<number, number> = {};
    for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    let ledger;
    try {
      ledger = await auditOrders(stack.query, created, UNITS, 120_000);
    } finally {
      sampling = false;
      await sampler;
    }
    const final = (await stockLevels(stack.query, [productId])).get(productId);
    const reserved = created.length - ledger.lost;
    reportFigures(t, "oversell", {
      load: `${ORDERS} concurrent POST /api/orders for one product with ${UNITS} units, answered in ${answeredIn} ms`,
      faults: "contention: every order races for the same stock row",
      requestsFailed: `${byStatus[0] ?? 0} unanswered, ${Object.entries(byStatus).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0)} 5xx`,
      eventsLost: `n/a (every created order decided: ${JSON.stringify(ledger.state.stockStatus)})`,
      duplicates: `0 possible: inbox ${ledger.state.placedInInbox} order-placed for ${created.length} orders`,
      more: { statuses: JSON.stringify(byStatus), reserved, finalStock: final ?? "?", minStockSeen: Math.min(...samples), stockSamples: samples.length },
    });
    assert.deepEqual(Object.keys(byStatus).filter((s) => s !== "201" && s !== "409"), [], `only 201 or 409 ${JSON.stringify(byStatus)}`);
    assert.equal(reserved, UNITS, "exactly the stock is sold");
    assert.equal(ledger.state.stockStatus.Reserved, UNITS);
    assert.equal((ledger.state.stockStatus.Rejected ?? 0) + UNITS, created.length, "every other created order was rejected (and Cancelled)");
    assert.equal(final, 0, "stock ends at 0");
    assert.ok(samples.length > 0 && Math.min(...samples) >= 0, "stock never negative");
    assert.equal(ledger.state.placedInInbox, created.length, "each order-placed handled once");
  });
});
