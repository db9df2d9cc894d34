import { setTimeout as sleep } from "node:timers/promises";
import { fmt, percentile, type BenchSettings, type SectionResult } from "./bench-types.js";
import { seedOrders } from "./orders.bench.js";
import { address, call, type Stack } from "#harness";

/**
 * Order committed → stock reduced, with real Kafka: orders placed one at a time at a modest rate, then measured
 * on the database clock: inventory.reservations.created_at (the transaction that reduced stock) minus
 * orders.orders.created_at (set just before the order's commit), and the full round trip to the order being
 * Reserved (orders.updated_at, after the stock-reserved event came back).
 */
export async function benchEventLatency(stack: Stack, s: BenchSettings): Promise<SectionResult> {
  const { users, products } = await seedOrders(stack.monolith.url, 5, 20);
  const ids: string[] = [];
  const interval = 1000 / s.latencyRate;
  const start = performance.now();
  for (let i = 0; i < s.latencyOrders; i++) {
    const item = { productId: products[i % products.length]!, quantity: 1, unitPrice: 5 };
    const res = await call("POST", `${stack.monolith.url}/api/orders`, { userId: users[i % users.length], shippingAddress: address, items: [item] });
    if (res.status !== 201) throw new Error(`order ${i}: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
    const due = start + (i + 1) * interval;
    if (due > performance.now()) await sleep(due - performance.now());
  }
  type Row = { stock_ms: number | null; reserved_ms: number | null };
  const sql = `SELECT extract(epoch FROM r.created_at - o.created_at) * 1000 AS stock_ms,
      CASE WHEN o.stock_status = 'Reserved' THEN extract(epoch FROM o.updated_at - o.created_at) * 1000 END AS reserved_ms
    FROM orders.orders o LEFT JOIN inventory.reservations r ON r.order_id = o.id WHERE o.id = ANY($1::uuid[])`;
  let rows: Row[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    rows = await stack.query<Row>(sql, ids);
    if (rows.every((r) => r.reserved_ms !== null)) break;
  }
  const stock = rows.filter((r) => r.stock_ms !== null).map((r) => Number(r.stock_ms));
  const reserved = rows.filter((r) => r.reserved_ms !== null).map((r) => Number(r.reserved_ms));
  const p = (v: number[], q: number) => percentile(v, q);
  const reproduce = "`npm run bench -- --only latency` (SQL on the bench database: reservations.created_at − orders.created_at)";
  const missing = ids.length - stock.length;
  return {
    rows: [
      {
        section: "Event latency (real Kafka)",
        what: `order committed → stock reduced, ${ids.length} orders at ${s.latencyRate}/s: p50 · p99 · max`,
        value: `${fmt(p(stock, 50))} ms · ${fmt(p(stock, 99))} ms · ${fmt(Math.max(...stock))} ms${missing ? ` (${missing} never reserved!)` : ""}`,
        target: "p99 < 100 ms",
        pass: missing === 0 && p(stock, 99) < 100,
        reproduce,
      },
      {
        section: "Event latency (real Kafka)",
        what: "order committed → order Reserved (stock-reserved event back to orders): p50 · p99",
        value: `${fmt(p(reserved, 50))} ms · ${fmt(p(reserved, 99))} ms`,
        reproduce,
      },
    ],
    bars: [
      { group: "Event latency, order → stock reduced (ms)", label: "p50", value: Math.round(p(stock, 50)), unit: "ms" },
      { group: "Event latency, order → stock reduced (ms)", label: "p99", value: Math.round(p(stock, 99)), unit: "ms" },
    ],
    notes: [],
  };
}
