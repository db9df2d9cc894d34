import { execFile, execFileSync } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { ROOT } from "./env.js";
import { ADMIN_URL, TEMPLATE_DB } from "./test-db.js";

const run = promisify(execFile);

/**
 * The one service-script runner: the project's native scripts (scripts/services/<name>.sh), for benchmarks and tests
 * that start, stop and restart PostgreSQL, Kafka or Unleash. Bounded in time; a failing script throws with its output.
 */
export async function serviceScript(name: "postgres" | "kafka" | "unleash" | "all", action: "start" | "stop" | "restart" | "status", timeoutMs = 150_000): Promise<void> {
  await run("bash", [path.join(ROOT, `scripts/services/${name}.sh`), action], { cwd: ROOT, timeout: timeoutMs });
}

let unleash: Record<string, string> | undefined;

/** The one way to read the Unleash settings: UNLEASH_URL / UNLEASH_API_TOKEN / UNLEASH_ADMIN_TOKEN from the environment, else from `unleash.sh env`. */
export function unleashEnv(): Record<string, string> {
  if (process.env.UNLEASH_URL && process.env.UNLEASH_API_TOKEN && process.env.UNLEASH_ADMIN_TOKEN)
    return { UNLEASH_URL: process.env.UNLEASH_URL, UNLEASH_API_TOKEN: process.env.UNLEASH_API_TOKEN, UNLEASH_ADMIN_TOKEN: process.env.UNLEASH_ADMIN_TOKEN };
  if (!unleash) {
    const out = execFileSync("bash", [path.join(ROOT, "scripts/services/unleash.sh"), "env"], { cwd: ROOT, encoding: "utf8" });
    const pairs = [...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, "$1")]);
    unleash = Object.fromEntries(pairs) as Record<string, string>;
  }
  return unleash!;
}

/**
 * Makes sure the migrated template database (`strangler_template`, which `npm test` prepares) exists, so a fresh
 * clone can run the bench and the fault suite on their own. Uses `prisma migrate deploy` like scripts/test.sh,
 * through ../shared/prisma-offline when that environment tool is there (machines without Prisma's native engines).
 */
export async function ensureTemplateDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE_DB]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${TEMPLATE_DB}`;
  const offline = path.resolve(ROOT, "../shared/prisma-offline/env.sh");
  const script = `[ -f '${offline}' ] && [ -z "\${PRISMA_SCHEMA_ENGINE_BINARY:-}" ] && . '${offline}'; npx --no-install prisma migrate deploy`;
  await run("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url.toString() }, timeout: 120_000 });
}
