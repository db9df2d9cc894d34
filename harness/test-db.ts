import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Which database the suite runs on: TEST_DB=postgres (default; a fresh database per test file, cloned from the
 * migrated template that scripts/test.sh prepares with `prisma migrate deploy`) or TEST_DB=embedded (a memory://
 * embedded PostgreSQL per test file, migrated by the app's own start-up path).
 */
export const TEST_DB = (process.env.TEST_DB ?? "postgres") as "postgres" | "embedded";
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://strangler:strangler@127.0.0.1:5432/postgres";
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? "strangler_template";

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A throwaway database for one test file: returns its URL (postgres) or a memory:// data dir (embedded), and a drop(). */
export async function createTestDatabase(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }> {
  if (TEST_DB === "embedded") return { dataDir: "memory://", drop: async () => {} };
  const name = `t_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: "memory://",
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}
