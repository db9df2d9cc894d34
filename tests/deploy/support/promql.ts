/**
 * What the chart's dashboard and AnalysisTemplate query, and what a live /metrics scrape exports, as metric names,
 * so a test can check the one against the other.
 *
 * @example
 *   metricNamesIn('sum(rate(strangler_proxy_requests_total{status=~"5.."}[2m]))'); // ["strangler_proxy_requests_total"]
 *   exportedNames("# TYPE x_seconds histogram\nx_seconds_bucket{le=\"1\"} 0"); // x_seconds, x_seconds_bucket, _sum, _count
 */
import { run, tool, type K8sObject } from "./deploy-tools.js";

/** The project's metric names (strangler_*) referenced in PromQL; label values and strings are skipped. */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(withoutStrings.match(/\bstrangler_[a-zA-Z0-9_]+/g) ?? [])];
}

/** Metric names a Prometheus text exposition exports: every TYPE'd family (with a histogram's series) and sample. */
export function exportedNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const line of scrape.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === "histogram" || type[2] === "summary") for (const s of ["_bucket", "_sum", "_count"]) names.add(type[1]! + s);
    } else if (line && !line.startsWith("#")) names.add(line.split(/[{ ]/)[0]!);
  }
  return names;
}

/** Every PromQL expression of the rendered Grafana dashboard ConfigMap (targets and query variables). */
export function dashboardExprs(dashboard: { panels: { targets?: { expr: string }[] }[]; templating: { list: { query?: unknown }[] } }): string[] {
  const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const variables = dashboard.templating.list.flatMap((v) => (typeof v.query === "object" && v.query && "query" in v.query ? [String(v.query.query)] : []));
  return [...targets, ...variables];
}

/** The Prometheus queries of a rendered AnalysisTemplate. */
export const analysisQueries = (template: K8sObject): string[] =>
  (template.spec.metrics as { provider: { prometheus: { query: string } } }[]).map((m) => m.provider.prometheus.query);

/**
 * Parses each expression with Prometheus's own PromQL parser (scripts/promql-check), after substituting Grafana's
 * `$__rate_interval` / `$var` and Argo Rollouts' `{{args.x}}` placeholders (a Grafana `label_values(selector, label)`
 * variable query: its selector). Returns the parser's report; `ok` false
 * when any expression does not parse.
 */
export function parsePromql(exprs: string[]): { ok: boolean; report: string } {
  const concrete = exprs.map((e) => e.replace(/^label_values\((.+),\s*\w+\)$/, "$1").replaceAll("$__rate_interval", "5m").replace(/\{\{\s*args\.[\w-]+\s*\}\}/g, "x").replace(/\$\w+/g, "x"));
  const r = run(tool("promql-check"), [], { input: JSON.stringify(concrete), check: false });
  return { ok: r.status === 0, report: r.stdout + r.stderr };
}
