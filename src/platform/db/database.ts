import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../logger/logger.js";
import { lockDataDir } from "./data-dir-lock.js";

export type { PrismaClient } from "../../generated/prisma/client.js";
export { Prisma } from "../../generated/prisma/client.js";

/** The database every module of a process shares (each module touches only its own schema). */
export interface Database {
  readonly kind: "postgres" | "embedded";
  readonly prisma: PrismaClient;
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
  /** Embedded mode: PGlite data dir; "memory://" keeps it in memory (tests). */
  dataDir: string;
  logger: Logger;
}

/** With a URL: real PostgreSQL through @prisma/adapter-pg. Without: embedded PGlite in DATA_DIR, migrated at start-up. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize, options.logger) : openEmbedded(options.dataDir, options.logger);
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
  const prisma = new PrismaClient({ adapter });
  return { kind: "postgres", prisma, ping: pingOf(prisma), close: () => prisma.$disconnect() };
}

async function openEmbedded(dataDir: string, logger: Logger): Promise<Database> {
  const [{ PGlite }, { PrismaPGlite }, { migrateEmbedded }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
    import("./migrator.js"),
  ]);
  const inMemory = dataDir.startsWith("memory://");
  const dir = inMemory ? dataDir : path.resolve(dataDir, "pglite");
  const lock = inMemory ? undefined : lockDataDir(path.resolve(dataDir));
  try {
    const pglite = await PGlite.create(dir);
    const { appliedMigrationNames } = await migrateEmbedded(pglite, MIGRATIONS_DIR);
    logger.info("embedded database ready", { dataDir: dir, appliedMigrations: appliedMigrationNames });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      kind: "embedded",
      prisma,
      ping: pingOf(prisma),
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        lock?.release();
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}
