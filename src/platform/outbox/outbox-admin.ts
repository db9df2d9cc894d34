import type { PrismaClient } from "../db/database.js";
import { outboxTable, type ModuleSchema } from "./outbox.js";

export const OUTBOX_SCHEMAS: readonly ModuleSchema[] = ["orders", "inventory"];

export interface ParkedRow {
  module: ModuleSchema;
  id: string;
  topic: string;
  key: string;
  attempts: number;
  lastError: string | null;
  parkedAt: string;
}

export async function countParked(prisma: PrismaClient, schema: ModuleSchema): Promise<number> {
  const [r] = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${outboxTable(schema, "outbox")} WHERE parked_at IS NOT NULL`);
  return r?.n ?? 0;
}

/** The parked rows of `schema`, oldest first (`strangler outbox parked`). */
export async function listParked(prisma: PrismaClient, schema: ModuleSchema): Promise<ParkedRow[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: bigint; topic: string; key: string; attempts: number; last_error: string | null; parked_at: Date }[]>(
    `SELECT id, topic, key, attempts, last_error, parked_at FROM ${outboxTable(schema, "outbox")} WHERE parked_at IS NOT NULL ORDER BY id`,
  );
  return rows.map((r) => ({ module: schema, id: String(r.id), topic: r.topic, key: r.key, attempts: r.attempts, lastError: r.last_error, parkedAt: r.parked_at.toISOString() }));
}

/**
 * Puts parked rows back in line (`strangler outbox retry`): attempts start from zero, the relay picks them up at its
 * next poll. `id` = that row only; without it every parked row of the schema. Returns how many rows were unparked.
 */
export async function retryParked(prisma: PrismaClient, schema: ModuleSchema, id?: bigint): Promise<number> {
  return prisma.$executeRawUnsafe(
    `UPDATE ${outboxTable(schema, "outbox")} SET parked_at = NULL, attempts = 0, locked_until = NULL, locked_by = NULL
     WHERE parked_at IS NOT NULL AND ($1::bigint IS NULL OR id = $1::bigint)`,
    id ?? null,
  );
}
