/** How long and how hard: `--smoke` (CI, < 2 min in all) or full (on demand). */
export interface BenchSettings {
  readonly mode: "smoke" | "full";
  /** wrk duration per measured run, and the unmeasured warm-up before it. */
  readonly wrkS: number;
  readonly warmupS: number;
  /** The sustained pipeline section's load (issue 15 §1: 60 s in the full run). */
  readonly sustainedS: number;
  /** Proxy comparison: a, b, c are measured this many times, interleaved (a b c a b c …). */
  readonly rounds: number;
  readonly threads: number;
  readonly proxyConnections: number;
  readonly orderConnections: number;
  /** Event latency: orders placed one by one at `latencyRate` per second. */
  readonly latencyOrders: number;
  readonly latencyRate: number;
  /** Flag change → traffic moved: measured switches in each direction. */
  readonly flagSwitches: number;
  /** Where run files go (wrk scripts, nginx.conf, profiles). */
  readonly runDir: string;
}

export const settingsFor = (mode: "smoke" | "full", runDir: string): BenchSettings =>
  mode === "smoke"
    ? { mode, wrkS: 3, warmupS: 1, sustainedS: 5, rounds: 1, threads: 2, proxyConnections: 64, orderConnections: 32, latencyOrders: 100, latencyRate: 40, flagSwitches: 1, runDir }
    : { mode, wrkS: 15, warmupS: 3, sustainedS: 60, rounds: 2, threads: 2, proxyConnections: 64, orderConnections: 32, latencyOrders: 500, latencyRate: 50, flagSwitches: 3, runDir };

/** One line of the results table. */
export interface ResultRow {
  readonly section: string;
  readonly what: string;
  readonly value: string;
  readonly target?: string;
  readonly pass?: boolean;
  /** The exact command(s) that reproduce the figure. */
  readonly reproduce: string;
}

/** One bar of the chart: bars of a group share an axis. */
export interface ChartBar {
  readonly group: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
}

export interface SectionResult {
  readonly rows: ResultRow[];
  readonly bars: ChartBar[];
  readonly notes: string[];
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Nearest-rank percentile of `values` (ms); NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]) => percentile(values, 50);
