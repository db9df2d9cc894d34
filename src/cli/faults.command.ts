import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readFaults } from "../platform/http/fault-injection.js";
import { faultsFile } from "../roles/serve.js";
import { MODULE_NAMES } from "../roles/roles.js";

const USAGE = `usage: strangler faults <service> [--5xx <0-100>] [--delay <ms>]   make an extracted service fail on purpose (a drill)
       strangler faults <service> off                                 back to normal
       strangler faults list
The running service (or the all role) picks it up within a second from DATA_DIR/faults.json; the monolith never fails.`;

/**
 * `strangler faults`: writes DATA_DIR/faults.json, which every extracted service's server reads at run time
 * (platform/http/fault-injection.ts). Returns the exit code (0 done, 2 usage error).
 * @example runFaults(["inventory", "--5xx", "20", "--delay", "300"], "./data", console.log)
 */
export function runFaults(args: string[], dataDir: string, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const file = faultsFile(dataDir);
  const faults = readFaults(file);
  const [service, ...rest] = args;
  if (service === "list") {
    const on = Object.entries(faults).filter(([, f]) => f.errorPercent || f.delayMs);
    out(on.length ? on.map(([s, f]) => `${s}: ${f.errorPercent} % 500s, +${f.delayMs} ms`).join("\n") : "no faults injected");
    return 0;
  }
  if (!service || !(MODULE_NAMES as readonly string[]).includes(service)) return usage(out, `expected a service (${MODULE_NAMES.join(", ")}) or list`);
  let errorPercent = 0;
  let delayMs = 0;
  if (rest[0] !== "off") {
    for (let i = 0; i < rest.length; i += 2) {
      const n = Number(rest[i + 1]);
      if (rest[i] === "--5xx" && Number.isInteger(n) && n >= 0 && n <= 100) errorPercent = n;
      else if (rest[i] === "--delay" && Number.isInteger(n) && n >= 0 && n <= 60_000) delayMs = n;
      else return usage(out, `bad option "${rest[i]} ${rest[i + 1] ?? ""}"`);
    }
  }
  faults[service] = { errorPercent, delayMs };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(faults, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  out(errorPercent || delayMs ? `${service}: ${errorPercent} % 500s, +${delayMs} ms per request, within a second (${file})` : `${service}: no faults (${file})`);
  return 0;
}

function usage(out: (line: string) => void, message: string): number {
  out(`strangler faults: ${message}\n${USAGE}`);
  return 2;
}
