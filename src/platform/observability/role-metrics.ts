import type { AppConfig } from "../config/config.js";
import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../logger/logger.js";
import type { ModuleSchema } from "../outbox/outbox.js";
import { startKafkaLag } from "./kafka-lag.js";
import { startOutboxBacklog } from "./outbox-backlog.js";

/**
 * The app role's own metrics on the default register (GET /metrics): the outbox backlog of the modules whose relays
 * this role runs and, with Kafka, the lag of their consumer groups (`consumerGroups`: plain ids, without
 * KAFKA_NAMESPACE). Starts at once and never waits for the database or the broker.
 */
export function startRoleMetrics(args: { prisma: PrismaClient; config: AppConfig; logger: Logger; modules: readonly ModuleSchema[]; consumerGroups: readonly string[] }) {
  const backlog = startOutboxBacklog({ prisma: args.prisma, modules: args.modules, logger: args.logger });
  const { brokers, clientId, namespace } = args.config.kafka;
  const lag = brokers ? startKafkaLag({ brokers, clientId, groups: args.consumerGroups.map((g) => namespace + g), logger: args.logger }) : undefined;
  return {
    async stop() {
      backlog.stop();
      await lag?.stop();
    },
  };
}
