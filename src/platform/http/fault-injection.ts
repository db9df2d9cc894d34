import { readFileSync, statSync } from "node:fs";
import type { RequestHandler } from "express";
import { errorBody } from "../errors/error-body.js";
import type { Logger } from "../logger/logger.js";

/** One service's faults in the faults file (`strangler faults`): a share of 500s and an added delay. */
export interface Faults {
  readonly errorPercent: number;
  readonly delayMs: number;
}
export type FaultsFile = Record<string, Faults>;

const NONE: Faults = { errorPercent: 0, delayMs: 0 };
const OWN_PATHS = /^\/(health|ready|metrics)(\/|$)/;

/** Reads the faults file; a missing or unreadable one means no faults. */
export function readFaults(file: string): FaultsFile {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as FaultsFile;
  } catch {
    return {};
  }
}

/**
 * Fault injection for drills of the proxy's route guard, in an extracted service's server only (never the
 * monolith): `errorPercent` % of its answers become 500 (evenly spread) and each is delayed by `delayMs`, as the
 * faults file (DATA_DIR/faults.json, written by `strangler faults`) says for `service` — re-read at most once a
 * second, at run time. Off by default; its log says so at start and on each change. /health, /ready, /metrics are
 * never touched.
 * @example app.use(createFaultInjection({ file: "data/faults.json", service: "inventory", logger }));
 */
export function createFaultInjection(options: { file: string; service: string; logger: Logger }): RequestHandler {
  const { file, service } = options;
  const log = options.logger.child({ component: "faults" });
  let faults = NONE;
  let signature = "";
  let checkedAt = 0;
  let count = 0;
  const refresh = (now: number): void => {
    checkedAt = now;
    let next: string;
    try {
      const s = statSync(file);
      next = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      next = "missing";
    }
    if (next === signature) return;
    const first = signature === "";
    signature = next;
    const f = readFaults(file)[service];
    const read = { errorPercent: Math.min(100, Math.max(0, Number(f?.errorPercent) || 0)), delayMs: Math.max(0, Number(f?.delayMs) || 0) };
    if (!first && read.errorPercent === faults.errorPercent && read.delayMs === faults.delayMs) return;
    faults = read;
    if (faults.errorPercent || faults.delayMs) log.warn(`fault injection ON for service ${service}: ${faults.errorPercent} % 500s, +${faults.delayMs} ms per request (strangler faults ${service} off)`);
    else log.info(`fault injection off for service ${service} (a drill: strangler faults ${service} --5xx 20 --delay 300)`);
  };
  refresh(Date.now());
  return (req, res, next) => {
    const now = Date.now();
    if (now - checkedAt >= 1000) refresh(now);
    if ((faults.errorPercent === 0 && faults.delayMs === 0) || OWN_PATHS.test(req.path)) return next();
    const i = count++;
    const fail = Math.floor(((i + 1) * faults.errorPercent) / 100) > Math.floor((i * faults.errorPercent) / 100);
    const go = () => (fail ? void res.status(500).json(errorBody("FAULT.INJECTED", `fault injected in service ${service} (strangler faults)`, res.getHeader("X-Request-Id") as string | undefined)) : next());
    if (faults.delayMs) setTimeout(go, faults.delayMs);
    else go();
  };
}
