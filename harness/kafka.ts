import { randomBytes } from "node:crypto";
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders } from "kafkajs";
import { serviceScript } from "./local-services.js";
import { eventually } from "./wait.js";

/**
 * Real-Kafka helpers for tests/events. Every test file works in its own KAFKA_NAMESPACE (random per run), so
 * files, runs and the fixed consumer-group names never see each other's messages on the shared broker.
 * A missing broker fails loudly (no skip).
 */
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";

export const newNamespace = (label: string) => `it-${label}-${randomBytes(4).toString("hex")}.`;

/** Environment of an app/process on the real broker in namespace `ns`. */
export const kafkaEnv = (ns: string, extra: Record<string, string> = {}): Record<string, string> => ({
  KAFKA_BROKERS,
  KAFKA_NAMESPACE: ns,
  OUTBOX_POLL_MS: "200",
  ...extra,
});

export const testKafka = () => new Kafka({ clientId: "strangler-tests", brokers: KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING });

export interface SeenMessage {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const headersOf = (h: IHeaders | undefined) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v ?? "")]));

/**
 * Reads `topics` (plain names, in namespace `ns`) from the beginning with its own consumer group and keeps every
 * message, so a test can assert what went over the wire: key, headers, envelope.
 */
export async function watchTopics(ns: string, topics: string[]) {
  const consumer: Consumer = testKafka().consumer({ groupId: `${ns}test-watcher`, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const seen: SeenMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: topics.map((t) => ns + t), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      seen.push({ topic: topic.slice(ns.length), partition, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers: headersOf(message.headers) });
    },
  });
  return {
    seen,
    /** The first message matching `match` (bounded wait). */
    find(match: (m: SeenMessage) => boolean, what: string, timeoutMs = 15_000) {
      return eventually(async () => seen.find(match), what, timeoutMs);
    },
    close: () => consumer.disconnect(),
  };
}

/** A raw producer (not the app's): for redeliveries and malformed messages. */
export async function rawProducer() {
  const producer = testKafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** True once consumer group `groupId` has committed every message of `topic` (it has caught up). */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.every((e) => Number(e.high) === 0 || (done.get(e.partition) ?? -1) >= Number(e.high));
}

/** Deletes the namespace's topics and consumer groups (the broker keeps data between runs). Best effort. */
export async function dropNamespace(ns: string): Promise<void> {
  await withAdmin(async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ns));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => {});
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ns));
    if (groups.length) await admin.deleteGroups(groups).catch(() => {});
  }).catch(() => {});
}

/** The project's broker script (scripts/services/kafka.sh): stop keeps the data, start waits until it answers. */
export const broker = (action: "stop" | "start" | "status"): Promise<void> => serviceScript("kafka", action, 90_000);
