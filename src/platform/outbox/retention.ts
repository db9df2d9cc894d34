import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../logger/logger.js";
import type { ModuleSchema } from "./outbox.js";

// What a module schema keeps only for a while: sent outbox rows (published; kept for inspection), processed inbox
// rows (the duplicate check only needs to outlive redeliveries) and idempotency keys (a client retries within
// minutes, not weeks). Schema, table and column names are constants, never input.
const PURGED: Record<ModuleSchema, readonly { table: string; column: string }[]> = {
  orders: [
    { table: `"orders"."outbox"`, column: "sent_at" },
    { table: `"orders"."inbox"`, column: "processed_at" },
    { table: `"orders"."idempotency_keys"`, column: "created_at" },
  ],
  inventory: [
    { table: `"inventory"."outbox"`, column: "sent_at" },
    { table: `"inventory"."inbox"`, column: "processed_at" },
  ],
};

/** Rows per DELETE: short statements, so a large first purge never holds locks or bloats one transaction. */
const CHUNK = 5_000;

/** Deletes `schema`'s rows older than `retentionMs`; returns how many per table. Safe to run on every instance at once. */
export async function purgeExpired(prisma: PrismaClient, schema: ModuleSchema, retentionMs: number): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const { table, column } of PURGED[schema]) {
    let total = 0;
    for (;;) {
      const n = await prisma.$executeRawUnsafe(
        `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${table} WHERE ${column} < now() - ($1::bigint * interval '1 millisecond') LIMIT ${CHUNK} FOR UPDATE SKIP LOCKED))`,
        retentionMs,
      );
      total += n;
      if (n < CHUNK) break;
    }
    deleted[table] = total;
  }
  return deleted;
}

/** The periodic purge, run by each module's relay: once at start, then every `intervalMs`. */
export function createRetentionJob(o: { prisma: PrismaClient; schema: ModuleSchema; logger: Logger; retentionMs: number; intervalMs: number }) {
  const log = o.logger.child({ component: "retention", schema: o.schema });
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    try {
      const deleted = await purgeExpired(o.prisma, o.schema, o.retentionMs);
      if (Object.values(deleted).some((n) => n > 0)) log.info("purged rows past retention", { deleted, retentionMs: o.retentionMs });
    } catch (e) {
      log.warn("retention purge failed, retrying at the next interval", { error: (e as Error).message });
    }
  };
  return {
    start() {
      if (timer) return;
      current = runOnce();
      timer = setInterval(() => {
        current = current.then(runOnce);
      }, o.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await current;
    },
  };
}
