import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startRole, type RoleProcess } from "../tests/support/processes.js";
import { STACK_JWT_SECRET, type Stack } from "../tests/support/strangler-stack.js";
import { fmt, type BenchSettings, type SectionResult } from "./bench-types.js";
import { runOrderLoad, type OrderRun } from "./orders.bench.js";

/** Resident memory of a process tree in MB: PSS (shared pages split between the processes that map them). */
function treeMemoryMb(rootPid: number): { node: number; postgres: number } {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n)))
    try {
      parent.set(Number(name), Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  const descends = (pid: number): boolean => pid === rootPid || (parent.has(pid) && pid > 1 && descends(parent.get(pid)!));
  const pss = (pid: number) => {
    try {
      return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  let postgres = 0;
  for (const pid of parent.keys()) if (pid !== rootPid && descends(pid)) postgres += pss(pid);
  return { node: pss(rootPid), postgres };
}

/** Starts `strangler monolith` on the embedded database in `dataDir`; resolves with the process and its start time. */
async function startEmbedded(dataDir: string): Promise<{ p: RoleProcess; startS: number }> {
  const t = performance.now();
  const p = await startRole(["monolith"], { DATA_DIR: dataDir, DATABASE_URL: "", KAFKA_BROKERS: "", JWT_SECRET: STACK_JWT_SECRET, LOG_LEVEL: "warn" }, 90_000);
  return { p, startS: (performance.now() - t) / 1000 };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The order benchmark on the embedded database next to the same monolith on a PostgreSQL server (both with
 * in-process events, default pool), interleaved in one run; plus the embedded start-up (first = initdb, then a
 * restart on the same data) and memory.
 */
export async function benchEmbedded(server: Stack, s: BenchSettings): Promise<SectionResult> {
  const dataDir = path.join(s.runDir, `embedded-${Date.now()}`);
  const first = await startEmbedded(dataDir);
  const stopT = performance.now();
  const stopCode = await first.p.stop("SIGTERM");
  const stopS = (performance.now() - stopT) / 1000;
  const { p, startS: restartS } = await startEmbedded(dataDir);
  const embedded = { monolith: p, query: server.query };
  const runs: { server: OrderRun[]; embedded: OrderRun[] } = { server: [], embedded: [] };
  let memory = { node: 0, postgres: 0 };
  try {
    for (let round = 0; round < s.rounds; round++) {
      runs.server.push(await runOrderLoad(server, s, "server", 50, false));
      runs.embedded.push(await runOrderLoad(embedded, s, "embedded", 50, false));
      memory = treeMemoryMb(p.child.pid!);
    }
  } finally {
    await p.stop("SIGTERM");
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
      `Embedded vs server: the monolith with no DATABASE_URL (embedded PostgreSQL under DATA_DIR, started by the process) and the same monolith on the PostgreSQL server (throw-away database, server tuned for tests: fsync off), both with in-process events and the default pool (DB_POOL_SIZE 10); ${s.rounds} interleaved round(s) of wrk -t${s.threads} -c${s.orderConnections} -d${s.wrkS}s over 50 products, figures are the mean of the rounds. Start-up = spawn until GET /health answers.`,
    ],
  };
}
