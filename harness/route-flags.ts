import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { runCli } from "./processes.js";
import { unleashEnv } from "./local-services.js";
import { deleteFlags } from "./unleash.js";

export type RouteModule = "users" | "inventory" | "orders";
const MODULES: RouteModule[] = ["users", "inventory", "orders"];
/** Where a route points when its service is not started: a port nothing listens on (its flag stays off). */
const NOWHERE = "http://127.0.0.1:9";

/**
 * A route table of its own on the shared Unleash server: the default prefixes, but flags named
 * `<label>-<random>.<module>`, so parallel runs and other test files never move each other's traffic.
 * `set()` runs the real `strangler flags set` (Admin API) with ROUTES_FILE pointing at this table.
 */
export interface RouteFlags {
  readonly routesFile: string;
  /** ROUTES_FILE + Unleash variables: what the proxy role and `strangler flags` need. */
  readonly env: Record<string, string>;
  flag(module: RouteModule): string;
  /** `strangler flags set <module> <percent>`; resolves with the command's wall time in ms. */
  set(module: RouteModule, percent: number): Promise<number>;
  /** Archives and deletes the flags (best effort). */
  remove(): Promise<void>;
}

export function createRouteFlags(dir: string, label: string, monolithUrl: string, serviceUrls: Partial<Record<RouteModule, string>>): RouteFlags {
  const prefix = `${label}-${randomBytes(3).toString("hex")}`;
  const flag = (m: RouteModule) => `${prefix}.${m}`;
  const routesFile = path.join(dir, `${prefix}.routes.json`);
  const routes = MODULES.map((m) => ({ prefix: `/api/${m}`, module: m, flag: flag(m), url: serviceUrls[m] ?? NOWHERE }));
  writeFileSync(routesFile, JSON.stringify({ monolith: { url: monolithUrl }, routes }, null, 2));
  const unleash = unleashEnv();
  const env = { ...unleash, ROUTES_FILE: routesFile, MONOLITH_URL: monolithUrl };
  return {
    routesFile,
    env,
    flag,
    async set(module, percent) {
      const started = performance.now();
      const res = await runCli(["flags", "set", module, String(percent)], env, 30_000);
      if (res.code !== 0) throw new Error(`strangler flags set ${module} ${percent} exited ${res.code}: ${res.stderr}${res.stdout}`);
      return performance.now() - started;
    },
    remove: () => deleteFlags(MODULES.map(flag)),
  };
}
