import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Logger } from "../logger/logger.js";
import { processTempDir, running, type Binaries, type RunAs } from "./embedded-cluster.js";

/** A running embedded PostgreSQL: reachable only through a unix socket in a private directory. */
export interface EmbeddedServer {
  readonly url: string;
  readonly pid: number;
  /** Fast shutdown (SIGINT: open transactions roll back, a clean checkpoint), then the socket dir is removed. */
  stop(): Promise<void>;
}

/**
 * The server runs under a small `sh` watchdog that holds a pipe from this process: when this process ends in any
 * way (also SIGKILL), the pipe closes and the watchdog asks PostgreSQL for a fast shutdown, so no postgres outlives
 * it. Its own process group, so a terminal's Ctrl-C reaches only Node, which then stops it in order.
 */
const WATCHDOG = `exec 3<&0
"$@" </dev/null & pg=$!
( read _ <&3; kill -INT "$pg" 2>/dev/null ) &
wait "$pg"; rc=$?
kill $! 2>/dev/null
exit $rc`;

export interface ServerOptions {
  cluster: string;
  user: RunAs | undefined;
  logger: Logger;
  /** Settings passed as `-c name=value` (e.g. fsync=off for a throw-away database). */
  settings: Record<string, string>;
}

export async function startServer(bin: Binaries, o: ServerOptions): Promise<EmbeddedServer> {
  await stopOrphan(o.cluster, o.logger);
  const socketDir = processTempDir("strangler-pg-", o.user);
  const settings = { listen_addresses: "", unix_socket_directories: socketDir, ...o.settings };
  const args = [bin.postgres, "-D", o.cluster, ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  const child = spawn("/bin/sh", ["-c", WATCHDOG, "strangler-postgres", ...args], {
    stdio: ["pipe", "ignore", "pipe"],
    detached: true,
    ...(o.user ? { uid: o.user.uid, gid: o.user.gid } : {}),
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const tail = forwardLog(child, o.logger);
  const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
  let stopping = false;
  void exited.then((code) => {
    if (!stopping) o.logger.error("embedded PostgreSQL exited unexpectedly", { code, log: tail() });
  });
  try {
    await untilAccepting(url, exited, tail);
  } catch (e) {
    stopping = true;
    killGroup(child, "SIGKILL"); // the watchdog and a postgres that never became ready
    await exited;
    rmSync(socketDir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (stopping) return;
      stopping = true;
      child.stdin!.end(); // the watchdog's cue: fast shutdown
      const timer = setTimeout(() => killGroup(child, "SIGQUIT"), 20_000);
      await exited;
      clearTimeout(timer);
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** Expected while starting (the readiness probe) and stopping (connections ended by the fast shutdown). */
const BENIGN = /the database system is (starting up|shutting down)|terminating connection due to administrator command/;

/** Server log lines: warnings and errors to the logger, the rest at debug; the last lines kept for error reports. */
function forwardLog(child: ChildProcess, logger: Logger): () => string {
  const last: string[] = [];
  let partial = "";
  child.stderr!.on("data", (b: Buffer) => {
    const lines = (partial + b.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      last.push(line);
      if (last.length > 10) last.shift();
      if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line) && !BENIGN.test(line)) logger.warn("embedded PostgreSQL", { log: line });
      else logger.debug("embedded PostgreSQL", { log: line });
    }
  });
  return () => last.join(" | ");
}

async function untilAccepting(url: string, exited: Promise<number | null>, tail: () => string): Promise<void> {
  let done: number | null | undefined;
  void exited.then((code) => (done = code));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (done !== undefined) throw new Error(`embedded PostgreSQL did not start (exit ${done}): ${tail()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL not accepting connections after 60 s: ${(e as Error).message}; ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/**
 * A `postmaster.pid` left behind. We hold the data dir lock, so a live postmaster on this cluster is an orphan of an
 * earlier process whose watchdog has not stopped it yet (or was killed with it): ask it to shut down and wait.
 * A file naming a dead (or unrelated, e.g. after a container restart) process is removed.
 */
async function stopOrphan(cluster: string, logger: Logger): Promise<void> {
  const file = path.join(cluster, "postmaster.pid");
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostmasterOf(pid, cluster)) {
    rmSync(file, { force: true });
    return;
  }
  logger.warn("embedded PostgreSQL of an earlier process still running: shutting it down", { pid });
  const signals: [NodeJS.Signals, number][] = [["SIGINT", 15_000], ["SIGQUIT", 5_000], ["SIGKILL", 5_000]];
  for (const [signal, ms] of signals) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (const until = Date.now() + ms; Date.now() < until && isPostmasterOf(pid, cluster); ) await new Promise((r) => setTimeout(r, 50));
    if (!isPostmasterOf(pid, cluster)) return;
  }
  throw new Error(`embedded PostgreSQL: the earlier server (pid ${pid}) on ${cluster} does not stop`);
}

/** Whether `pid` is a postgres started on `cluster` (from /proc on Linux; elsewhere: whether it is alive). */
function isPostmasterOf(pid: number, cluster: string): boolean {
  if (existsSync("/proc/self/cmdline")) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return argv.some((a) => a.endsWith("postgres")) && argv.includes(cluster);
    } catch {
      return false;
    }
  }
  return running(pid);
}
