/**
 * `npm run bench` (full) / `npm run bench:smoke` (CI, < 2 min): proxy overhead vs nginx, order throughput,
 * event latency, flag switch time and embedded mode, measured side by side in one run against the real
 * processes (built bin), PostgreSQL, Kafka and Unleash. Writes a Markdown table and a chart:
 * full → bench/results/latest.{md,png} (committed), smoke → .run/bench/results/ (unless --out DIR).
 * Options: --smoke, --only proxy,flags,shadow,orders,pipeline,latency,retention,embedded, --out DIR, --profile (CPU profile of the proxy
 * during the proxy section, top frames printed; figures taken with the profiler on are not comparable).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { settingsFor, type SectionResult } from "./bench-types.js";
import { topFrames } from "./cpu-profile.js";
import { renderChartHtml, renderChartPng } from "./chart.js";
import { benchEventLatency } from "./event-latency.bench.js";
import { benchFlagSwitch } from "./flag-switch.bench.js";
import { describeMachine, loadavg } from "./machine.js";
import { benchEmbedded } from "./embedded.bench.js";
import { benchOrders } from "./orders-sections.js";
import { benchPipeline } from "./pipeline.bench.js";
import { benchRetention, RETENTION_ENV } from "./retention.bench.js";
import { benchProxyOverhead } from "./proxy-overhead.bench.js";
import { benchShadow } from "./shadow.bench.js";
import { renderMarkdown } from "./report.js";
import { ROOT, type Stack, startStack } from "#harness";

const SECTIONS = ["proxy", "flags", "shadow", "orders", "pipeline", "latency", "retention", "embedded"] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false }, only: { type: "string" }, out: { type: "string" }, profile: { type: "boolean", default: false } } });
const only = new Set((values.only?.split(",") ?? SECTIONS) as Section[]);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section "${s}" (${SECTIONS.join(", ")})`);
const mode = values.smoke ? "smoke" : "full";
const runDir = path.join(ROOT, ".run/bench");
mkdirSync(runDir, { recursive: true });
const settings = settingsFor(mode, runDir);
const outDir = path.resolve(values.out ?? (mode === "full" ? path.join(ROOT, "bench/results") : path.join(runDir, "results")));
mkdirSync(outDir, { recursive: true });

const startedAt = new Date();
const machine = describeMachine();
const results: SectionResult[] = [];
const failures: string[] = [];
const sectionLoad: Record<string, string> = {};
const log = (msg: string) => console.log(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)}s] ${msg}`);

/** Runs the wanted sections on one stack, then closes it; a failing section is reported, not fatal. */
async function onStack(wanted: Section[], start: () => Promise<Stack>, run: Record<string, (stack: Stack) => Promise<SectionResult>>) {
  const todo = wanted.filter((s) => only.has(s));
  if (!todo.length) return;
  let stack: Stack | undefined;
  try {
    stack = await start();
    for (const name of todo) {
      sectionLoad[name] = loadavg();
      log(`${name} (load ${sectionLoad[name]})`);
      try {
        results.push(await run[name]!(stack));
      } catch (e) {
        failures.push(`${name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        log(`${name} FAILED: ${e instanceof Error ? e.message : e}`);
      }
    }
  } catch (e) {
    failures.push(`${todo.join(", ")}: stack did not start: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await stack?.close();
  }
}

log(`${mode} run, load average ${loadavg()}`);
const profileDir = path.join(runDir, "profiles");
const preload = path.join(ROOT, "bench/cpu-prof-preload.mjs");
// The route guard stays on (its per-request bookkeeping is part of the measured path) but cannot trip: with wrk and
// both backends on the same cores it may rightly judge the service slower and move the route to the monolith,
// which would turn row c (a 50 % split) into another row c′.
const GUARD_WATCH_ONLY = { GUARD_LATENCY_SLACK_MS: "600000", GUARD_ERROR_MARGIN_PCT: "100" };
const proxyEnv: Record<string, string> = {
  ...GUARD_WATCH_ONLY,
  ...(values.profile ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${preload}`, CPU_PROF_DIR: profileDir } : {}),
};
await onStack(["proxy", "flags", "shadow"], () => startStack({ label: "bench-proxy", services: ["inventory"], proxy: { inventory: 50 }, proxyEnv }), {
  proxy: (st) => benchProxyOverhead(st, settings),
  flags: (st) => benchFlagSwitch(st, settings),
  shadow: (st) => benchShadow(st, settings),
});
await onStack(["orders", "pipeline", "latency"], () => startStack({ label: "bench-orders", kafka: true }), {
  orders: (st) => benchOrders(st, settings),
  pipeline: (st) => benchPipeline(st, settings),
  latency: (st) => benchEventLatency(st, settings),
});
await onStack(["retention"], () => startStack({ label: "bench-retention", kafka: true, env: { ...RETENTION_ENV } }), {
  retention: (st) => benchRetention(st, settings),
});
// The server side of the embedded comparison; the section starts the embedded monolith itself.
await onStack(["embedded"], () => startStack({ label: "bench-embedded-server" }), {
  embedded: (st) => benchEmbedded(st, settings),
});

if (values.profile) console.log(topFrames(profileDir).join("\n"));
const rows = results.flatMap((r) => r.rows);
const bars = results.flatMap((r) => r.bars);
const subtitle = `${mode} run ${startedAt.toISOString().slice(0, 16)}Z · ${machine.cpus} CPUs ${machine.cpuModel} · load before ${machine.loadBefore.map((l) => l.toFixed(2)).join("/")} · Node ${machine.node}, nginx ${machine.nginx}, wrk ${machine.wrk}`;
let chartFile: string | undefined;
try {
  await renderChartPng(renderChartHtml("Strangler benchmark", subtitle, bars), path.join(runDir, "chart.html"), path.join(outDir, "latest.png"));
  chartFile = "latest.png";
} catch (e) {
  failures.push(`chart: ${e instanceof Error ? e.message : String(e)}`);
}
const durationS = (Date.now() - startedAt.getTime()) / 1000;
const report = { mode, startedAt, durationS, machine, loadAfter: machine.loadBefore.map((_, i) => Number(loadavg().split(" / ")[i])), rows, sectionLoad, notes: results.flatMap((r) => r.notes), failures, chartFile } as const;
writeFileSync(path.join(outDir, "latest.md"), renderMarkdown(report));
writeFileSync(path.join(runDir, "latest.json"), JSON.stringify(report, null, 2));
console.log(renderMarkdown(report));
log(`done in ${durationS.toFixed(0)} s → ${path.relative(ROOT, path.join(outDir, "latest.md"))}`);
if (failures.length) process.exitCode = 1;
