import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../logger/logger.js";
import type { MessageTransport } from "../messaging/transport.js";
import { outboxTable, type ModuleSchema } from "./outbox.js";

export interface OutboxRelayOptions {
  prisma: PrismaClient;
  schema: ModuleSchema;
  transport: MessageTransport;
  logger: Logger;
  pollMs: number;
  batchSize: number;
  leaseMs: number;
}

type Row = { id: bigint; topic: string; key: string; envelope: string };

/**
 * Publishes a module's outbox rows. Rows are claimed with a short lease (FOR UPDATE SKIP LOCKED, no transaction held
 * while publishing), so several instances can run side by side. A row is only claimed when no earlier unsent row of
 * the same key exists, which keeps each order's events in order across instances. Sent rows are marked; failures are
 * retried with exponential backoff. `nudge()` (called after a commit) makes publishing immediate instead of polled.
 */
export function createOutboxRelay(o: OutboxRelayOptions) {
  const t = outboxTable(o.schema, "outbox");
  const claimSql = `
    UPDATE ${t} SET locked_until = now() + ($2::int * interval '1 millisecond'), attempts = attempts + 1
    WHERE id IN (
      SELECT c.id FROM ${t} c
      WHERE c.sent_at IS NULL AND (c.locked_until IS NULL OR c.locked_until < now())
        AND NOT EXISTS (SELECT 1 FROM ${t} p WHERE p.key = c.key AND p.sent_at IS NULL AND p.id < c.id)
      ORDER BY c.id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING id, topic, key, envelope::text AS envelope`; // as text: published as stored, never parsed and re-serialised
  const log = o.logger.child({ component: "outbox-relay", schema: o.schema });
  let running = false;
  let wake: (() => void) | undefined;
  let pending = false;
  let loop: Promise<void> | undefined;
  let failures = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Publishes one batch; returns how many rows it handled. */
  async function drainOnce(): Promise<number> {
    const rows = await o.prisma.$queryRawUnsafe<Row[]>(claimSql, o.batchSize, o.leaseMs);
    if (!rows.length) return 0;
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    const ids = rows.map((r) => r.id);
    try {
      const byTopic = new Map<string, Row[]>();
      for (const r of rows) {
        const list = byTopic.get(r.topic);
        if (list) list.push(r);
        else byTopic.set(r.topic, [r]);
      }
      for (const [topic, list] of byTopic)
        await o.transport.publish(
          topic,
          list.map((r) => ({ key: r.key, value: r.envelope, headers: { "content-type": "application/json" } })),
        );
    } catch (e) {
      await o.prisma.$executeRawUnsafe(`UPDATE ${t} SET locked_until = NULL, last_error = $2 WHERE id = ANY($1::bigint[])`, ids, String((e as Error).message ?? e).slice(0, 500));
      throw e;
    }
    await o.prisma.$executeRawUnsafe(`UPDATE ${t} SET sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[])`, ids);
    return rows.length;
  }

  async function run() {
    while (running) {
      pending = false;
      try {
        const n = await drainOnce();
        if (failures) log.info("outbox publishing recovered", { afterFailures: failures });
        failures = 0;
        if (n === o.batchSize || pending) continue;
        await sleep(o.pollMs);
      } catch (e) {
        failures++;
        const backoff = Math.min(200 * 2 ** Math.min(failures - 1, 5), 5_000);
        log.warn("outbox publish failed, retrying", { error: (e as Error).message, attempt: failures, backoffMs: backoff });
        await sleep(backoff);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    /** Called after a transaction that wrote outbox rows committed. */
    nudge() {
      pending = true;
      if (failures === 0) wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    /** Rows not yet published (for readiness/metrics/tests). */
    async backlog(): Promise<number> {
      const [r] = await o.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${t} WHERE sent_at IS NULL`);
      return Number(r?.n ?? 0);
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
