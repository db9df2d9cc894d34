import { readFileSync } from "node:fs";
import Joi from "joi";
import YAML from "yaml";
import { DEFAULT_MONOLITH_URL, DEFAULT_SERVICE_URLS } from "../../../src/platform/config/default-endpoints.js";
import { ConfigError } from "../../../src/platform/config/load-env.js";
import type { BreakerSettings, GuardSettings, ProxyConfig, UpstreamSettings } from "./proxy.config.js";

/** One resolved upstream: the monolith or an extracted service. */
export interface UpstreamDefinition {
  readonly name: string;
  readonly url: string;
  readonly settings: UpstreamSettings;
}

/** One route of the table: a path prefix owned by a module whose extracted service is behind `flag`. */
export interface RouteDefinition {
  readonly prefix: string;
  readonly module: string;
  readonly flag: string;
  readonly description?: string;
  /** The route's guard: GUARD_* defaults with the file's `guard:` overrides (guard/route-guard.ts). */
  readonly guard?: GuardSettings;
  /** Shadow comparison: paths whose differences never count (JSON pointers or simple paths, `*` a segment). */
  readonly shadowIgnore: readonly string[];
}

export interface RouteTableDefinition {
  readonly monolith: UpstreamDefinition;
  readonly services: readonly UpstreamDefinition[];
  readonly routes: readonly RouteDefinition[];
}

const url = Joi.string().uri({ scheme: ["http", "https"] });
const breaker = Joi.object({
  errorThresholdPercentage: Joi.number().integer().min(1).max(100),
  resetTimeoutMs: Joi.number().integer().min(100),
  volumeThreshold: Joi.number().integer().min(1),
  rollingWindowMs: Joi.number().integer().min(1000),
});
const guard = Joi.object({
  enabled: Joi.boolean(),
  windowMs: Joi.number().integer().min(1_000).max(3_600_000),
  minSamples: Joi.number().integer().min(1),
  errorMarginPct: Joi.number().min(0).max(100),
  latencyRatio: Joi.number().min(1),
  latencySlackMs: Joi.number().min(0),
});
const overrides = {
  timeoutMs: Joi.number().integer().min(10),
  maxConcurrent: Joi.number().integer().min(1).max(100_000),
};
// Segment-based prefixes: "/api/inventory", never a trailing slash, query, wildcard or empty segment.
const prefix = Joi.string()
  .pattern(/^(\/[A-Za-z0-9._~!$&'()+,;=:@%-]+)+$/)
  .message('{{#label}} must look like /api/inventory (segments, no trailing slash, no wildcards), got "{{#value}}"');

const schema = Joi.object({
  monolith: Joi.object({ url, ...overrides }).default({}),
  routes: Joi.array()
    .items(
      Joi.object({
        prefix: prefix.required(),
        module: Joi.string().pattern(/^[a-z][a-z0-9-]{0,40}$/).required(),
        flag: Joi.string().pattern(/^[\w.:-]{1,100}$/).required(),
        url,
        description: Joi.string().max(200),
        ...overrides,
        breaker,
        guard,
        shadow: Joi.object({ ignore: Joi.array().items(Joi.string().pattern(/^\/?[^\s]{1,200}$/)).default([]) }).default({ ignore: [] }),
      }),
    )
    .unique("prefix")
    .required(),
}).required();

/**
 * Reads and validates the route table (YAML or JSON), resolving every upstream URL:
 * `MONOLITH_URL` / `<MODULE>_SERVICE_URL` from the environment win over the file, the file over the defaults of
 * src/platform/config/default-endpoints.ts.
 * Throws ConfigError listing every problem.
 * @example const table = loadRouteTable(loadProxyConfig(process.env));
 */
export function loadRouteTable(config: ProxyConfig): RouteTableDefinition {
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(config.routesFile, "utf8"));
  } catch (e) {
    throw new ConfigError([`ROUTES_FILE ${config.routesFile}: ${e instanceof Error ? e.message : String(e)}`]);
  }
  return parseRouteTable(raw, config);
}

export function parseRouteTable(raw: unknown, config: ProxyConfig): RouteTableDefinition {
  const { error, value } = schema.validate(raw, { abortEarly: false });
  if (error) throw new ConfigError(error.details.map((d) => `${config.routesFile}: ${d.message}`));
  const problems: string[] = [];
  const defaults = config.upstreamDefaults;
  const monolith: UpstreamDefinition = {
    name: "monolith",
    url: config.monolithUrl ?? value.monolith.url ?? DEFAULT_MONOLITH_URL,
    settings: merge(defaults, value.monolith),
  };
  const services = new Map<string, UpstreamDefinition>();
  const routes: RouteDefinition[] = [];
  for (const r of value.routes) {
    if (r.module === "monolith" || r.module === "proxy") problems.push(`route ${r.prefix}: module name "${r.module}" is reserved`);
    const serviceUrl = config.serviceUrls[r.module] ?? r.url ?? DEFAULT_SERVICE_URLS[r.module];
    if (!serviceUrl) problems.push(`route ${r.prefix}: no URL for module "${r.module}" (set ${envName(r.module)} or "url" in the routes file)`);
    const upstream: UpstreamDefinition = { name: r.module, url: serviceUrl ?? "", settings: merge(defaults, r) };
    const seen = services.get(r.module);
    if (seen && JSON.stringify(seen) !== JSON.stringify(upstream))
      problems.push(`route ${r.prefix}: module "${r.module}" is declared twice with different url/settings`);
    services.set(r.module, seen ?? upstream);
    routes.push({ prefix: r.prefix, module: r.module, flag: r.flag, description: r.description, guard: { ...config.guard, ...r.guard }, shadowIgnore: r.shadow.ignore });
  }
  if (problems.length) throw new ConfigError(problems.map((p) => `${config.routesFile}: ${p}`));
  return { monolith, services: [...services.values()], routes };
}

export const envName = (module: string): string => `${module.toUpperCase().replaceAll("-", "_")}_SERVICE_URL`;

function merge(
  defaults: UpstreamSettings,
  o: { timeoutMs?: number; maxConcurrent?: number; breaker?: Partial<BreakerSettings> },
): UpstreamSettings {
  return {
    timeoutMs: o.timeoutMs ?? defaults.timeoutMs,
    maxConcurrent: o.maxConcurrent ?? defaults.maxConcurrent,
    breaker: { ...defaults.breaker, ...o.breaker },
  };
}
