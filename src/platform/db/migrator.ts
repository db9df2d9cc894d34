import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import * as engineWasm from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/**
 * Applies prisma/migrations with Prisma's own schema engine (the WASM build of the engine behind `prisma migrate
 * deploy`) through a driver adapter: exactly the checked-in migrations and a `_prisma_migrations` table, on the
 * embedded PostgreSQL at start-up and on a PostgreSQL server for `strangler migrate`. The image therefore needs no
 * Prisma CLI.
 *
 * `prisma migrate deploy` on PostgreSQL. Concurrent runs (replicas of a migration Job) are safe: the engine holds
 * Prisma's advisory lock (72707369) for the run, so the second one waits and then finds nothing to apply.
 */
export async function migratePostgres(databaseUrl: string, migrationsDir: string): Promise<{ appliedMigrationNames: string[] }> {
  // Our own pool, ended afterwards: it holds the engine's session (and its lock) until closed.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 10_000 });
  try {
    return await applyMigrations(wholeScripts(new PrismaPg(pool), pool), migrationsDir);
  } finally {
    await pool.end();
  }
}

/**
 * @prisma/adapter-pg's executeScript splits a migration on every ";", inside comments and strings too, so a
 * migration whose comment holds a ";" fails with a syntax error (and its statements run one by one, each on any
 * pooled connection). The schema engine's own connector sends a script whole; so does this: one simple-protocol
 * query, which PostgreSQL runs as one implicit transaction.
 */
function wholeScripts(factory: PrismaPg, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (e) {
        (adapter as unknown as { onError(error: unknown): never }).onError(e);
      }
    };
    return adapter;
  };
  return factory;
}

async function applyMigrations(adapter: SqlMigrationAwareDriverAdapterFactory, migrationsDir: string): Promise<{ appliedMigrationNames: string[] }> {
  await loadEngine();
  const factory = bindMigrationAwareSqlAdapterFactory(adapter);
  const engine = await engineWasm.SchemaEngine.new({ datamodels: undefined }, () => {}, factory);
  try {
    return (await engine.applyMigrations({
      migrationsList: migrationsList(path.resolve(migrationsDir)),
      filters: { externalTables: [], externalEnums: [] },
    })) as { appliedMigrationNames: string[] };
  } finally {
    engine.free();
  }
}

let engineLoaded: Promise<void> | undefined;
function loadEngine(): Promise<void> {
  engineLoaded ??= (async () => {
    const wasmUrl = new URL("schema_engine_bg.wasm", import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmUrl), { "./schema_engine_bg.js": engineWasm as never });
    engineWasm.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  })();
  return engineLoaded;
}

function migrationsList(dir: string) {
  const lock = path.join(dir, "migration_lock.toml");
  const read = (file: string) => {
    try {
      return { tag: "ok" as const, value: readFileSync(file, "utf8") };
    } catch (e) {
      return { tag: "error" as const, value: (e as Error).message };
    }
  };
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lock) ? readFileSync(lock, "utf8") : null },
    migrationDirectories: readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .map((name) => ({ path: name, migrationFile: { path: "migration.sql", content: read(path.join(dir, name, "migration.sql")) } })),
    shadowDbInitScript: "",
  };
}
