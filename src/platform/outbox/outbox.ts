import type { Prisma, PrismaClient } from "../db/database.js";
import type { EventEnvelope } from "../messaging/event-envelope.js";

/** A module schema that owns an `outbox` and an `inbox` table (see prisma/schema.prisma). */
export type ModuleSchema = "orders" | "inventory";

// Schema names are compile-time constants above, never user input, so they are safe to splice into SQL.
const table = (schema: ModuleSchema, name: "outbox" | "inbox") => `"${schema}"."${name}"`;

/**
 * Writes an event in the caller's transaction: it is published if and only if the state change commits.
 * @example await prisma.$transaction(async (tx) => { await saveOrder(tx, order); await writeOutbox(tx, "orders", "order-placed", order.id, envelope); });
 */
export async function writeOutbox(tx: Prisma.TransactionClient, schema: ModuleSchema, topic: string, key: string, envelope: EventEnvelope): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table(schema, "outbox")} (event_id, topic, key, envelope) VALUES ($1::uuid, $2, $3, $4::jsonb)`,
    envelope.eventId,
    topic,
    key,
    JSON.stringify(envelope),
  );
}

/**
 * Writes a batch's events in the caller's transaction, in one statement: the outbox ids (the relay's publish order)
 * follow the order of `events` (ORDER BY ordinality), so per-key order is the order the batch decided.
 */
export async function writeOutboxMany(tx: Prisma.TransactionClient, schema: ModuleSchema, events: readonly { key: string; event: EventEnvelope }[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table(schema, "outbox")} (event_id, topic, key, envelope)
     SELECT t.event_id, t.topic, t.key, t.envelope
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS t(event_id, topic, key, envelope, n)
     ORDER BY t.n`,
    events.map((e) => e.event.eventId),
    events.map((e) => e.event.type),
    events.map((e) => e.key),
    events.map((e) => JSON.stringify(e.event)),
  );
}

/** Records a consumed event in the module's inbox, in the handler's transaction. False = seen before: skip it. */
export async function recordInbox(tx: Prisma.TransactionClient, schema: ModuleSchema, event: Pick<EventEnvelope, "eventId" | "type">): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO ${table(schema, "inbox")} (event_id, type) VALUES ($1::uuid, $2) ON CONFLICT (event_id) DO NOTHING`,
    event.eventId,
    event.type,
  );
  return inserted === 1;
}

/**
 * The module's outbox backlog for GET /health/details: rows not yet published (parked ones included), the oldest,
 * failing ones (being retried) and parked ones (set aside until `strangler outbox retry`).
 */
export async function describeOutbox(prisma: PrismaClient, schema: ModuleSchema) {
  const [row] = await prisma.$queryRawUnsafe<{ pending: number; failing: number; parked: number; oldest: Date | null }[]>(
    `SELECT count(*)::int AS pending, count(*) FILTER (WHERE last_error IS NOT NULL AND parked_at IS NULL)::int AS failing,
       count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked, min(created_at) AS oldest
     FROM ${table(schema, "outbox")} WHERE sent_at IS NULL`,
  );
  return { pending: row?.pending ?? 0, failing: row?.failing ?? 0, parked: row?.parked ?? 0, oldestPendingAt: row?.oldest?.toISOString() ?? null };
}

export { table as outboxTable };
