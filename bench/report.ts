import type { ResultRow } from "./bench-types.js";
import type { Machine } from "./machine.js";

export interface Report {
  readonly mode: "smoke" | "full";
  readonly startedAt: Date;
  readonly durationS: number;
  readonly machine: Machine;
  readonly loadAfter: number[];
  readonly rows: ResultRow[];
  /** Per section: the load average when it started (other work on the box moves the figures). */
  readonly sectionLoad: Record<string, string>;
  readonly notes: string[];
  readonly failures: string[];
  readonly chartFile?: string;
}

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");

/** The Markdown results table (bench/results/latest.md). */
export function renderMarkdown(r: Report): string {
  const m = r.machine;
  const verdict = (row: ResultRow) => (row.pass === undefined ? "" : row.pass ? "✅ met" : "❌ missed");
  const lines = [
    `# Strangler benchmark — ${r.mode === "full" ? "full run" : "smoke run"}, ${r.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `**Machine:** ${m.cpus} CPUs (\`nproc\` = ${m.nproc}), ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.kernel}.  `,
    `**Versions:** Node ${m.node} · nginx ${m.nginx} · wrk ${m.wrk} · Apache Kafka ${m.kafka} (KRaft, single node) · PostgreSQL ${m.postgres} · Unleash ${m.unleash}.  `,
    `**Load average (1/5/15 min):** ${load(m.loadBefore)} before the run, ${load(r.loadAfter)} after (${r.durationS.toFixed(0)} s). Everything — wrk, nginx, the proxy, the app processes, PostgreSQL, Kafka, Unleash — shares the same ${m.cpus} cores.  `,
    `**Reproduce:** \`npm run bench\` (full) or \`npm run bench:smoke\` (CI); one section: \`npm run bench -- --only proxy|orders|pipeline|latency|flags|embedded\`. Services come from \`scripts/services/all.sh start\`.`,
    "",
    "| section | measure | result | target | verdict | reproduce |",
    "|---|---|---|---|---|---|",
    ...r.rows.map((row) => `| ${cell(row.section)} | ${cell(row.what)} | ${cell(row.value)} | ${cell(row.target ?? "")} | ${verdict(row)} | ${cell(row.reproduce)} |`),
    "",
    ...(Object.keys(r.sectionLoad).length ? ["Load average when each section started: " + Object.entries(r.sectionLoad).map(([k, v]) => `${k} ${v}`).join("; ") + ".", ""] : []),
    ...(r.failures.length ? ["## Sections that failed to run", "", ...r.failures.map((f) => `- ${cell(f)}`), ""] : []),
    ...(r.notes.length ? ["## How it was measured", "", ...r.notes.map((n) => `- ${n}`), ""] : []),
    ...(r.chartFile ? [`![benchmark chart](${r.chartFile})`, ""] : []),
  ];
  return lines.join("\n");
}
