import type { GuardSettings } from "../config/proxy.config.js";
import type { RouteDefinition } from "../config/routes-file.js";
import type { Upstream } from "../upstream/upstream.js";

/** A route of the compiled table: prefix → module → its extracted service, behind `flag`. */
export interface CompiledRoute {
  readonly index: number;
  readonly prefix: string;
  readonly module: string;
  readonly flag: string;
  readonly description?: string;
  readonly guard?: GuardSettings;
  /** Shadow comparison: paths never reported (routes.yaml `shadow.ignore`). */
  readonly shadowIgnore: readonly string[];
  readonly service: Upstream;
}

/** Binds each route of the file to its module's upstream; `index` is its slot in the traffic window. */
export function compileRoutes(routes: readonly RouteDefinition[], services: readonly Upstream[]): CompiledRoute[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  return routes.map((r, index) => ({ ...r, index, service: byName.get(r.module)! }));
}

/** Anything with a path prefix can be matched (the proxy matches its compiled routes). */
export interface PrefixRoute {
  readonly prefix: string;
}

export type RouteMatcher<R extends PrefixRoute> = (url: string) => R | undefined;

const SLASH = 47; // "/"
const QUERY = 63; // "?"
const HASH = 35; // "#"

/**
 * Compiles the prefix table once: routes sorted longest-first, matched with startsWith plus a
 * segment-boundary check on the next character — no regex, no allocation per request. ASCII case is folded, as
 * the upstreams (Express) fold it: `/API/Users` is the users route. `url` is the request target in the form
 * request-target.ts gives it (path and query).
 * @example
 * const match = compileRouteMatcher([{ prefix: "/api/inventory" }]);
 * match("/api/inventory/check?productId=1"); // → the route
 * match("/API/Inventory");                     // → the route
 * match("/api/inventoryX");                    // → undefined (goes to the monolith)
 */
export function compileRouteMatcher<R extends PrefixRoute>(routes: readonly R[]): RouteMatcher<R> {
  const sorted = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  const prefixes = sorted.map((r) => r.prefix.toLowerCase());
  const count = sorted.length;
  return (url: string): R | undefined => {
    for (let i = 0; i < count; i++) {
      const prefix = prefixes[i]!;
      if (!url.startsWith(prefix) && !startsWithFolded(url, prefix)) continue;
      const next = url.charCodeAt(prefix.length); // NaN at the end of the string
      if (next !== next || next === SLASH || next === QUERY || next === HASH) return sorted[i];
    }
    return undefined;
  };
}

/** `url` starts with the lower-case `prefix`, ASCII letters compared without case. */
function startsWithFolded(url: string, prefix: string): boolean {
  if (url.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const c = url.charCodeAt(i);
    if (c !== prefix.charCodeAt(i) && !(c >= 65 && c <= 90 && c + 32 === prefix.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Paths the proxy answers itself, never forwarded (query strings ignored): /health and /ready; /_strangler…, /metrics and
 * /health/details are served on the admin port only, so on the public port the proxy answers them 404 PROXY.NOT_FOUND.
 */
export function isReservedPath(target: string): boolean {
  const first = target.charCodeAt(1) | 32; // _ m h r, either case
  if (first !== 127 && first !== 109 && first !== 104 && first !== 114) return false;
  const url = target.toLowerCase(); // the upstreams fold case: /METRICS is /metrics
  if (url.startsWith("/_strangler")) {
    const next = url.charCodeAt(11);
    return next !== next || next === SLASH || next === QUERY;
  }
  return isExactPath(url, "/metrics") || isExactPath(url, "/health") || isExactPath(url, "/ready") || isExactPath(url, "/health/details");
}

function isExactPath(url: string, path: string): boolean {
  if (!url.startsWith(path)) return false;
  const next = url.charCodeAt(path.length);
  return next !== next || next === QUERY;
}
