import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import supertest from "supertest";
import { CLEAN_ENV, ROOT, TEST_JWT_SECRET } from "./env.js";
import { freePort } from "./ports.js";

export { ROOT };
const BIN = path.join(ROOT, "bin/strangler.js");

/**
 * What to run: `source` = the CLI from source (`node --import tsx src/cli/main.ts`, no build needed, so it always runs
 * the code under test); `bin` = the built bin as users and the image run it; `{ script }` = any other program (.ts
 * through tsx, .mjs/.js as is: e.g. the proxy tests' stand-in upstream, the bench's bare proxy); it gets its port in PORT;
 * `{ command }` = an executable that is not Node.js (the bench's nginx), whose port is in its arguments or config.
 */
export type Entry = "source" | "bin" | { script: string } | { command: string };

export interface StartProcessOptions {
  entry: Entry;
  /** Arguments: the role (`["monolith"]`, `["service", "orders"]`, `["proxy"]`) or the script's arguments. */
  role: string[];
  /** Added to a clean test environment (CLEAN_ENV); PORT picks the port (default: a free one). */
  env?: Record<string, string>;
  /** Polled until it answers 200 (bounded): `/ready` (serving) or `/health` (listening). */
  readyPath: string;
  readyTimeoutMs?: number;
  /** What stop() sends first (default SIGTERM; nginx stops gracefully on SIGQUIT). */
  stopSignal?: NodeJS.Signals;
}

export type LogLine = Record<string, unknown> & { message?: string; level?: string };

export interface StartedProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** The proxy's admin server (status page, /metrics, /health/details) when env gave ADMIN_PORT. */
  readonly adminUrl?: string;
  readonly http: ReturnType<typeof supertest>;
  readonly child: ChildProcess;
  /** Every JSON log line the process wrote to stdout so far (a line that is not JSON as `{ message }`). */
  readonly logs: LogLine[];
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGKILL: no shutdown hooks, no drain — a crash. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after `timeoutMs`; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Defaults per entry, under `env`: source roles log at info (tests read their log lines) with the tests' JWT secret. */
const ENTRY_ENV = { source: { NODE_ENV: "test", LOG_LEVEL: "info", JWT_SECRET: TEST_JWT_SECRET }, bin: { LOG_LEVEL: "warn" }, script: {} };

function commandOf(entry: Entry): [string, ...string[]] {
  if (entry === "source") return [process.execPath, "--import", "tsx", "src/cli/main.ts"];
  if (entry === "bin") return [process.execPath, BIN];
  if ("command" in entry) return [entry.command];
  return entry.script.endsWith(".ts") ? [process.execPath, "--import", "tsx", entry.script] : [process.execPath, entry.script];
}

/** The one launcher: starts a role (or script) as a child process on a port, keeps its output, waits until readyPath answers. */
export async function startProcess(o: StartProcessOptions): Promise<StartedProcess> {
  const env = o.env ?? {};
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const defaults = typeof o.entry === "string" ? ENTRY_ENV[o.entry] : ENTRY_ENV.script;
  const [command, ...args] = commandOf(o.entry);
  const child = spawn(command, [...args, ...o.role], {
    cwd: ROOT,
    env: { ...inherited, ...CLEAN_ENV, HOST: "127.0.0.1", ...defaults, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  let out = "";
  let buffered = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    const lines = (buffered + chunk).split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) logs.push(parseLine(line));
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const name = `${typeof o.entry === "string" ? "strangler" : path.basename("command" in o.entry ? o.entry.command : o.entry.script)} ${o.role.join(" ")}`;
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = o.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone()) throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} during start-up:\n${out.slice(-4000)}`);
    if (await fetch(`${url}${o.readyPath}`).then((r) => r.status === 200, () => false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name}: ${o.readyPath} not 200 after ${timeoutMs} ms:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    url,
    port,
    ...(env.ADMIN_PORT ? { adminUrl: `http://127.0.0.1:${env.ADMIN_PORT}` } : {}),
    http: supertest(url),
    child,
    logs,
    output: () => out,
    async kill() {
      if (!gone()) child.kill("SIGKILL");
      await exited;
    },
    async stop(timeoutMs = 20_000) {
      if (!gone()) child.kill(o.stopSignal ?? "SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

function parseLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { message: line };
  }
}

/** Runs `strangler <args>` (the built bin, as users and the image run it) to completion. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** JSON over fetch, for flows against real processes. */
export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
