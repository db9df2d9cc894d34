import type { AppConfig } from "../platform/config/config.js";
import { MIGRATIONS_DIR } from "../platform/db/database.js";
import { migratePostgres } from "../platform/db/migrator.js";

/**
 * `strangler migrate`: what `prisma migrate deploy` does (same schema engine, same `_prisma_migrations` table and
 * advisory lock) against DATABASE_URL, without the Prisma CLI in the image. Embedded mode migrates at start-up.
 */
export async function runMigrate(config: AppConfig): Promise<number> {
  if (!config.databaseUrl) {
    console.error("strangler migrate: DATABASE_URL is not set (the embedded database is migrated automatically at start-up)");
    return 2;
  }
  try {
    const { appliedMigrationNames } = await migratePostgres(config.databaseUrl, MIGRATIONS_DIR);
    console.log(appliedMigrationNames.length ? `strangler migrate: applied ${appliedMigrationNames.join(", ")}` : "strangler migrate: no pending migrations");
    return 0;
  } catch (e) {
    console.error(`strangler migrate: failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
