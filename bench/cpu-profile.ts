import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Shortens node_modules/…/file.js and file:///…/dist/… urls for the report. */
const where = (url: string, line: number) => {
  const short = url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "dist/");
  return short ? `${short}:${line + 1}` : "(native)";
};

/**
 * The top frames by self time of the newest V8 .cpuprofile in `dir` (written by `node --cpu-prof` at exit),
 * plus self time summed per package/file — what the proxy spends its CPU on.
 */
export function topFrames(dir: string, count = 25): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort();
  if (!files.length) return [`no .cpuprofile in ${dir}`];
  const profile = JSON.parse(readFileSync(path.join(dir, files.at(-1)!), "utf8")) as { nodes: ProfileNode[] };
  const all = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
  // Percentages of busy time: the profile spans the whole process life, mostly idle outside the measured runs.
  const total = all - profile.nodes.filter((x) => x.callFrame.functionName === "(idle)").reduce((n, x) => n + (x.hitCount ?? 0), 0);
  const byFrame = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    const f = n.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${where(f.url, f.lineNumber)}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
    const file = f.url ? where(f.url, 0).replace(/:\d+$/, "").replace(/^([^/]+(\/[^/]+)?)\/.*$/, (m, pkg: string) => (f.url.includes("node_modules") ? pkg : m)) : f.functionName || "(native)";
    byFile.set(file, (byFile.get(file) ?? 0) + hits);
  }
  const pct = (h: number) => `${((100 * h) / total).toFixed(1).padStart(5)} %`;
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, h]) => `${pct(h)}  ${name}`);
  byFrame.delete("(idle) (native)");
  byFile.delete("(idle)");
  return [`${files.at(-1)} (${all} samples, ${total} busy; % of busy time)`, "-- self time by frame --", ...top(byFrame, count), "-- self time by file/package --", ...top(byFile, 15)];
}
