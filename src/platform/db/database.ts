import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../logger/logger.js";
import { dryRunAware, runDry, type DryRunLimits } from "./dry-run.js";

export type { PrismaClient } from "../../generated/prisma/client.js";
export { Prisma } from "../../generated/prisma/client.js";

/** The database every module of a process shares (each module touches only its own schema). */
export interface Database {
  readonly kind: "postgres" | "embedded";
  /** What every repository uses: inside a dry run (dry-run.ts) its calls go to the dry run's transaction. */
  readonly prisma: PrismaClient;
  /** Runs `work` with every query of this database in one transaction that is rolled back (a shadowed write). */
  dryRun<T>(limits: DryRunLimits, work: () => Promise<T>): Promise<T>;
  /** Readiness probe: resolves when a trivial query succeeds (the health router bounds it in time). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** prisma/migrations of the package, found from this file whether it runs from src/ (tsx) or dist/ (build). */
export const MIGRATIONS_DIR = findUp(path.dirname(fileURLToPath(import.meta.url)), "prisma/migrations");

function findUp(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative);
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${from}`);
  }
}

export interface DatabaseOptions {
  databaseUrl?: string;
  poolSize: number;
  /** Embedded mode: the PostgreSQL cluster lives in DATA_DIR/postgres; "memory://" = a temp cluster removed on close (tests). */
  dataDir: string;
  logger: Logger;
}

/**
 * With a URL: a PostgreSQL server through @prisma/adapter-pg. Without: the same adapter and pool on an embedded
 * PostgreSQL (a child process on DATA_DIR, see embedded-postgres.ts), migrated at start-up like `strangler migrate`.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize, options.logger) : openEmbedded(options);
}

const pingOf = (prisma: PrismaClient) => async () => {
  await prisma.$queryRawUnsafe("SELECT 1");
};

function openPostgres(url: string, poolSize: number, logger: Logger): Database {
  // Broken connections (e.g. PostgreSQL restarted) are dropped from the pool and replaced on the next query.
  const onError = (e: Error) => logger.warn("database connection lost", { error: e.message });
  const adapter = new PrismaPg(
    { connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 },
    { onPoolError: onError, onConnectionError: onError },
  );
  const client = new PrismaClient({ adapter });
  const prisma = dryRunAware(client);
  return { kind: "postgres", prisma, dryRun: (limits, work) => runDry(client, limits, work), ping: pingOf(prisma), close: () => client.$disconnect() };
}

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const { startEmbedded } = await import("./embedded-postgres.js");
  const embedded = await startEmbedded(options.dataDir, MIGRATIONS_DIR, options.logger);
  try {
    const db = openPostgres(embedded.url, options.poolSize, options.logger);
    return {
      ...db,
      kind: "embedded",
      close: async () => {
        try {
          await db.close();
        } finally {
          await embedded.stop();
        }
      },
    };
  } catch (e) {
    await embedded.stop();
    throw e;
  }
}
