import { fmt, type BenchSettings, type SectionResult } from "./bench-types.js";
import { runOrderLoad } from "./orders.bench.js";
import type { Stack } from "#harness";

/** The stack's retention settings: short, so a bench-length run shows the purge keeping up. */
export const RETENTION_ENV = { RETENTION_MS: "2000", RETENTION_PURGE_INTERVAL_MS: "1000" } as const;

const TABLES = ["orders.outbox", "inventory.outbox", "orders.inbox", "inventory.inbox"] as const;

/**
 * The outbox and inbox tables stay bounded under load: orders placed at the placement bench's load on a monolith
 * whose retention is RETENTION_ENV, with the rows of every table sampled twice a second during the load and for a
 * few seconds after it. Without the purge they grow by one row per event for good.
 */
export async function benchRetention(stack: Stack, s: BenchSettings): Promise<SectionResult> {
  const peak: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t, 0]));
  const count = async () => {
    const sql = TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS "${t}"`).join(", ");
    const [row] = (await stack.query<Record<string, number>>(`SELECT ${sql}`)) as [Record<string, number>];
    for (const t of TABLES) peak[t] = Math.max(peak[t]!, row[t]!);
    return row;
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await count();
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  sampler.catch(() => (sampling = false)); // rethrown below, after the load
  const run = await runOrderLoad(stack, s, "50 products", 50, true);
  await new Promise((r) => setTimeout(r, Number(RETENTION_ENV.RETENTION_MS) + 2 * Number(RETENTION_ENV.RETENTION_PURGE_INTERVAL_MS)));
  sampling = false;
  await sampler;
  const after = await count();
  const placed = run.drain?.placed ?? 0;
  const reproduce = "`npm run bench -- --only retention`";
  return {
    rows: TABLES.map((t) => ({
      section: "Retention (outbox/inbox purge)",
      what: `${t} rows: peak during the load / after it`,
      value: `${fmt(peak[t]!)} / ${fmt(after[t]!)} (${fmt(placed)} orders placed)`,
      target: `bounded: after the load ≤ 10 % of the orders placed`,
      pass: placed > 0 && after[t]! <= placed * 0.1,
      reproduce,
    })),
    bars: [],
    notes: [
      `Retention: RETENTION_MS=${RETENTION_ENV.RETENTION_MS}, RETENTION_PURGE_INTERVAL_MS=${RETENTION_ENV.RETENTION_PURGE_INTERVAL_MS} (defaults: 7 days, 1 h); the placement load of the orders section; row counts sampled every 500 ms. Unsent and parked rows are never purged.`,
    ],
  };
}
