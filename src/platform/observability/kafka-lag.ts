import { Kafka, logLevel, type Admin } from "kafkajs";
import { withTimeout } from "../async/with-timeout.js";
import type { Logger } from "../logger/logger.js";
import { sharedGauge, startPolling, type Sample } from "./periodic-gauge.js";

export const CONSUMER_LAG_METRIC = "strangler_consumer_lag_messages";
type LagLabel = "group" | "topic" | "partition";

/**
 * Per partition of every topic the group has committed offsets on: end offset minus the committed offset (a
 * partition without a commit counts from its start). A group that never committed has no series yet.
 */
export async function measureLag(admin: Admin, groupId: string): Promise<Sample<LagLabel>[]> {
  const committed = await admin.fetchOffsets({ groupId });
  const samples: Sample<LagLabel>[] = [];
  for (const { topic, partitions } of committed) {
    for (const end of await admin.fetchTopicOffsets(topic)) {
      const done = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? "-1");
      const lag = Number(end.high) - (done >= 0 ? done : Number(end.low));
      samples.push({ labels: { group: groupId, topic, partition: String(end.partition) }, value: Math.max(0, lag) });
    }
  }
  return samples;
}

/**
 * `strangler_consumer_lag_messages{group,topic,partition}` of this role's consumer groups (names as on the cluster,
 * i.e. with KAFKA_NAMESPACE), measured every `intervalMs` with an admin client of its own. Never blocks or fails
 * start-up: while the broker is away the measurement fails (logged once) and the gauge keeps its last values.
 * @example const lag = startKafkaLag({ brokers, clientId, groups: ["strangler.inventory"], logger });
 */
export function startKafkaLag(args: {
  brokers: string[];
  clientId: string;
  /** Consumer group ids as on the cluster (with KAFKA_NAMESPACE). */
  groups: readonly string[];
  logger: Logger;
  intervalMs?: number;
}) {
  const kafka = new Kafka({ clientId: `${args.clientId}-lag`, brokers: args.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 5_000, retry: { retries: 0 } });
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  const connect = () =>
    (connected ??= admin.connect().catch((e) => {
      connected = undefined;
      throw e;
    }));
  const gauge = sharedGauge(CONSUMER_LAG_METRIC, "Messages on the topic partition the consumer group has not committed yet", ["group", "topic", "partition"] as const);
  const intervalMs = args.intervalMs ?? 15_000;
  const poller = startPolling({
    gauge,
    intervalMs,
    logger: args.logger.child({ component: "kafka-lag" }),
    measure: () =>
      withTimeout(
        (async () => {
          await connect();
          const perGroup = await Promise.all(args.groups.map((g) => measureLag(admin, g)));
          return perGroup.flat();
        })(),
        Math.max(intervalMs, 5_000),
        "kafka lag measurement",
      ),
  });
  return {
    tick: poller.tick,
    async stop() {
      poller.stop();
      if (connected) await withTimeout(admin.disconnect(), 5_000, "kafka lag admin disconnect").catch(() => undefined);
    },
  };
}
