import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Joi from "joi";
import { DEFAULT_PORTS } from "../../../src/platform/config/default-endpoints.js";
import { LOG_LEVEL, loadEnv, type EnvValues } from "../../../src/platform/config/load-env.js";

/** The packaged route table proxy/routes.yaml, found from proxy/src/config and from dist/proxy/src/config. */
export const DEFAULT_ROUTES_FILE = packagedRoutesFile();

function packagedRoutesFile(): string {
  const besideSources = fileURLToPath(new URL("../../routes.yaml", import.meta.url));
  const marker = `${path.sep}dist${path.sep}proxy${path.sep}`;
  const at = besideSources.lastIndexOf(marker);
  if (existsSync(besideSources) || at < 0) return besideSources;
  return `${besideSources.slice(0, at)}${path.sep}proxy${path.sep}${besideSources.slice(at + marker.length)}`;
}

export interface BreakerSettings {
  readonly errorThresholdPercentage: number;
  readonly resetTimeoutMs: number;
  readonly volumeThreshold: number;
  readonly rollingWindowMs: number;
}

/** Per-upstream limits: env UPSTREAM_* / BREAKER_* are the defaults, the routes file may override per route. */
export interface UpstreamSettings {
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly breaker: BreakerSettings;
}

/** The route guard (guard/): compares a route's service with the monolith over a window, rolls the route back. */
export interface GuardSettings {
  readonly enabled: boolean;
  readonly windowMs: number;
  /** Service answers the window needs before a verdict. */
  readonly minSamples: number;
  /** Trips when the service's 5xx rate exceeds the monolith's by more than this many percentage points. */
  readonly errorMarginPct: number;
  /** Trips when the service's p99 exceeds the monolith's × latencyRatio + latencySlackMs. */
  readonly latencyRatio: number;
  readonly latencySlackMs: number;
}

export interface FlagsConfig {
  /** `unleash` when UNLEASH_URL is set, else `file` (the flags file FLAGS_FILE, in Unleash's feature format). */
  readonly mode: "unleash" | "file";
  readonly unleashUrl?: string;
  readonly apiToken?: string;
  readonly adminToken?: string;
  readonly appName: string;
  readonly environment: string;
  readonly project: string;
  readonly refreshMs: number;
  readonly metricsIntervalMs: number;
  readonly timeoutMs: number;
  readonly backupDir: string;
  readonly flagsFile: string;
}

/** Everything the proxy reads from the environment, validated once (every problem listed). */
export interface ProxyConfig {
  readonly port: number;
  /** The admin server's port (status page, /metrics, /health/details; 0 = any free port). Never the public one. */
  readonly adminPort: number;
  readonly host: string;
  readonly logLevel: string;
  readonly routesFile: string;
  readonly monolithUrl?: string;
  /** `<MODULE>_SERVICE_URL` values that were set explicitly, keyed by lower-case module name. */
  readonly serviceUrls: Readonly<Record<string, string>>;
  readonly flags: FlagsConfig;
  readonly upstreamDefaults: UpstreamSettings;
  /** GUARD_* env variables: the defaults of every route's guard (the routes file may override per route). */
  readonly guard: GuardSettings;
  readonly healthPollMs: number;
  /** SIGTERM → /ready 503 and `Connection: close` for this long, still serving, before the listener closes. */
  readonly shutdownDrainMs: number;
  readonly healthTimeoutMs: number;
  readonly replayBodyMaxBytes: number;
  /** A request body is read this far (or whole) before the request takes an upstream slot (0 = stream at once). */
  readonly bodyBufferBytes: number;
  /** The whole request body must arrive within this long after the headers, else 408. */
  readonly bodyTimeoutMs: number;
  /** Bytes the sub cache of long Bearer tokens may hold (routing/subject-cache.ts); 0 = no cache. */
  readonly identityCacheMaxBytes: number;
  readonly cookie: { readonly name: string; readonly secure: boolean; readonly maxAgeS: number };
  /** Shadow traffic (shadow/): mirrors waiting and in flight, the body kept per answer, a mirror's deadline, samples kept. */
  readonly shadow: ShadowLimits;
}

export interface ShadowLimits {
  readonly queueMax: number;
  readonly concurrency: number;
  readonly bodyMaxBytes: number;
  readonly timeoutMs: number;
  readonly samples: number;
  /** SHADOW_SECRET: signs mirrored writes (X-Strangler-Shadow) so the service runs them dry; none = reads only. */
  readonly secret?: string;
}

const url = Joi.string().uri({ scheme: ["http", "https"] });
const ms = (min: number) => Joi.number().integer().min(min);

/** A token that only the given purpose (running the proxy, or `strangler flags`) needs, and only with UNLEASH_URL. */
const requiredWithUnleash = (purpose: "proxy" | "flags", message: string) =>
  Joi.string().when("UNLEASH_URL", {
    is: Joi.exist(),
    then: Joi.when("$purpose", { is: purpose, then: Joi.required().messages({ "any.required": message }) }),
  });

const schema = Joi.object({
  PORT: Joi.number().port().default(DEFAULT_PORTS.proxy),
  ADMIN_PORT: Joi.number().port().default(DEFAULT_PORTS.proxyAdmin),
  HOST: Joi.string().hostname().default("0.0.0.0"),
  LOG_LEVEL,
  ROUTES_FILE: Joi.string().default(DEFAULT_ROUTES_FILE),
  MONOLITH_URL: url,
  UNLEASH_URL: url,
  UNLEASH_API_TOKEN: requiredWithUnleash("proxy", '"UNLEASH_API_TOKEN" is required when UNLEASH_URL is set (a backend/client token)'),
  UNLEASH_ADMIN_TOKEN: requiredWithUnleash("flags", '"UNLEASH_ADMIN_TOKEN" is required when UNLEASH_URL is set (an admin token for the Admin API)'),
  UNLEASH_APP_NAME: Joi.string().pattern(/^[\w.-]{1,100}$/).default("strangler-proxy"),
  UNLEASH_ENVIRONMENT: Joi.string().default("development"),
  UNLEASH_PROJECT: Joi.string().default("default"),
  UNLEASH_METRICS_INTERVAL_MS: Joi.alternatives(Joi.valid(0), ms(1000)).default(60_000),
  UNLEASH_TIMEOUT_MS: ms(100).default(3_000),
  FLAGS_REFRESH_MS: ms(100).max(3_600_000).default(500),
  DATA_DIR: Joi.string().default("./data"),
  FLAGS_FILE: Joi.string(),
  UPSTREAM_TIMEOUT_MS: ms(10).default(10_000),
  UPSTREAM_MAX_CONCURRENCY: Joi.number().integer().min(1).max(100_000).default(1_000),
  BREAKER_ERROR_THRESHOLD_PERCENT: Joi.number().integer().min(1).max(100).default(50),
  BREAKER_RESET_TIMEOUT_MS: ms(100).default(5_000),
  BREAKER_VOLUME_THRESHOLD: Joi.number().integer().min(1).default(10),
  BREAKER_ROLLING_WINDOW_MS: ms(1_000).default(10_000),
  HEALTH_POLL_MS: ms(100).default(2_000),
  SHUTDOWN_DRAIN_MS: ms(0).max(300_000).default(0),
  HEALTH_TIMEOUT_MS: ms(50).default(1_000),
  REPLAY_BODY_MAX_BYTES: Joi.number().integer().min(0).max(64 * 1024 * 1024).default(256 * 1024),
  BODY_BUFFER_BYTES: Joi.number().integer().min(0).max(16 * 1024 * 1024).default(64 * 1024),
  BODY_TIMEOUT_MS: ms(100).max(3_600_000).default(30_000),
  IDENTITY_CACHE_MAX_BYTES: Joi.number().integer().min(0).max(256 * 1024 * 1024).default(1024 * 1024),
  GUARD_ENABLED: Joi.boolean().truthy("1").falsy("0").default(true),
  GUARD_WINDOW_MS: ms(1_000).max(3_600_000).default(60_000),
  GUARD_MIN_SAMPLES: Joi.number().integer().min(1).default(50),
  GUARD_ERROR_MARGIN_PCT: Joi.number().min(0).max(100).default(2),
  GUARD_LATENCY_RATIO: Joi.number().min(1).default(1.5),
  GUARD_LATENCY_SLACK_MS: Joi.number().min(0).default(50),
  SHADOW_QUEUE_MAX: Joi.number().integer().min(0).max(100_000).default(200),
  SHADOW_CONCURRENCY: Joi.number().integer().min(1).max(1_000).default(8),
  SHADOW_BODY_MAX_BYTES: Joi.number().integer().min(0).max(16 * 1024 * 1024).default(256 * 1024),
  SHADOW_TIMEOUT_MS: ms(10).max(600_000).default(5_000),
  SHADOW_SECRET: Joi.string().min(32).messages({ "string.min": "SHADOW_SECRET must be at least 32 characters" }),
  SHADOW_SAMPLES: Joi.number().integer().min(0).max(1_000).default(20),
  STICKY_COOKIE_NAME: Joi.string().pattern(/^[\w-]{1,64}$/).default("strangler_sid"),
  STICKY_COOKIE_SECURE: Joi.boolean().truthy("1").falsy("0").default(false),
  STICKY_COOKIE_MAX_AGE_S: Joi.number().integer().min(60).default(365 * 24 * 3600),
})
  .pattern(/^[A-Z][A-Z0-9_]*_SERVICE_URL$/, url)
  .unknown(true);

/**
 * Validates the proxy's environment (loadEnv: empty strings count as unset) and returns a frozen config;
 * throws ConfigError listing every problem.
 * @example const config = loadProxyConfig({ PORT: "8000", UNLEASH_URL: "http://127.0.0.1:4242/api", UNLEASH_API_TOKEN: "…" });
 */
export function loadProxyConfig(env: NodeJS.ProcessEnv = process.env, purpose: "proxy" | "flags" = "proxy"): ProxyConfig {
  return loadEnv(schema, env, toProxyConfig, { context: { purpose } });
}

function toProxyConfig(v: EnvValues): ProxyConfig {
  const serviceUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    const m = /^([A-Z][A-Z0-9_]*)_SERVICE_URL$/.exec(key);
    if (m && typeof value === "string") serviceUrls[m[1]!.toLowerCase().replaceAll("_", "-")] = value;
  }
  const dataDir = path.resolve(v.DATA_DIR);
  const breaker: BreakerSettings = {
    errorThresholdPercentage: v.BREAKER_ERROR_THRESHOLD_PERCENT,
    resetTimeoutMs: v.BREAKER_RESET_TIMEOUT_MS,
    volumeThreshold: v.BREAKER_VOLUME_THRESHOLD,
    rollingWindowMs: v.BREAKER_ROLLING_WINDOW_MS,
  };
  return {
    port: v.PORT,
    adminPort: v.ADMIN_PORT,
    host: v.HOST,
    logLevel: v.LOG_LEVEL,
    routesFile: path.resolve(v.ROUTES_FILE),
    monolithUrl: v.MONOLITH_URL,
    serviceUrls,
    flags: {
      mode: v.UNLEASH_URL ? "unleash" : "file",
      unleashUrl: v.UNLEASH_URL,
      apiToken: v.UNLEASH_API_TOKEN,
      adminToken: v.UNLEASH_ADMIN_TOKEN,
      appName: v.UNLEASH_APP_NAME,
      environment: v.UNLEASH_ENVIRONMENT,
      project: v.UNLEASH_PROJECT,
      refreshMs: v.FLAGS_REFRESH_MS,
      metricsIntervalMs: v.UNLEASH_METRICS_INTERVAL_MS,
      timeoutMs: v.UNLEASH_TIMEOUT_MS,
      backupDir: path.join(dataDir, "unleash-backup"),
      flagsFile: path.resolve(v.FLAGS_FILE ?? path.join(dataDir, "flags.json")),
    },
    upstreamDefaults: { timeoutMs: v.UPSTREAM_TIMEOUT_MS, maxConcurrent: v.UPSTREAM_MAX_CONCURRENCY, breaker },
    healthPollMs: v.HEALTH_POLL_MS,
    shutdownDrainMs: v.SHUTDOWN_DRAIN_MS,
    healthTimeoutMs: v.HEALTH_TIMEOUT_MS,
    replayBodyMaxBytes: v.REPLAY_BODY_MAX_BYTES,
    guard: {
      enabled: v.GUARD_ENABLED,
      windowMs: v.GUARD_WINDOW_MS,
      minSamples: v.GUARD_MIN_SAMPLES,
      errorMarginPct: v.GUARD_ERROR_MARGIN_PCT,
      latencyRatio: v.GUARD_LATENCY_RATIO,
      latencySlackMs: v.GUARD_LATENCY_SLACK_MS,
    },
    bodyBufferBytes: v.BODY_BUFFER_BYTES,
    bodyTimeoutMs: v.BODY_TIMEOUT_MS,
    identityCacheMaxBytes: v.IDENTITY_CACHE_MAX_BYTES,
    cookie: { name: v.STICKY_COOKIE_NAME, secure: v.STICKY_COOKIE_SECURE, maxAgeS: v.STICKY_COOKIE_MAX_AGE_S },
    shadow: { queueMax: v.SHADOW_QUEUE_MAX, concurrency: v.SHADOW_CONCURRENCY, bodyMaxBytes: v.SHADOW_BODY_MAX_BYTES, timeoutMs: v.SHADOW_TIMEOUT_MS, samples: v.SHADOW_SAMPLES, secret: v.SHADOW_SECRET },
  };
}

