import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface WrkOptions {
  url: string;
  /** Lua body (request generation); the JSON summary footer is appended. */
  lua: string;
  /** Where the generated script is written (under .run/bench). */
  scriptFile: string;
  threads: number;
  connections: number;
  durationS: number;
}

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Socket errors (connect/read/write/timeout) and non-2xx/3xx answers. */
  errors: number;
  non2xx: number;
  durationS: number;
  /** What reproduces the figure (with the script under .run/bench). */
  command: string;
}

/** wrk's done() hook prints one line the bench parses: the aggregate of every thread. */
const FOOTER = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
`;

/**
 * Per-thread state for rotating requests: setup() numbers the threads so each starts at a different
 * offset (every Lua state would otherwise draw the same sequence).
 */
export const THREAD_ROTATION = `
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) i = (tid or 0) * 7919 end
`;

/** Lua table literal of strings. */
export const luaList = (items: string[]) => `{${items.map((s) => JSON.stringify(s)).join(",")}}`;

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  writeFileSync(o.scriptFile, o.lua + FOOTER);
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`, "--timeout", "10s", "-s", o.scriptFile, o.url];
  const { stdout } = await run("wrk", args, { timeout: (o.durationS + 60) * 1000, maxBuffer: 4 << 20 });
  const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const j = JSON.parse(line.slice(9)) as Record<string, number>;
  const durationS = j.durationUs! / 1e6;
  const socketErrors = j.connect! + j.read! + j.write! + j.timeout!;
  return {
    rps: j.requests! / durationS,
    p50Ms: j.p50Us! / 1000,
    p99Ms: j.p99Us! / 1000,
    requests: j.requests!,
    errors: socketErrors + j.status!,
    non2xx: j.status!,
    durationS,
    command: `wrk ${args.slice(0, -3).join(" ")} -s ${path.relative(process.cwd(), o.scriptFile)} ${o.url}`,
  };
}
