import { randomUUID } from "node:crypto";
import { withTimeout } from "../async/with-timeout.js";
import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../logger/logger.js";
import type { MessageTransport } from "../messaging/transport.js";
import { BrokerUnavailableError, createOutboxBatch } from "./outbox-batch.js";
import { countParked } from "./outbox-admin.js";
import { createOutboxDrain } from "./outbox-drain.js";
import { outboxParkedRows } from "./outbox-metrics.js";
import { outboxTable, type ModuleSchema } from "./outbox.js";
import { createRetentionJob } from "./retention.js";
import { inDryRun } from "../db/dry-run.js";

/** The relay's settings (config.outbox). */
export interface OutboxSettings {
  pollMs: number;
  /** Claims start at `batchSize` rows and double while they come back full, up to `maxBatchSize` (outbox-drain.ts). */
  batchSize: number;
  maxBatchSize: number;
  leaseMs: number;
  /** Failed publishes of one row, with the broker answering, before it is parked. */
  maxAttempts: number;
  /** Sent/processed rows older than this are purged every `purgeIntervalMs`. */
  retentionMs: number;
  purgeIntervalMs: number;
}

export interface OutboxRelayOptions extends OutboxSettings {
  prisma: PrismaClient;
  schema: ModuleSchema;
  transport: MessageTransport;
  logger: Logger;
}

const PING_TIMEOUT_MS = 2_000;

/**
 * Publishes a module's outbox rows. Rows are claimed with a short lease (FOR UPDATE SKIP LOCKED, no transaction held
 * while publishing) that names this instance, so several instances can run side by side. A row is only claimed when
 * no earlier unsent row of the same key exists, which keeps each order's events in order across instances. A row
 * that keeps failing while the broker answers is parked after `maxAttempts` (outbox-batch.ts); a broker that does
 * not answer makes the whole relay back off, counting nothing against the rows. While rows remain the relay claims
 * again at once, with claims sized to the backlog (outbox-drain.ts); `nudge()` (called after a commit) makes
 * publishing immediate instead of polled. The relay also runs its schema's retention purge.
 */
export function createOutboxRelay(o: OutboxRelayOptions) {
  const t = outboxTable(o.schema, "outbox");
  const log = o.logger.child({ component: "outbox-relay", schema: o.schema });
  const refreshParked = () =>
    countParked(o.prisma, o.schema).then(
      (n) => outboxParkedRows.set({ module: o.schema }, n),
      () => undefined, // a database blip: the next poll refreshes it
    );
  const batch = createOutboxBatch({
    ...o,
    owner: `${o.schema}-${randomUUID()}`,
    brokerReachable: () =>
      withTimeout(o.transport.ping(), PING_TIMEOUT_MS, "broker ping").then(
        () => true,
        () => false,
      ),
    onParked: () => void refreshParked(),
  });
  const drain = createOutboxDrain(batch, { min: o.batchSize, max: Math.max(o.batchSize, o.maxBatchSize) }, () => running);
  const retention = createRetentionJob({ prisma: o.prisma, schema: o.schema, logger: o.logger, retentionMs: o.retentionMs, intervalMs: o.purgeIntervalMs });
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

  async function run() {
    while (running) {
      pending = false;
      try {
        // Returns once a claim came back empty: nothing left that this instance may publish now.
        await drain();
        if (failures) log.info("outbox publishing recovered", { afterFailures: failures });
        failures = 0;
        if (pending) continue;
        await refreshParked();
        await sleep(o.pollMs);
      } catch (e) {
        failures++;
        const backoff = Math.min(200 * 2 ** Math.min(failures - 1, 5), 5_000);
        const reason = e instanceof BrokerUnavailableError ? e.message : `${(e as Error).message}`;
        log.warn("outbox publish failed, retrying", { error: reason, attempt: failures, backoffMs: backoff });
        await sleep(backoff);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
      retention.start();
    },
    /** Called after a transaction that wrote outbox rows committed. A dry run's never commit: nothing to wake for. */
    nudge() {
      if (inDryRun()) return;
      pending = true;
      if (failures === 0) wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await Promise.all([loop, retention.stop()]);
    },
    /** Rows not yet published, parked ones included (for readiness/metrics/tests). */
    async backlog(): Promise<number> {
      const [r] = await o.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${t} WHERE sent_at IS NULL`);
      return Number(r?.n ?? 0);
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
