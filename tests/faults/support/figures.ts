import type { TestContext } from "node:test";

/** The figures every resilience scenario prints (issue: load held, faults injected, requests failed, events lost, duplicates). */
export interface Figures {
  load: string;
  faults: string;
  requestsFailed: string;
  eventsLost: string | number;
  duplicates: string | number;
  /** Anything else worth a number: recovery time, fallbacks, min stock… */
  more?: Record<string, string | number>;
}

/** Prints one FIGURES line (grep-able in CI logs) and attaches it to the test as a diagnostic. */
export function reportFigures(t: TestContext, scenario: string, f: Figures): void {
  const extra = Object.entries(f.more ?? {}).map(([k, v]) => ` | ${k}: ${v}`).join("");
  const line = `FIGURES ${scenario} | load held: ${f.load} | faults injected: ${f.faults} | requests failed: ${f.requestsFailed} | events lost: ${f.eventsLost} | duplicates: ${f.duplicates}${extra}`;
  console.log(line);
  t.diagnostic(line);
}

/** "3 of 12,000 (0.025 %)" */
export const rate = (failed: number, total: number) => `${failed} of ${total.toLocaleString("en-US")} (${((100 * failed) / Math.max(1, total)).toFixed(3)} %)`;
