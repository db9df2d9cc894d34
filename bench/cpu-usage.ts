import { readdirSync, readFileSync } from "node:fs";

/** CPU time so far of every process (clock ticks, user + system) and of the whole machine. */
export interface CpuSnapshot {
  readonly procs: Map<number, { comm: string; ticks: number }>;
  readonly busy: number;
  readonly total: number;
}

const TICK_S = 0.01; // USER_HZ is 100 on Linux

export function cpuSnapshot(): CpuSnapshot {
  const procs = new Map<number, { comm: string; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" "); // fields[0] is the state (field 3 of proc(5))
      procs.set(Number(entry), { comm: stat.slice(stat.indexOf("(") + 1, close), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      /* exited meanwhile */
    }
  }
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!; // idle + iowait
  const total = cpu.reduce((a, b) => a + b, 0);
  return { procs, busy: total - idle, total };
}

/**
 * CPU seconds spent between two snapshots, per group: `classify` names a process's group (or undefined: it
 * lands in "rest of the machine", which also holds processes that exited in between — such as wrk itself —
 * the kernel and any other work on the box). `machineBusyShare` is the busy fraction of all cores.
 */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot, classify: (pid: number, comm: string) => string | undefined) {
  const groups: Record<string, number> = {};
  let known = 0;
  for (const [pid, p] of b.procs) {
    const group = classify(pid, p.comm);
    if (group === undefined) continue;
    const delta = (p.ticks - (a.procs.get(pid)?.ticks ?? 0)) * TICK_S;
    groups[group] = (groups[group] ?? 0) + delta;
    known += delta;
  }
  const busyS = (b.busy - a.busy) * TICK_S; // /proc/stat's first line sums every core
  groups["rest of the machine (wrk, kernel, other work)"] = Math.max(0, busyS - known);
  return { groups, machineBusyShare: (b.busy - a.busy) / Math.max(1, b.total - a.total) };
}
