import { randomUUID } from "node:crypto";
import path from "node:path";
import { fmt, median, type BenchSettings, type SectionResult } from "./bench-types.js";
import { cpuBetween, cpuSnapshot } from "./cpu-usage.js";
import { identitiesOn, readScript } from "./proxy-overhead.bench.js";
import { runWrk } from "./wrk.js";
import { call, deleteFlags, runCli, type Stack } from "#harness";

const SECTION = "Shadow traffic: client cost";

interface ShadowState {
  percent: number | null;
  compared: number;
  dropped: number;
}

async function inventoryShadow(adminUrl: string): Promise<ShadowState> {
  const status = (await (await fetch(`${adminUrl}/_strangler/status`)).json()) as { routes: { module: string; shadow: ShadowState }[] };
  return status.routes.find((r) => r.module === "inventory")!.shadow;
}

/** `strangler flags shadow inventory <pct|off>` (the real CLI, Unleash Admin API), then waits until the proxy has it. */
async function shadowAt(stack: Stack, pct: number): Promise<void> {
  const res = await runCli(["flags", "shadow", "inventory", pct === 0 ? "off" : String(pct)], stack.flags!.env, 30_000);
  if (res.code !== 0) throw new Error(`strangler flags shadow inventory ${pct} exited ${res.code}: ${res.stderr}${res.stdout}`);
  for (const t0 = performance.now(); (await inventoryShadow(stack.proxy!.adminUrl!)).percent !== pct; ) {
    if (performance.now() - t0 > 15_000) throw new Error(`shadow ${pct} % not seen by the proxy`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What shadowing costs the client: wrk against the proxy with users on the monolith side only (every read
 * eligible), shadow off vs 100 % (each read then mirrored to the inventory service and compared), interleaved
 * rounds; latency, throughput and the proxy's CPU per client request (mirrors included: that is the cost).
 */
export async function benchShadow(stack: Stack, s: BenchSettings): Promise<SectionResult> {
  const proxy = stack.proxy!;
  const products = Array.from({ length: 20 }, () => randomUUID());
  for (const p of products) await call("POST", `${stack.monolith.url}/api/inventory/update`, { productId: p, quantity: 1000 });
  const monolithSide = await identitiesOn(proxy.url, "monolith", 200, products[0]!);
  const lua = readScript(products, monolithSide);
  const scriptFile = path.join(s.runDir, "read-inventory-shadow.lua");
  const classify = (pid: number) => (pid === proxy.child.pid ? "proxy" : undefined);
  const wrk = (durationS: number) => runWrk({ url: proxy.url, lua, scriptFile, threads: s.threads, connections: s.proxyConnections, durationS });
  const runs: Record<0 | 100, { rps: number; p50: number; p99: number; cpuUs: number }[]> = { 0: [], 100: [] };
  let compared = 0;
  let dropped = 0;
  try {
    for (const pct of [0, 100] as const) await shadowAt(stack, pct).then(() => wrk(s.warmupS));
    for (let r = 0; r < s.rounds; r++)
      for (const pct of [0, 100] as const) {
        await shadowAt(stack, pct);
        const before = await inventoryShadow(proxy.adminUrl!);
        const a = cpuSnapshot();
        const w = await wrk(s.wrkS);
        const cpu = cpuBetween(a, cpuSnapshot(), classify);
        runs[pct].push({ rps: w.rps, p50: w.p50Ms, p99: w.p99Ms, cpuUs: ((cpu.groups.proxy ?? 0) * 1e6) / Math.max(1, w.requests) });
        const after = await inventoryShadow(proxy.adminUrl!);
        if (pct === 100) (compared += after.compared - before.compared), (dropped += after.dropped - before.dropped);
      }
  } finally {
    await shadowAt(stack, 0).catch(() => undefined);
    await deleteFlags([`${stack.flags!.flag("inventory")}.shadow`]).catch(() => undefined);
  }
  const m = (pct: 0 | 100, k: "rps" | "p50" | "p99" | "cpuUs") => median(runs[pct].map((x) => x[k]));
  const rows = ([0, 100] as const).map((pct) => ({
    section: SECTION,
    what: `shadow ${pct === 0 ? "off" : "100 %"}: req/s · p50 · p99 · proxy CPU µs per client request`,
    value: `${fmt(m(pct, "rps"))} · ${fmt(m(pct, "p50"), 2)} ms · ${fmt(m(pct, "p99"), 2)} ms · ${fmt(m(pct, "cpuUs"))} µs`,
    reproduce: "`npm run bench -- --only shadow` (wrk on the proxy, users on the monolith side; `flags shadow inventory 100` vs off)",
  }));
  rows.push({ section: SECTION, what: "mirrors during the 100 % runs: compared · dropped (queue full)", value: `${compared} · ${dropped}`, reproduce: "/_strangler/status before and after each run" });
  return {
    rows,
    bars: ([0, 100] as const).map((pct) => ({ group: "Shadow: proxy CPU per client request (µs)", label: pct === 0 ? "shadow off" : "shadow 100 %", value: Math.round(m(pct, "cpuUs")), unit: "µs" })),
    notes: [`Shadow: wrk -t${s.threads} -c${s.proxyConnections}, ${s.rounds} interleaved round(s) of ${s.wrkS} s per setting; the proxy's CPU includes the mirrors (each a second request to the service, plus a re-read of the monolith on a mismatch). Mirrors past SHADOW_QUEUE_MAX are dropped, not waited for, so the client's latency stays the monolith's.`],
  };
}
