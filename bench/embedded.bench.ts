import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { STACK_JWT_SECRET, startProcess, type Stack, type StartedProcess } from "#harness";
import { fmt, type BenchSettings, type SectionResult } from "./bench-types.js";
import { cpuSnapshot } from "./cpu-usage.js";
import { findBinaries } from "../src/platform/db/embedded-cluster.js";
import { runOrderLoad, type OrderRun } from "./orders.bench.js";

/** The processes of a tree (the root and everything below it). */
function treeOf(rootPid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n)))
    try {
      parent.set(Number(name), Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  const descends = (pid: number): boolean => pid === rootPid || (parent.has(pid) && pid > 1 && descends(parent.get(pid)!));
  return [...parent.keys()].filter(descends);
}

/**
 * Waits (≤ 60 s) until the monoliths are idle (< 5 % of a core over a second): after a run, a monolith still
 * reserves the stock of the orders placed (in-process events), which must not load the next measured run.
 */
async function quiet(rootPids: number[]): Promise<void> {
  const ticks = () => {
    const snap = cpuSnapshot();
    return rootPids.flatMap(treeOf).reduce((sum, pid) => sum + (snap.procs.get(pid)?.ticks ?? 0), 0);
  };
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const before = ticks();
    await new Promise((r) => setTimeout(r, 1000));
    if (ticks() - before < 5) return; // clock ticks of 10 ms: < 50 ms of CPU in 1 s
  }
}

/** Resident memory of a process tree in MB: PSS (shared pages split between the processes that map them). */
function treeMemoryMb(rootPid: number): { node: number; postgres: number } {
  const pss = (pid: number) => {
    try {
      return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  let postgres = 0;
  for (const pid of treeOf(rootPid)) if (pid !== rootPid) postgres += pss(pid);
  return { node: pss(rootPid), postgres };
}

/** Starts `strangler monolith` on the embedded database in `dataDir`; resolves with the process and its start time. */
async function startEmbedded(dataDir: string): Promise<{ p: StartedProcess; startS: number }> {
  const t = performance.now();
  const p = await startProcess({
    entry: "bin",
    role: ["monolith"],
    env: { DATA_DIR: dataDir, DATABASE_URL: "", KAFKA_BROKERS: "", JWT_SECRET: STACK_JWT_SECRET, LOG_LEVEL: "warn" },
    readyPath: "/health",
    readyTimeoutMs: 90_000,
  });
  return { p, startS: (performance.now() - t) / 1000 };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The order benchmark on the embedded database next to the same monolith on a PostgreSQL server (both with
 * in-process events, default pool), interleaved in one run; plus the embedded start-up (first = initdb, then a
 * restart on the same data) and memory.
 */
export async function benchEmbedded(server: Stack, s: BenchSettings): Promise<SectionResult> {
  // Under the OS temp dir: run as root, the server's user must be able to enter DATA_DIR (the checkout may be in /root).
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "strangler-bench-embedded-"));
  chmodSync(dataDir, 0o755);
  const first = await startEmbedded(dataDir);
  const stopT = performance.now();
  const stopCode = await first.p.stop();
  const stopS = (performance.now() - stopT) / 1000;
  const { p, startS: restartS } = await startEmbedded(dataDir);
  const embedded = { monolith: p, query: server.query };
  const runs: { server: OrderRun[]; embedded: OrderRun[] } = { server: [], embedded: [] };
  let memory = { node: 0, postgres: 0 };
  try {
    const pids = [server.monolith.child.pid!, p.child.pid!];
    const measure = async (which: "server" | "embedded") => {
      await quiet(pids);
      runs[which].push(await runOrderLoad(which === "server" ? server : embedded, s, which, 50, false));
      if (which === "embedded") memory = treeMemoryMb(p.child.pid!);
    };
    // Alternating order (server first, then embedded first, …), each run on idle monoliths.
    for (let round = 0; round < s.rounds; round++)
      for (const which of round % 2 ? (["embedded", "server"] as const) : (["server", "embedded"] as const)) await measure(which);
  } finally {
    await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const fig = (rs: OrderRun[]) => ({ rps: mean(rs.map((r) => r.wrk.rps)), p99: mean(rs.map((r) => r.wrk.p99Ms)), p50: mean(rs.map((r) => r.wrk.p50Ms)), errors: rs.reduce((a, r) => a + r.wrk.errors, 0) });
  const srv = fig(runs.server);
  const emb = fig(runs.embedded);
  const ratio = emb.rps / srv.rps;
  const section = "Embedded database vs PostgreSQL server";
  const reproduce = "`npm run bench -- --only embedded`";
  const cmd = runs.embedded[0]!.wrk.command;
  const line = (f: typeof srv) => `${fmt(f.rps)} /s · ${fmt(f.p50, 1)} ms · ${fmt(f.p99, 1)} ms${f.errors ? ` · ${f.errors} errors/non-201` : ""}`;
  return {
    rows: [
      { section, what: "PostgreSQL server (DATABASE_URL): orders/s · p50 · p99", value: line(srv), reproduce: `${reproduce} → \`${cmd}\`` },
      { section, what: "embedded PostgreSQL (no DATABASE_URL): orders/s · p50 · p99", value: line(emb), target: "p99 < 250 ms", pass: emb.p99 < 250 && emb.errors === 0, reproduce: `${reproduce} → \`${cmd}\`` },
      { section, what: "embedded ÷ server, orders/s", value: `${fmt(ratio, 2)}×`, target: "≥ 0.5×", pass: ratio >= 0.5, reproduce },
      { section, what: "embedded start-up: first (initdb + migrations) · restart · SIGTERM stop", value: `${fmt(first.startS, 1)} s · ${fmt(restartS, 1)} s · ${fmt(stopS, 1)} s (exit ${stopCode})`, target: "first < 10 s", pass: first.startS < 10 && stopCode === 0, reproduce },
      { section, what: "embedded memory after the load (PSS): Node · PostgreSQL processes", value: `${fmt(memory.node)} MB · ${fmt(memory.postgres)} MB`, reproduce },
    ],
    bars: [
      { group: "Orders placed per second", label: "embedded PostgreSQL", value: Math.round(emb.rps), unit: "/s" },
      { group: "Orders placed per second", label: "same, PostgreSQL server", value: Math.round(srv.rps), unit: "/s" },
    ],
    notes: [
      `Embedded vs server: the monolith with no DATABASE_URL (embedded PostgreSQL ${findBinaries().version} under DATA_DIR, started by the process; fsync on, synchronous_commit off) and the same monolith on the PostgreSQL server (throw-away database, server tuned for tests: fsync off), both with in-process events and the default pool (DB_POOL_SIZE 10); ${s.rounds} round(s) in alternating order, each on idle monoliths (the stock reservations of the previous run done), of wrk -t${s.threads} -c${s.orderConnections} -d${s.wrkS}s over 50 products, figures are the mean of the rounds. Start-up = spawn until GET /health answers.`,
    ],
  };
}
