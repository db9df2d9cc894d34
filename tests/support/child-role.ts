import { spawn, type ChildProcess } from "node:child_process";
import supertest from "supertest";
import { freePort, ROOT } from "./processes.js";
import { TEST_JWT_SECRET } from "./test-app.js";

export { freePort };

const UNSET = { DATABASE_URL: "", KAFKA_BROKERS: "", KAFKA_NAMESPACE: "", USERS_SERVICE_URL: "", INVENTORY_SERVICE_URL: "", JWT_JWKS_URL: "" };

export type LogLine = Record<string, unknown> & { message?: string; level?: string };

export interface ChildRole {
  readonly name: string;
  readonly url: string;
  readonly http: ReturnType<typeof supertest>;
  /** Every JSON log line the process wrote to stdout so far. */
  readonly logs: LogLine[];
  readonly process: ChildProcess;
  /** SIGKILL: no shutdown hooks, no drain — a crash. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));

/**
 * Runs a real role of the CLI from source (`node --import tsx src/cli/main.ts <args>`: no build needed, so it always
 * runs the code under test) as a child process on a free port, keeps its JSON log lines, and waits (bounded) until
 * GET /ready answers 200. `env` adds to a test environment. (processes.ts `startRole` runs the built bin instead.)
 */
export async function startSourceRole(args: string[], env: Record<string, string>, readyTimeoutMs = 60_000): Promise<ChildRole> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    // Empty = unset (config): nothing a developer's shell exported (`. scripts/services/env.sh`) leaks in.
    env: { ...inherited, ...UNSET, NODE_ENV: "test", LOG_LEVEL: "info", JWT_SECRET: TEST_JWT_SECRET, HOST: "127.0.0.1", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  let buffered = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (buffered + chunk).split("\n");
    buffered = parts.pop() ?? "";
    for (const line of parts) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ message: line });
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  const url = `http://127.0.0.1:${port}`;
  const name = args.join(" ");
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start-up:\n${stderr.join("").slice(-3000)}\n${tail(logs)}`);
    const ready = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} not ready after ${readyTimeoutMs} ms:\n${tail(logs)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    url,
    http: supertest(url),
    logs,
    process: child,
    async kill() {
      child.kill("SIGKILL");
      await exited(child);
    },
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

const tail = (logs: LogLine[]) => logs.slice(-15).map((l) => JSON.stringify(l)).join("\n");
