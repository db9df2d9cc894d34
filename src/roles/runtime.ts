import { openDatabase, type Database } from "../platform/db/database.js";
import { createAuth, type Auth } from "../platform/auth/auth.js";
import { announceRunSecret, generateRunSecret } from "../platform/auth/jwt-secret.js";
import type { AppConfig } from "../platform/config/config.js";
import type { Logger } from "../platform/logger/logger.js";
import { createInProcessTransport } from "../platform/messaging/in-process.transport.js";
import { createKafkaTransport } from "../platform/messaging/kafka.transport.js";
import type { MessageTransport } from "../platform/messaging/transport.js";
import { DEAD_LETTER_TOPIC } from "../platform/messaging/transport.js";
import type { HealthDetail, ReadinessCheck } from "../platform/health/health.router.js";

/** What every role shares in one process: database, event transport, auth, readiness checks and diagnostics. */
export interface Runtime {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly db: Database;
  readonly transport: MessageTransport;
  readonly auth: Auth;
  /** Only what serving needs: the database, and not shutting down. */
  readonly readiness: ReadinessCheck[];
  /** GET /health/details: messaging (broker, consumers) and, once messaging starts, each relayed outbox. */
  readonly details: HealthDetail[];
  /** SIGTERM: /ready fails from now on (`shutdown`), so the endpoint leaves the Service while it still serves. */
  beginShutdown(): void;
  close(): Promise<void>;
}

export async function createRuntime(config: AppConfig, logger: Logger): Promise<Runtime> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize, dataDir: config.dataDir, logger });
  const transport = config.kafka.brokers
    ? createKafkaTransport({ ...config.kafka, brokers: config.kafka.brokers, logger })
    : createInProcessTransport(logger);
  const auth = createAuth({ ...config.jwt, secret: config.jwt.secret ?? (config.jwt.jwksUrl ? undefined : await runSecret(config, logger)) });
  let shuttingDown = false;
  const readiness: ReadinessCheck[] = [
    { name: "database", check: () => db.ping() },
    {
      name: "shutdown",
      check: async () => {
        if (shuttingDown) throw new Error("shutting down");
      },
    },
    // Not the broker: only a consumer of this process stuck in a crash loop (docs/events.md, "Consumers").
    ...(transport.kind === "kafka" ? [{ name: "consumers", check: () => transport.checkConsumers() }] : []),
  ];
  // Kafka is not a readiness check: the outbox buffers events while the broker is away, and orders are still
  // accepted (docs/events.md). Taking every pod out of service for a broker outage would turn it into a full one.
  const details: HealthDetail[] = [{ name: "messaging", describe: () => transport.describe() }];
  return {
    config,
    logger,
    db,
    transport,
    auth,
    readiness,
    details,
    beginShutdown() {
      shuttingDown = true;
    },
    async close() {
      await transport.close();
      await db.close();
    },
  };
}

/** Topics of the modules in this process, plus the dead-letter topic, created explicitly (never broker auto-create). */
export const ensureTopics = (rt: Runtime, topics: readonly string[]) => rt.transport.ensureTopics([...topics, DEAD_LETTER_TOPIC]);

async function runSecret(config: AppConfig, logger: Logger): Promise<string> {
  const secret = generateRunSecret(config.dataDir);
  await announceRunSecret({ secret, nodeEnv: config.nodeEnv, issuer: config.jwt.issuer, audience: config.jwt.audience, logger });
  return secret;
}
