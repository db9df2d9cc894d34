/**
 * A route's ignore rules (routes.yaml `shadow.ignore`): JSON pointers or simple paths, `*` for any one segment.
 * `/id`, `/createdAt`, `/items/*\/id`, `items.*.id` all name fields a shadow comparison never reports.
 * @example const ignored = compileIgnoreRules(["/id", "/items/*\/id"]); ignored(["items", 3, "id"]) // true
 */
export type IgnoreMatcher = (path: readonly (string | number)[]) => boolean;

export function compileIgnoreRules(rules: readonly string[]): IgnoreMatcher {
  const compiled = rules.map(segmentsOf);
  if (compiled.length === 0) return () => false;
  return (path) => compiled.some((rule) => matches(rule, path));
}

/** "/items/*\/id" or "items.*.id" → ["items", "*", "id"] (JSON pointer escapes ~1 and ~0 undone). */
export function segmentsOf(rule: string): string[] {
  const parts = rule.startsWith("/") ? rule.slice(1).split("/") : rule.split(".");
  return parts.map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** A rule matches the path itself and anything below it. */
function matches(rule: readonly string[], path: readonly (string | number)[]): boolean {
  if (path.length < rule.length) return false;
  for (let i = 0; i < rule.length; i++) if (rule[i] !== "*" && rule[i] !== String(path[i])) return false;
  return true;
}

/** A diff path as a JSON pointer, the form the status page shows. */
export function pointerOf(path: readonly (string | number)[]): string {
  return "/" + path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
}
