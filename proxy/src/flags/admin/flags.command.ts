import { ConfigError } from "../../../../src/platform/config/load-env.js";
import { loadProxyConfig } from "../../config/proxy.config.js";
import { loadRouteTable, type RouteDefinition } from "../../config/routes-file.js";
import { EXIT_OK, EXIT_USAGE, FlagsCommandError, type FlagStore, type StoredFlag } from "./flag-store.js";
import { openFlagStore } from "./open-store.js";
import { parseRolloutArgs, runRollout } from "./rollout.command.js";
import { shadowFlagOf } from "../../shadow/shadow-flag.js";

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage: strangler flags <command>
  list                      show every route's flag, state, rollout and the guard's verdict (why it rolled back)
  init                      create missing route flags (off, flexibleRollout at 0 %)
  set <route> <0-100>       send that share of users to the route's extracted service (enables the flag;
                            re-arms a route the guard rolled back)
  on <route>                enable the flag at its current rollout
  off <route>               disable the flag: everything to the monolith
  rollout <route> [--steps 5,25,50,100] [--hold 60s]
                            stepped rollout: each step held while the proxy's route guard stays green; a trip
                            leaves the route at 0 % and exits 3 (also \`strangler rollout …\`)
  shadow <route> <0-100|off> mirror that share of the monolith's GET/HEAD answers to the service and compare
                            (its own flag <route's flag>.shadow, e.g. strangler.inventory.shadow)
<route> is a module (inventory), a flag (strangler.inventory) or a prefix (/api/inventory).
Uses the Unleash Admin API (UNLEASH_URL + UNLEASH_ADMIN_TOKEN), or the flags file (FLAGS_FILE) without UNLEASH_URL.`;

const stdio: CommandIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/**
 * `strangler flags list | init | set <route> <percent> | on <route> | off <route>` — returns the exit code
 * (0 done, 1 flag backend failed, 2 usage error: unknown command/route, bad percent, bad configuration).
 * @example process.exitCode = await runFlagsCommand(["set", "inventory", "50"], process.env);
 */
export async function runFlagsCommand(args: string[], env: NodeJS.ProcessEnv, io: CommandIo = stdio): Promise<number> {
  const [command, ...rest] = args[0] === "flags" ? args.slice(1) : args;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  try {
    const config = loadProxyConfig(env, "flags");
    const { routes } = loadRouteTable(config);
    const store = openFlagStore(config.flags)!; // the "flags" purpose requires UNLEASH_ADMIN_TOKEN with UNLEASH_URL
    const describe = (r: RouteDefinition) => `Strangler routing: share of ${r.module} traffic (${r.prefix}) sent to the extracted service`;
    switch (command) {
      case "list":
        return await list(routes, store, io);
      case "init":
        for (const r of uniqueFlags(routes)) io.out(`${r.flag}: ${(await store.ensure(r.flag, describe(r))) ? "created (off, 0%)" : "exists"}`);
        return EXIT_OK;
      case "set": {
        expectArgs(rest, 2);
        const route = findRoute(routes, rest[0]!);
        const percent = parsePercent(rest[1]!);
        await store.setRollout(route.flag, percent, describe(route));
        io.out(`${route.module}: ${route.flag} on at ${percent}% in ${store.where}; the running proxy picks it up within about a second (FLAGS_REFRESH_MS)`);
        return EXIT_OK;
      }
      case "on":
      case "off": {
        expectArgs(rest, 1);
        const route = findRoute(routes, rest[0]!);
        await store.setEnabled(route.flag, command === "on");
        const now = await store.get(route.flag);
        io.out(`${route.module}: ${route.flag} ${command}${command === "on" ? ` at ${now.rollout ?? "custom"}%` : " (everything to the monolith)"} in ${store.where}`);
        return EXIT_OK;
      }
      case "rollout": {
        if (rest[0] === undefined) throw new FlagsCommandError(`expected a route\n${USAGE}`, EXIT_USAGE);
        const route = findRoute(routes, rest[0]);
        return await runRollout(route, parseRolloutArgs(rest.slice(1)), store, io, describe(route));
      }
      case "shadow":
        return await shadow(routes, store, rest, io);
      default:
        throw new FlagsCommandError(`unknown command "${command}"\n${USAGE}`, EXIT_USAGE);
    }
  } catch (e) {
    if (!(e instanceof FlagsCommandError || e instanceof ConfigError)) throw e;
    io.err(`strangler flags: ${e.message}`);
    return e instanceof FlagsCommandError ? e.exitCode : EXIT_USAGE;
  }
}

async function list(routes: readonly RouteDefinition[], store: FlagStore, io: CommandIo): Promise<number> {
  const rows = [["ROUTE", "MODULE", "FLAG", "STATE", "ROLLOUT", "GUARD"]];
  for (const r of routes) {
    const s = await store.get(r.flag);
    const configured = s.rollout === null ? "custom" : `${s.rollout}%${s.custom ? " (custom)" : ""}`;
    const rollout = !s.exists ? "-" : s.enabled ? configured : s.rollout ? `0% (${configured} when on)` : "0%";
    rows.push([r.prefix, r.module, r.flag, state(s), rollout, s.guard ?? "-"]);
  }
  io.out(`flags in ${store.where}`);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) io.out(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
  return EXIT_OK;
}

/** `shadow <route> <pct|off>`: the route's shadow flag (shadow/shadow-flag.ts), a flexibleRollout like the route's. */
async function shadow(routes: readonly RouteDefinition[], store: FlagStore, rest: string[], io: CommandIo): Promise<number> {
  expectArgs(rest, 2);
  const route = findRoute(routes, rest[0]!);
  const flag = shadowFlagOf(route.flag);
  if (rest[1] === "off") {
    if ((await store.get(flag)).exists) await store.setEnabled(flag, false);
    io.out(`${route.module}: ${flag} off (no shadow traffic) in ${store.where}`);
    return EXIT_OK;
  }
  const percent = parsePercent(rest[1]!);
  await store.setRollout(flag, percent, `Strangler shadow: share of ${route.module} reads (${route.prefix}) mirrored to the extracted service and compared`);
  io.out(`${route.module}: ${flag} on at ${percent}% in ${store.where}; requests the monolith answers are mirrored to the service and compared (GET/HEAD; POST/PUT/PATCH too, run dry, where the proxy has SHADOW_SECRET)`);
  return EXIT_OK;
}

const state = (s: StoredFlag): string => (!s.exists ? "missing" : s.enabled ? "on" : "off");

function findRoute(routes: readonly RouteDefinition[], name: string): RouteDefinition {
  const route = routes.find((r) => r.module === name || r.flag === name || r.prefix === name);
  if (!route) throw new FlagsCommandError(`unknown route "${name}": expected one of ${[...new Set(routes.map((r) => r.module))].join(", ")} (or their flag names/prefixes)`, EXIT_USAGE);
  return route;
}

function parsePercent(text: string): number {
  const m = /^(\d{1,3})%?$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) throw new FlagsCommandError(`bad percent "${text}": expected a whole number from 0 to 100`, EXIT_USAGE);
  return n;
}

function expectArgs(rest: string[], count: number): void {
  if (rest.length !== count) throw new FlagsCommandError(`expected ${count} argument(s), got ${rest.length}\n${USAGE}`, EXIT_USAGE);
}

const uniqueFlags = (routes: readonly RouteDefinition[]) => [...new Map(routes.map((r) => [r.flag, r])).values()];
