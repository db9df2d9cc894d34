import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../logger/logger.js";
import type { MessageTransport } from "../messaging/transport.js";
import { outboxTable, type ModuleSchema } from "./outbox.js";

export type OutboxRow = { id: bigint; topic: string; key: string; envelope: string };

/** The broker does not answer: nothing is counted against the rows, the relay backs off as a whole. */
export class BrokerUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`broker unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "BrokerUnavailableError";
  }
}

export interface OutboxBatchOptions {
  prisma: PrismaClient;
  schema: ModuleSchema;
  transport: MessageTransport;
  logger: Logger;
  /** This relay instance: written into `locked_by` when it claims, required when it marks or releases. */
  owner: string;
  leaseMs: number;
  maxAttempts: number;
  /** Whether the broker answers, asked after a failed publish (a failure with the broker up is the row's). */
  brokerReachable: () => Promise<boolean>;
  onParked: () => void;
}

/**
 * A send stays well under the broker's default message.max.bytes (1 MiB per partition's batch): a claim of large
 * envelopes goes out in several sends rather than as one the broker refuses (which would look like the rows' fault).
 */
export const MAX_SEND_BYTES = 512 * 1024;

/** One topic's rows in sends of at most MAX_SEND_BYTES of envelopes (a single larger row goes alone). */
export function bySendSize(rows: OutboxRow[]): OutboxRow[][] {
  const sends: OutboxRow[][] = [[]];
  let bytes = 0;
  for (const r of rows) {
    const size = Buffer.byteLength(r.envelope);
    if (bytes + size > MAX_SEND_BYTES && sends.at(-1)!.length) {
      sends.push([]);
      bytes = 0;
    }
    sends.at(-1)!.push(r);
    bytes += size;
  }
  return sends;
}

const RETRY_BASE_MS = 1_000;
/** Delay before a failed row is tried again: 1 s doubling to 64 s (the row's lease doubles as "not before"). */
export const retryDelayMs = (attempts: number) => RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 6);

/**
 * Claiming, publishing and marking one claim of a module's outbox (outbox-drain.ts chains the claims). Rows are
 * published with one send per topic; the acknowledged rows are returned for the caller to mark sent (it overlaps that
 * with the next claim), except when a later topic fails: then they are marked first, so the failure never re-sends them.
 * A failing topic is retried row by row to find the culprit: the others go out, the culprit gets `attempts + 1`,
 * `last_error` and a retry delay, and is parked after `maxAttempts`. A parked or waiting row still holds back the
 * later rows of its key (the claim skips a row with an older unsent row of the same key), so per-key order is kept.
 */
export function createOutboxBatch(o: OutboxBatchOptions) {
  const t = outboxTable(o.schema, "outbox");
  const claimSql = `
    UPDATE ${t} SET locked_until = now() + ($2::int * interval '1 millisecond'), locked_by = $3
    WHERE id IN (
      SELECT c.id FROM ${t} c
      WHERE c.sent_at IS NULL AND c.parked_at IS NULL AND (c.locked_until IS NULL OR c.locked_until < now())
        AND NOT EXISTS (SELECT 1 FROM ${t} p WHERE p.key = c.key AND p.sent_at IS NULL AND p.id < c.id)
      ORDER BY c.id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING id, topic, key, envelope::text AS envelope`; // as text: published as stored, never parsed and re-serialised
  const log = o.logger.child({ component: "outbox-relay", schema: o.schema });

  // Every write below checks that the lease is still ours: a relay whose lease expired (and was claimed by another
  // instance) must neither mark that instance's row sent nor release it.
  const markSent = (ids: bigint[]) =>
    o.prisma.$executeRawUnsafe(
      `UPDATE ${t} SET sent_at = now(), locked_until = NULL, locked_by = NULL, last_error = NULL WHERE id = ANY($1::bigint[]) AND locked_by = $2 AND sent_at IS NULL`,
      ids,
      o.owner,
    );
  const release = (ids: bigint[]) =>
    ids.length
      ? o.prisma.$executeRawUnsafe(`UPDATE ${t} SET locked_until = NULL, locked_by = NULL WHERE id = ANY($1::bigint[]) AND locked_by = $2`, ids, o.owner)
      : Promise.resolve(0);

  async function recordFailure(row: OutboxRow, error: unknown) {
    const message = String((error as Error)?.message ?? error).slice(0, 500);
    const [r] = await o.prisma.$queryRawUnsafe<{ attempts: number; parked: boolean }[]>(
      `UPDATE ${t} SET attempts = attempts + 1, last_error = $3, locked_by = NULL,
         parked_at = CASE WHEN attempts + 1 >= $4 THEN now() END,
         locked_until = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE now() + (($5::int << LEAST(attempts, 6)) * interval '1 millisecond') END
       WHERE id = $1 AND locked_by = $2 RETURNING attempts, parked_at IS NOT NULL AS parked`,
      row.id,
      o.owner,
      message,
      o.maxAttempts,
      RETRY_BASE_MS,
    );
    if (!r) return;
    const meta = { id: String(row.id), topic: row.topic, key: row.key, attempts: r.attempts, error: message };
    if (r.parked) {
      log.error("outbox row parked: not retried until `strangler outbox retry`; later events of its key wait behind it", meta);
      o.onParked();
    } else log.warn("outbox row failed to publish, will retry", { ...meta, retryInMs: retryDelayMs(r.attempts) });
  }

  const publish = (topic: string, rows: OutboxRow[]) =>
    o.transport.publish(
      topic,
      rows.map((r) => ({ key: r.key, value: r.envelope, headers: { "content-type": "application/json" } })),
    );

  /** After a failed publish: throws BrokerUnavailableError (releasing `unsent`) when the broker is the problem. */
  async function blameBroker(e: unknown, unsent: OutboxRow[]) {
    if (await o.brokerReachable()) return;
    await release(unsent.map((r) => r.id));
    throw new BrokerUnavailableError(e);
  }

  /**
   * One topic's rows, one at a time; a failed row's later rows of the same key stay unsent (order). `later`: the
   * batch's rows of the topics after this one, released too if the broker goes away meanwhile.
   */
  async function isolate(rows: OutboxRow[], later: OutboxRow[]) {
    const failedKeys = new Set<string>();
    for (const [i, row] of rows.entries()) {
      if (failedKeys.has(row.key)) {
        await release([row.id]);
        continue;
      }
      try {
        await publish(row.topic, [row]);
        await markSent([row.id]);
      } catch (e) {
        await blameBroker(e, [...rows.slice(i), ...later]);
        failedKeys.add(row.key);
        await recordFailure(row, e);
      }
    }
  }

  /** Leases up to `limit` claimable rows to this instance, oldest first. */
  async function claim(limit: number): Promise<OutboxRow[]> {
    const rows = await o.prisma.$queryRawUnsafe<OutboxRow[]>(claimSql, limit, o.leaseMs, o.owner);
    return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * Publishes a claim, one send per topic (several for a claim over MAX_SEND_BYTES; a claim holds at most one row per key: the claim skips a row whose key has
   * an older unsent row, so the topics' sends cannot reorder a key). Returns the ids the broker acknowledged and that
   * are not marked yet; failures are handled here (isolated, counted, parked, or BrokerUnavailableError).
   */
  async function publishClaim(rows: OutboxRow[]): Promise<bigint[]> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    const topics = [...byTopic.values()].flatMap(bySendSize);
    const acked: bigint[] = [];
    for (const [i, list] of topics.entries()) {
      try {
        await publish(list[0]!.topic, list);
        acked.push(...list.map((r) => r.id));
      } catch (e) {
        // What the broker already took is marked before anything else, so this failure never re-sends it.
        if (acked.length) await markSent(acked.splice(0));
        await blameBroker(e, topics.slice(i).flat());
        // A batch of several rows may have been partly written (per partition) before the error: the rows found
        // good below go out again — at-least-once, the consumers' inbox drops the copy.
        if (list.length === 1) await recordFailure(list[0]!, e);
        else await isolate(list, topics.slice(i + 1).flat());
      }
    }
    return acked;
  }

  return { claim, publishClaim, markSent: (ids: bigint[]) => (ids.length ? markSent(ids) : Promise.resolve(0)) };
}

export type OutboxBatch = ReturnType<typeof createOutboxBatch>;
