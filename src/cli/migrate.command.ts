import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type { AppConfig } from "../platform/config/config.js";
import { MIGRATIONS_DIR } from "../platform/db/database.js";

/** `strangler migrate`: runs the stock `prisma migrate deploy` against DATABASE_URL (embedded mode migrates at start-up). */
export async function runMigrate(config: AppConfig): Promise<number> {
  if (!config.databaseUrl) {
    console.error("strangler migrate: DATABASE_URL is not set (the embedded database is migrated automatically at start-up)");
    return 2;
  }
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  const root = path.resolve(MIGRATIONS_DIR, "..", "..");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], { cwd: root, stdio: "inherit", env: process.env });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}
