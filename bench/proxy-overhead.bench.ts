import { randomUUID } from "node:crypto";
import path from "node:path";
import { fmt, median, type BenchSettings, type ChartBar, type ResultRow, type SectionResult } from "./bench-types.js";
import { cpuBetween, cpuSnapshot } from "./cpu-usage.js";
import { startBareNodeProxy } from "./bare-proxy.js";
import { startNginx } from "./nginx.js";
import { THREAD_ROTATION, luaList, runWrk, type WrkResult } from "./wrk.js";
import { call, type Stack } from "#harness";

const TARGETS = [
  "a monolith direct",
  "b nginx → monolith",
  "c strangler proxy (50 %)",
  "c′ strangler proxy (50 %), users on the monolith side",
  "d bare node:http pipe → monolith (reference)",
] as const;
const CHART_LABELS = ["a monolith direct", "b nginx", "c proxy, 50 % split", "c′ proxy, monolith side", "d bare node:http pipe"];
const SECTION = "Proxy overhead";

/** GETs of /api/inventory/quantity over `products`, each carrying one of `identities` (sticky cookie values). */
export const readScript = (products: string[], identities: string[]) => `${THREAD_ROTATION}
local paths = ${luaList(products.map((p) => `/api/inventory/quantity?productId=${p}`))}
local cookies = ${luaList(identities.map((id) => `strangler_sid=${id}`))}
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Cookie"] = cookies[(i % #cookies) + 1] })
end
`;

/** `count` identities the proxy sends to `side` at the current rollout (probed through the proxy). */
export async function identitiesOn(proxyUrl: string, side: string, count: number, product: string): Promise<string[]> {
  const found: string[] = [];
  for (let n = 0; found.length < count && n < count * 10; n++) {
    const id = `bench-user-${n}`;
    const res = await fetch(`${proxyUrl}/api/inventory/quantity?productId=${product}`, { headers: { cookie: `strangler_sid=${id}` } });
    await res.arrayBuffer();
    if (res.headers.get("x-upstream") === side) found.push(id);
  }
  return found;
}

/** Upstream split of the proxy's inventory route so far, from its own /metrics (admin port). */
async function inventorySplit(adminUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const split: Record<string, number> = {};
  for (const m of text.matchAll(/^strangler_proxy_requests_total\{[^}]*route="inventory"[^}]*upstream="([^"]+)"[^}]*\} (\d+)/gm))
    split[m[1]!] = (split[m[1]!] ?? 0) + Number(m[2]);
  return split;
}

interface Measured {
  wrk: WrkResult;
  /** CPU seconds per process group during the run, and how busy the machine was. */
  cpu: ReturnType<typeof cpuBetween>;
}

/**
 * Proxy overhead vs nginx, same backend, same run: wrk at fixed connections against (a) the monolith directly,
 * (b) nginx in front of it, (c) our proxy with real Unleash flags live and the inventory route at 50 %
 * (half the users to the extracted inventory service: same code, same database). Rounds are interleaved so
 * background load hits the three alike; each figure is the median over rounds. CPU time per process group is
 * read from /proc around every run: on 2 shared cores, the proxy's CPU per request IS its throughput cost.
 */
export async function benchProxyOverhead(stack: Stack, s: BenchSettings): Promise<SectionResult> {
  const products = Array.from({ length: 100 }, () => randomUUID());
  for (const p of products) await call("POST", `${stack.monolith.url}/api/inventory/update`, { productId: p, quantity: 1000 });
  const nginx = await startNginx(path.join(s.runDir, "nginx"), stack.monolith.url);
  const bare = await startBareNodeProxy(stack.monolith.url).catch(async (e) => (await nginx.stop(), Promise.reject(e)));
  const urls = [stack.monolith.url, nginx.url, stack.proxy!.url, stack.proxy!.url, bare.url];
  const everyone = Array.from({ length: 1000 }, (_, n) => `bench-user-${n}`);
  const monolithSide = await identitiesOn(stack.proxy!.url, "monolith", 500, products[0]!);
  const scripts = urls.map((_, t) => readScript(products, t === 3 ? monolithSide : everyone));
  const groupOf = new Map<number, string>([
    [stack.proxy!.child.pid!, "proxy"],
    [bare.pid, "bare node proxy"],
    [stack.monolith.child.pid!, "backends (monolith + inventory service)"],
    [stack.services.inventory!.child.pid!, "backends (monolith + inventory service)"],
  ]);
  const classify = (pid: number, comm: string) => groupOf.get(pid) ?? (comm === "nginx" ? "nginx" : comm === "postgres" ? "PostgreSQL (all databases)" : undefined);
  const runs: Measured[][] = urls.map(() => []);
  try {
    const wrk = (t: number, durationS: number) =>
      runWrk({ url: urls[t]!, lua: scripts[t]!, scriptFile: path.join(s.runDir, t === 3 ? "read-inventory-monolith-side.lua" : "read-inventory.lua"), threads: s.threads, connections: s.proxyConnections, durationS });
    for (let t = 0; t < urls.length; t++) await wrk(t, s.warmupS); // JIT, keep-alive pools, Unleash SDK: all warm
    const split: Record<string, number> = {}; // who answered c's requests (the 50 % split), from the proxy's /metrics
    for (let r = 0; r < s.rounds; r++)
      for (let t = 0; t < urls.length; t++) {
        const before = t === 2 ? await inventorySplit(stack.proxy!.adminUrl!) : {};
        const a = cpuSnapshot();
        const result = await wrk(t, s.wrkS);
        runs[t]!.push({ wrk: result, cpu: cpuBetween(a, cpuSnapshot(), classify) });
        if (t === 2) for (const [k, n] of Object.entries(await inventorySplit(stack.proxy!.adminUrl!))) split[k] = (split[k] ?? 0) + n - (before[k] ?? 0);
      }
    return summarize(runs, split, nginx.confFile, s);
  } finally {
    await nginx.stop();
    await bare.stop();
  }
}

function summarize(runs: Measured[][], split: Record<string, number>, nginxConf: string, s: BenchSettings): SectionResult {
  const agg = runs.map((rs) => {
    const requests = rs.reduce((n, r) => n + r.wrk.requests, 0);
    const cpuUs: Record<string, number> = {};
    for (const r of rs) for (const [g, sec] of Object.entries(r.cpu.groups)) cpuUs[g] = (cpuUs[g] ?? 0) + (sec * 1e6) / requests;
    return {
      rps: median(rs.map((r) => r.wrk.rps)),
      p50: median(rs.map((r) => r.wrk.p50Ms)),
      p99: median(rs.map((r) => r.wrk.p99Ms)),
      errors: rs.reduce((n, r) => n + r.wrk.errors, 0),
      busy: median(rs.map((r) => r.cpu.machineBusyShare)),
      cpuUs,
      command: rs[0]!.wrk.command,
    };
  });
  const [a, b, c, c1, d] = agg as [(typeof agg)[0], (typeof agg)[0], (typeof agg)[0], (typeof agg)[0], (typeof agg)[0]];
  const served = (k: string) => split[k] ?? 0;
  const total = served("monolith") + served("inventory");
  const share = total ? (100 * served("inventory")) / total : NaN;
  const rows: ResultRow[] = agg.map((x, i) => ({
    section: SECTION,
    what: `${TARGETS[i]}: rps · p50 · p99`,
    value: `${fmt(x.rps)} rps · ${fmt(x.p50, 2)} ms · ${fmt(x.p99, 2)} ms${x.errors ? ` · ${x.errors} errors` : ""}`,
    reproduce: `\`npm run bench -- --only proxy\` → \`${x.command}\``,
  }));
  const rpsRatio = c.rps / b.rps;
  const p99Ratio = c.p99 / b.p99;
  const ratio = "ratio of the rows above";
  const cpuRatio = (c1.cpuUs["proxy"] ?? NaN) / (d.cpuUs["bare node proxy"] ?? NaN);
  rows.push(
    { section: SECTION, what: "c/b throughput (proxy vs nginx)", value: `${fmt(rpsRatio, 2)}×`, target: "≥ 0.9× (stretch)", pass: rpsRatio >= 0.9, reproduce: ratio },
    { section: SECTION, what: "c/b p99 (proxy vs nginx)", value: `${fmt(p99Ratio, 2)}×`, target: "≤ 1.3×", pass: p99Ratio <= 1.3, reproduce: ratio },
    { section: SECTION, what: "c/a throughput · p99 (proxy vs direct)", value: `${fmt(c.rps / a.rps, 2)}× · ${fmt(c.p99 / a.p99, 2)}×`, reproduce: ratio },
    {
      section: SECTION,
      what: "c′/b throughput · p99 (the proxy alone: same single backend as nginx)",
      value: `${fmt(c1.rps / b.rps, 2)}× · ${fmt(c1.p99 / b.p99, 2)}×`,
      target: "≥ 0.85× · ≤ 1.3×",
      pass: c1.rps / b.rps >= 0.85 && c1.p99 / b.p99 <= 1.3,
      reproduce: ratio,
    },
    {
      section: SECTION,
      what: "c′/d proxy CPU per request (our proxy vs the bare node:http pipe, same run)",
      value: `${fmt(cpuRatio, 2)}× (${fmt(c1.cpuUs["proxy"] ?? 0)} vs ${fmt(d.cpuUs["bare node proxy"] ?? 0)} µs)`,
      target: "≤ 1.3×",
      pass: cpuRatio <= 1.3,
      reproduce: "the CPU rows below",
    },
    { section: SECTION, what: "d/b throughput · p99 (the node:http floor vs nginx)", value: `${fmt(d.rps / b.rps, 2)}× · ${fmt(d.p99 / b.p99, 2)}×`, reproduce: ratio },
    { section: SECTION, what: "c: share answered by the extracted service", value: `${fmt(share, 1)} % of ${fmt(total)}`, target: "≈ 50 %", pass: Math.abs(share - 50) < 5, reproduce: 'proxy /metrics strangler_proxy_requests_total{route="inventory"}' },
  );
  for (const [i, x] of agg.entries()) {
    const parts = Object.entries(x.cpuUs).sort((p, q) => q[1] - p[1]).map(([g, us]) => `${g} ${fmt(us)}`);
    rows.push({ section: SECTION, what: `${TARGETS[i]}: CPU µs per request, by process (machine ${fmt(100 * x.busy)} % busy)`, value: parts.join(" · "), reproduce: "/proc/<pid>/stat and /proc/stat before and after each wrk run" });
  }
  const bars: ChartBar[] = agg.flatMap((x, i) => [
    { group: "Reads: requests/s (higher is better)", label: CHART_LABELS[i]!, value: Math.round(x.rps), unit: "rps" },
    { group: "Reads: p99 latency (lower is better)", label: CHART_LABELS[i]!, value: Number(x.p99.toFixed(2)), unit: "ms" },
  ]);
  bars.push(
    { group: "CPU per proxied request (µs)", label: "nginx (b)", value: Math.round(b.cpuUs.nginx ?? 0), unit: "µs" },
    { group: "CPU per proxied request (µs)", label: "strangler proxy (c)", value: Math.round(c.cpuUs.proxy ?? 0), unit: "µs" },
    { group: "CPU per proxied request (µs)", label: "strangler proxy (c′)", value: Math.round(c1.cpuUs.proxy ?? 0), unit: "µs" },
    { group: "CPU per proxied request (µs)", label: "bare node:http pipe (d)", value: Math.round(d.cpuUs["bare node proxy"] ?? 0), unit: "µs" },
  );
  const notes = [
    `Proxy comparison: wrk -t${s.threads} -c${s.proxyConnections}, ${s.rounds} interleaved round(s) of ${s.wrkS} s after a ${s.warmupS} s warm-up per target; GET /api/inventory/quantity over 100 products with 1,000 rotating sticky identities (cookie), the same script for every target except c′, which uses only the 500 identities the 50 % rollout keeps on the monolith (the proxy's full decision path, but one backend, like nginx). d is bench/bare-node-proxy.mjs (http.request + pipe, one keep-alive agent, nothing else): the floor of any proxy on node:http. nginx: worker_processes 1 (our proxy is one Node process), upstream keepalive 64, HTTP/1.1, \`Connection ""\`, no access log — config written to ${path.relative(process.cwd(), nginxConf)}. Every process shares the same 2 cores with wrk, so a proxy's CPU per request is taken from the backend's: the CPU rows show where each run's cycles went.`,
  ];
  return { rows, bars, notes };
}
