import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fmt, type BenchSettings, type SectionResult } from "./bench-types.js";
import { orderScript, seedOrders } from "./orders.bench.js";
import { runWrk } from "./wrk.js";
import { type Stack } from "#harness";

const SECTION = "Order pipeline: sustained (outbox → Kafka → inventory → orders)";
const SAMPLE_MS = 250;
/** Past this, the pipeline did not keep up at all: the section reports what it saw instead of waiting forever. */
const EMPTY_DEADLINE_MS = 300_000;

/**
 * Issue 15 §1: does the event pipeline keep up with placement, in the same run? wrk places orders for
 * `sustainedS` seconds (50 products, like the orders section) while the backlog — this run's orders still Pending —
 * is sampled every 250 ms; after wrk stops, sampling goes on until the backlog is empty. Rates come from the
 * database clock: placement = orders ÷ (last created_at − first created_at); drain = orders Reserved or Rejected ÷
 * (last − first of their updated_at, the commit that marked them), i.e. each side over its own active window, so a
 * pipeline that keeps up scores 1.0× however long its constant lag. Time to empty = last resolution − last placement.
 */
export async function benchPipeline(stack: Pick<Stack, "monolith" | "query">, s: BenchSettings): Promise<SectionResult> {
  const { users, products } = await seedOrders(stack.monolith.url, 20, 50);
  // Beside the backlog, where it sits: rows the relays have not published yet (orders → order-placed, inventory →
  // stock-reserved; partial index on unsent rows). What is neither there nor Reserved is with Kafka or a consumer.
  const backlogSql = `SELECT (SELECT count(*) FROM orders.orders WHERE user_id = ANY($1::uuid[]) AND stock_status = 'Pending')::int AS n,
      (SELECT count(*) FROM orders.outbox WHERE sent_at IS NULL)::int AS orders_outbox,
      (SELECT count(*) FROM inventory.outbox WHERE sent_at IS NULL)::int AS inventory_outbox`;
  const samples: number[] = [];
  const unsent = { orders: 0, inventory: 0 };
  let loading = true;
  const sampler = (async () => {
    // Sampling stops once wrk has stopped and the backlog is empty (or the deadline passes).
    for (let deadline = Infinity; Date.now() < deadline; await sleep(SAMPLE_MS)) {
      const [row] = await stack.query<{ n: number; orders_outbox: number; inventory_outbox: number }>(backlogSql, users);
      samples.push(row!.n);
      unsent.orders = Math.max(unsent.orders, row!.orders_outbox);
      unsent.inventory = Math.max(unsent.inventory, row!.inventory_outbox);
      if (loading) continue;
      if (deadline === Infinity) deadline = Date.now() + EMPTY_DEADLINE_MS;
      if (row!.n === 0) return;
    }
  })();
  const wrk = await runWrk({
    url: stack.monolith.url,
    lua: orderScript(users, products),
    scriptFile: path.join(s.runDir, "pipeline-50-products.lua"),
    threads: s.threads,
    connections: s.orderConnections,
    durationS: s.sustainedS,
  }).finally(() => (loading = false));
  await sampler;

  type Row = { placed: number; resolved: number; pending: number; placed_s: number; resolved_s: number; tail_s: number };
  const [r] = (await stack.query<Row>(
    `SELECT count(*)::int AS placed, count(*) FILTER (WHERE stock_status IN ('Reserved', 'Rejected'))::int AS resolved,
       count(*) FILTER (WHERE stock_status = 'Pending')::int AS pending,
       extract(epoch FROM max(created_at) - min(created_at))::float8 AS placed_s,
       extract(epoch FROM max(updated_at) FILTER (WHERE stock_status IN ('Reserved', 'Rejected'))
                        - min(updated_at) FILTER (WHERE stock_status IN ('Reserved', 'Rejected')))::float8 AS resolved_s,
       extract(epoch FROM max(updated_at) FILTER (WHERE stock_status IN ('Reserved', 'Rejected')) - max(created_at))::float8 AS tail_s
     FROM orders.orders WHERE user_id = ANY($1::uuid[])`,
    users,
  )) as [Row];
  const placementRate = r.placed / r.placed_s;
  const drainRate = r.resolved / r.resolved_s;
  const ratio = drainRate / placementRate;
  const peak = Math.max(0, ...samples);
  const reproduce = "`npm run bench -- --only pipeline` (SQL: orders.orders created_at / updated_at, backlog sampled every 250 ms)";
  const what = `wrk -c${s.orderConnections} ${s.sustainedS} s, 50 products`;
  return {
    rows: [
      {
        section: SECTION,
        what: `${what}: placement · drain (Reserved/Rejected) · ratio`,
        value: `${fmt(placementRate)} /s · ${fmt(drainRate)} /s · **${fmt(ratio, 2)}×**${wrk.errors ? ` · ${wrk.errors} errors/non-201` : ""}`,
        target: "drain ≥ 1.0× placement",
        // Only what was placed can drain: a pipeline that keeps up drains as fast as placement over a window shifted
        // by the event latency, i.e. 1.00× to two decimals; anything lower is a growing backlog.
        pass: Number(ratio.toFixed(2)) >= 1.0 && wrk.errors === 0,
        reproduce: `${reproduce} → \`${wrk.command}\``,
      },
      {
        section: SECTION,
        what: `${what}: peak backlog (orders Pending) · time to empty after the load`,
        value: `${fmt(peak)} orders · ${fmt(r.tail_s, 1)} s${r.pending ? ` (${r.pending} still Pending!)` : ""}; ${fmt(r.resolved)}/${fmt(r.placed)} resolved; of it unpublished at most: ${fmt(unsent.orders)} orders-outbox, ${fmt(unsent.inventory)} inventory-outbox rows`,
        target: "bounded, empty ≤ 5 s",
        pass: r.pending === 0 && r.tail_s <= 5,
        reproduce,
      },
    ],
    bars: [
      { group: "Sustained pipeline (orders/s)", label: "placed", value: Math.round(placementRate), unit: "/s" },
      { group: "Sustained pipeline (orders/s)", label: "drained", value: Math.round(drainRate), unit: "/s" },
    ],
    notes: [
      `Pipeline, sustained: wrk -t${s.threads} -c${s.orderConnections} -d${s.sustainedS}s POST /api/orders over 20 users × 50 products on the orders stack (PostgreSQL + Kafka, one monolith process). Placement rate = orders ÷ (last − first orders.created_at); drain rate = orders Reserved or Rejected ÷ (last − first of their updated_at), each over its own active window; backlog = this run's orders still Pending, sampled every ${SAMPLE_MS} ms (${samples.length} samples); time to empty = last resolution − last placement; the outbox peaks (rows not yet published by the relays, sampled alike) show how much of the backlog waits for a relay rather than for Kafka or a consumer.`,
    ],
  };
}
