import { fmt, type BenchSettings, type SectionResult } from "./bench-types.js";
import { orderRows, runOrderLoad } from "./orders.bench.js";
import { type Stack } from "#harness";

/**
 * Order placement on real PostgreSQL with the outbox and real Kafka: one hot product (every reservation takes
 * the same row lock) and 50 products (reservations spread), each followed by the wait until every order is Reserved.
 */
export async function benchOrders(stack: Stack, s: BenchSettings): Promise<SectionResult> {
  const hot = await runOrderLoad(stack, s, "1 hot product", 1, true);
  const spread = await runOrderLoad(stack, s, "50 products", 50, true);
  const reproduce = "`npm run bench -- --only orders`";
  return {
    rows: [...orderRows(hot, "Orders (PostgreSQL + outbox + Kafka)", reproduce), ...orderRows(spread, "Orders (PostgreSQL + outbox + Kafka)", reproduce)],
    bars: [
      { group: "Orders placed per second", label: "1 hot product", value: Math.round(hot.wrk.rps), unit: "/s" },
      { group: "Orders placed per second", label: "50 products", value: Math.round(spread.wrk.rps), unit: "/s" },
      { group: "Reservations drained per second (Kafka → inventory)", label: "1 hot product", value: Math.round(hot.drain?.drainRate ?? 0), unit: "/s" },
      { group: "Reservations drained per second (Kafka → inventory)", label: "50 products", value: Math.round(spread.drain?.drainRate ?? 0), unit: "/s" },
    ],
    notes: [
      `Orders: wrk -t${s.threads} -c${s.orderConnections} -d${s.wrkS}s POST /api/orders rotating over 20 users and 1 or 50 products (one item each), monolith process on PostgreSQL (DB_POOL_SIZE default 10), outbox relay and inventory consumer on Kafka in the same process. Drain rate = Reserved orders ÷ (last reservation − first order), from the database.`,
    ],
  };
}
