import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { poolQuery, type Query } from "./event-state.js";
import { dropNamespace, kafkaEnv, newNamespace } from "./kafka.js";
import { ensureTemplateDatabase } from "./local-services.js";
import { CLEAN_ENV, ROOT } from "./env.js";
import { freePort } from "./ports.js";
import { startProcess, type StartedProcess } from "./processes.js";
import { createRouteFlags, type RouteFlags, type RouteModule } from "./route-flags.js";
import { createTestDatabase } from "./test-db.js";
import { eventually } from "./wait.js";

export const STACK_JWT_SECRET = "stack-secret-stack-secret-stack-secret-01";

export interface StackOptions {
  /** Names the run directory, the Kafka namespace and the flags. */
  label: string;
  /** Real PostgreSQL (a throwaway database from the migrated template; default) or the embedded PostgreSQL. */
  database?: "postgres" | "embedded";
  /** Real Kafka in a namespace of its own; otherwise events go over the in-process transport. */
  kafka?: boolean;
  /** Extracted services to start as their own processes (same code, same database). */
  services?: RouteModule[];
  /** Start the proxy (real Unleash, flags of this stack) with these rollouts already set. */
  proxy?: Partial<Record<RouteModule, number>>;
  /** Added to every process's environment. */
  env?: Record<string, string>;
  proxyEnv?: Record<string, string>;
}

/** The real processes of one run (built bin), on their own database, topics and flags. */
export interface Stack {
  readonly dir: string;
  readonly databaseUrl?: string;
  /** SQL against the stack's database (PostgreSQL only). */
  readonly query: Query;
  readonly monolith: StartedProcess;
  readonly services: Partial<Record<RouteModule, StartedProcess>>;
  readonly proxy?: StartedProcess;
  readonly flags?: RouteFlags;
  /** The environment every process of this stack got (minus PORT/DATA_DIR). */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const dir = path.join(ROOT, ".run", o.label, `${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const embedded = o.database === "embedded";
  if (!embedded) await ensureTemplateDatabase();
  const db = embedded ? undefined : await createTestDatabase();
  const ns = o.kafka ? newNamespace(o.label) : undefined;
  const env: Record<string, string> = {
    ...CLEAN_ENV,
    JWT_SECRET: STACK_JWT_SECRET,
    LOG_LEVEL: "warn",
    ...(db ? { DATABASE_URL: db.databaseUrl! } : {}),
    ...(ns ? kafkaEnv(ns) : {}),
    ...o.env,
  };
  const started: StartedProcess[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
    for (const c of cleanup) await c().catch(() => undefined);
  };
  if (db) cleanup.push(() => db.drop());
  if (ns) cleanup.push(() => dropNamespace(ns));
  try {
    const role = async (args: string[], name: string, extra: Record<string, string> = {}) => {
      const p = await startProcess({ entry: "bin", role: args, env: { ...env, DATA_DIR: path.join(dir, name), ...extra }, readyPath: "/health", readyTimeoutMs: 90_000 });
      started.push(p);
      return p;
    };
    const monolith = await role(["monolith"], "monolith");
    const services: Stack["services"] = {};
    for (const m of o.services ?? []) services[m] = await role(["service", m], m);
    let proxy: StartedProcess | undefined;
    let flags: RouteFlags | undefined;
    if (o.proxy) {
      const urls = Object.fromEntries(Object.entries(services).map(([m, p]) => [m, p.url]));
      const f = createRouteFlags(dir, o.label, monolith.url, urls);
      flags = f;
      cleanup.push(() => f.remove());
      for (const [m, pct] of Object.entries(o.proxy)) await f.set(m as RouteModule, pct);
      proxy = await role(["proxy"], "proxy", { ADMIN_PORT: String(await freePort()), ...f.env, ...o.proxyEnv });
      await flagsApplied(proxy.adminUrl!, o.proxy);
    }
    const pool = db ? poolQuery(db.databaseUrl!) : undefined;
    if (pool) cleanup.unshift(() => pool.end());
    const query: Query = pool ?? (() => Promise.reject(new Error("no SQL access to an embedded database")));
    return { dir, databaseUrl: db?.databaseUrl, query, monolith, services, proxy, flags, env, close: async () => (await close(), rmSync(dir, { recursive: true, force: true })) };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Waits until the proxy evaluates every route at its rollout: Unleash serves client flags from a revision cache
 * (~1 s), so a proxy started right after `flags set` may first see the flag as it was before.
 */
async function flagsApplied(adminUrl: string, rollouts: Partial<Record<RouteModule, number>>): Promise<void> {
  type Status = { routes: { module: string; enabled: boolean; rollout: number | null }[] };
  await eventually(async () => {
    const { routes } = (await (await fetch(`${adminUrl}/_strangler/status`)).json()) as Status;
    return Object.entries(rollouts).every(([m, pct]) => routes.some((r) => r.module === m && r.enabled && r.rollout === pct));
  }, `proxy flags at ${JSON.stringify(rollouts)}`, 15_000);
}
