import Joi from "joi";
import { ConfigError, LOG_LEVEL, loadEnv, type EnvValues } from "./load-env.js";

export { ConfigError };

/**
 * Every setting of every role, validated once at start-up by one Joi schema (abortEarly: false, so all
 * problems are reported together). Modules never read process.env: they receive this object.
 */
export interface AppConfig {
  readonly nodeEnv: "development" | "production" | "test";
  readonly logLevel: string;
  readonly host: string;
  readonly port?: number;
  readonly databaseUrl?: string;
  readonly dbPoolSize: number;
  readonly dataDir: string;
  readonly bodyLimit: string;
  readonly shutdownTimeoutMs: number;
  /** SIGTERM → /ready 503 and `Connection: close` for this long, still serving, before the listener closes. */
  readonly shutdownDrainMs: number;
  readonly jwt: { readonly secret?: string; readonly jwksUrl?: string; readonly issuer: string; readonly audience?: string };
  readonly services: { readonly usersUrl?: string; readonly inventoryUrl?: string; readonly timeoutMs: number };
  /**
   * Shadowed writes (issue 14): the secret the proxy signs them with (none: every shadow is refused), how many run
   * dry at once (each holds a pooled connection), and how long one dry run's transaction may stay open.
   */
  readonly shadow: { readonly secret?: string; readonly maxInFlight: number; readonly timeoutMs: number };
  readonly kafka: {
    readonly brokers?: string[];
    readonly clientId: string;
    readonly topicPartitions: number;
    readonly replicationFactor: number;
    /** Prefix of every topic and consumer-group id ("" = the exact names of API.md and the fixed group ids). */
    readonly namespace: string;
    /** A consumer that crashed (and was restarted) this many times in a row without handling a message fails /ready; 0 = never. */
    readonly unreadyAfterCrashes: number;
  };
  readonly outbox: {
    readonly pollMs: number;
    /** Rows of the first claim; claims double while they come back full… */
    readonly batchSize: number;
    /** …up to this many rows (one publish per topic of a claim). */
    readonly maxBatchSize: number;
    readonly leaseMs: number;
    /** Failed publishes of one row (the broker answering) before it is parked. */
    readonly maxAttempts: number;
    /** Sent outbox rows, processed inbox rows and idempotency keys older than this are purged… */
    readonly retentionMs: number;
    /** …every this often. */
    readonly purgeIntervalMs: number;
  };
}

const schema = Joi.object({
  NODE_ENV: Joi.string().valid("development", "production", "test").default("development"),
  LOG_LEVEL,
  HOST: Joi.string().hostname().default("0.0.0.0"),
  PORT: Joi.number().port(),
  DATABASE_URL: Joi.string().uri({ scheme: ["postgres", "postgresql"] }),
  DB_POOL_SIZE: Joi.number().integer().min(1).max(200).default(10),
  DATA_DIR: Joi.string().default("./data"),
  BODY_LIMIT: Joi.string().pattern(/^\d+(b|kb|mb)$/i).default("100kb"),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(0).default(10_000),
  SHUTDOWN_DRAIN_MS: Joi.number().integer().min(0).max(300_000).default(0),
  JWT_SECRET: Joi.string().min(32).messages({ "string.min": "JWT_SECRET must be at least 32 characters (HS256)" }),
  JWT_JWKS_URL: Joi.string().uri({ scheme: ["http", "https"] }),
  JWT_ISSUER: Joi.string().default("strangler"),
  JWT_AUDIENCE: Joi.string(),
  USERS_SERVICE_URL: Joi.string().uri({ scheme: ["http", "https"] }),
  INVENTORY_SERVICE_URL: Joi.string().uri({ scheme: ["http", "https"] }),
  SERVICE_TIMEOUT_MS: Joi.number().integer().min(10).default(2_000),
  SHADOW_SECRET: Joi.string().min(32).messages({ "string.min": "SHADOW_SECRET must be at least 32 characters" }),
  SHADOW_DRY_RUN_MAX: Joi.number().integer().min(1).max(200),
  SHADOW_DRY_RUN_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(10_000),
  KAFKA_BROKERS: Joi.string().pattern(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/).message("KAFKA_BROKERS must be host:port[,host:port…]"),
  KAFKA_CLIENT_ID: Joi.string().default("strangler"),
  KAFKA_TOPIC_PARTITIONS: Joi.number().integer().min(1).default(3),
  KAFKA_REPLICATION_FACTOR: Joi.number().integer().min(1).default(1),
  // For teams sharing one cluster and for tests sharing one broker: `team-a.` → topic `team-a.order-placed`,
  // group `team-a.strangler.inventory`. Topics and groups go together: kafkajs assigns every topic a group
  // subscribes to across all members, so one group must never span differently named topics.
  KAFKA_NAMESPACE: Joi.string().pattern(/^[a-zA-Z0-9._-]{1,100}$/).message("KAFKA_NAMESPACE may contain only letters, digits, '.', '_' and '-' (max 100)").default(""),
  OUTBOX_POLL_MS: Joi.number().integer().min(10).default(1_000),
  OUTBOX_BATCH_SIZE: Joi.number().integer().min(1).max(1000).default(100),
  OUTBOX_MAX_BATCH_SIZE: Joi.number().integer().min(1).max(5000).default(1000),
  OUTBOX_LEASE_MS: Joi.number().integer().min(1000).default(30_000),
  OUTBOX_MAX_ATTEMPTS: Joi.number().integer().min(1).max(1000).default(10),
  RETENTION_MS: Joi.number().integer().min(1000).default(7 * 24 * 3_600_000),
  RETENTION_PURGE_INTERVAL_MS: Joi.number().integer().min(100).default(3_600_000),
  CONSUMER_UNREADY_AFTER_CRASHES: Joi.number().integer().min(0).default(5),
})
  .oxor("JWT_SECRET", "JWT_JWKS_URL")
  // A JWKS (an identity provider's keys) signs tokens for other applications too: only the audience tells ours apart.
  .with("JWT_JWKS_URL", "JWT_AUDIENCE")
  .messages({ "object.with": "JWT_AUDIENCE is required with JWT_JWKS_URL (tokens of the identity provider's other applications must not pass)" })
  .unknown(true);

/**
 * Validates `env` (default process.env) and returns a frozen typed config, or throws ConfigError listing every problem.
 * `serving: false` for one-shot commands (migrate, token) that never verify tokens.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { serving = true }: { serving?: boolean } = {}): AppConfig {
  // A generated per-run secret is fine on one machine (embedded mode), never for replicas sharing a database.
  const check = (v: EnvValues): string[] =>
    serving && v.NODE_ENV === "production" && v.DATABASE_URL && !v.JWT_SECRET && !v.JWT_JWKS_URL
      ? ["JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production and DATABASE_URL is set"]
      : [];
  return loadEnv(schema, env, toAppConfig, { check });
}

function toAppConfig(v: EnvValues): AppConfig {
  return {
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    host: v.HOST,
    port: v.PORT,
    databaseUrl: v.DATABASE_URL,
    dbPoolSize: v.DB_POOL_SIZE,
    dataDir: v.DATA_DIR,
    bodyLimit: v.BODY_LIMIT,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: v.SHUTDOWN_DRAIN_MS,
    jwt: { secret: v.JWT_SECRET, jwksUrl: v.JWT_JWKS_URL, issuer: v.JWT_ISSUER, audience: v.JWT_AUDIENCE },
    services: { usersUrl: v.USERS_SERVICE_URL, inventoryUrl: v.INVENTORY_SERVICE_URL, timeoutMs: v.SERVICE_TIMEOUT_MS },
    // By default half the pool: real requests always keep the other half.
    shadow: { secret: v.SHADOW_SECRET, maxInFlight: v.SHADOW_DRY_RUN_MAX ?? Math.max(1, Math.floor(v.DB_POOL_SIZE / 2)), timeoutMs: v.SHADOW_DRY_RUN_TIMEOUT_MS },
    kafka: {
      brokers: v.KAFKA_BROKERS?.split(","),
      clientId: v.KAFKA_CLIENT_ID,
      topicPartitions: v.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: v.KAFKA_REPLICATION_FACTOR,
      namespace: v.KAFKA_NAMESPACE,
      unreadyAfterCrashes: v.CONSUMER_UNREADY_AFTER_CRASHES,
    },
    outbox: {
      pollMs: v.OUTBOX_POLL_MS,
      batchSize: v.OUTBOX_BATCH_SIZE,
      maxBatchSize: v.OUTBOX_MAX_BATCH_SIZE,
      leaseMs: v.OUTBOX_LEASE_MS,
      maxAttempts: v.OUTBOX_MAX_ATTEMPTS,
      retentionMs: v.RETENTION_MS,
      purgeIntervalMs: v.RETENTION_PURGE_INTERVAL_MS,
    },
  };
}

