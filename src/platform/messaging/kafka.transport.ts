import { Kafka, logLevel, Partitioners, type Producer, type LogEntry } from "kafkajs";
import { withTimeout } from "../async/with-timeout.js";
import type { Logger } from "../logger/logger.js";
import { createGroupMember, type GroupMember } from "./kafka-consumer.js";
import type { MessageTransport, OutboundMessage, Subscription, TransportDescription } from "./transport.js";

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  topicPartitions: number;
  replicationFactor: number;
  /** Prefix of every topic and consumer-group id on the cluster; modules and handlers only see the plain names. */
  namespace?: string;
  logger: Logger;
  /** A consumer restarted this many times in a row without handling a message fails readiness; 0/absent = never. */
  unreadyAfterCrashes?: number;
}

const DISCONNECT_TIMEOUT_MS = 5_000;

// kafkajs logs through our logger (one format, request ids and all).
function logCreator(logger: Logger) {
  const log = logger.child({ component: "kafkajs" });
  return () =>
    ({ level, log: { message, ...extra } }: LogEntry) => {
      const meta = { ...extra, timestamp: undefined, logger: undefined };
      if (level <= logLevel.ERROR) log.error(message, meta);
      else if (level === logLevel.WARN) log.warn(message, meta);
      else if (level === logLevel.INFO) log.info(message, meta);
      else log.debug(message, meta);
    };
}

const DESCRIBE_WAIT_MS = 2_000;

export function createKafkaTransport(options: KafkaTransportOptions): MessageTransport {
  const ns = options.namespace ?? "";
  const onCluster = (name: string) => ns + name;
  const fromCluster = (topic: string) => (topic.startsWith(ns) ? topic.slice(ns.length) : topic);
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: logCreator(options.logger),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
  });
  const admin = kafka.admin();
  // Idempotent producer: no duplicates from producer retries, order kept per partition (1 in flight).
  // Partitioner named explicitly (kafkajs warns otherwise): murmur2 of the key, as Java clients do.
  const newProducer = (): Producer =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  let producer = newProducer();
  const members: GroupMember[] = [];
  let producerConnected: Promise<void> | undefined;
  let adminConnected: Promise<void> | undefined;

  const connectProducer = () =>
    (producerConnected ??= producer.connect().catch((e) => {
      producerConnected = undefined;
      throw e;
    }));
  const connectAdmin = () =>
    (adminConnected ??= admin.connect().catch((e) => {
      adminConnected = undefined;
      throw e;
    }));

  /**
   * An idempotent producer whose sequence numbers no longer match the broker's (kafkajs after a broker restart or
   * a leader change mid-send) gets OUT_OF_ORDER_SEQUENCE_NUMBER on every later send to that partition: it never
   * recovers by itself, and the outbox would stop for good. A new producer gets a new producer id and fresh
   * sequences; the old one is dropped (its disconnect bounded, in the background).
   */
  async function resetProducer(cause: unknown) {
    const old = producer;
    const wasConnected = producerConnected;
    producer = newProducer();
    producerConnected = undefined;
    options.logger.warn("kafka producer replaced: its idempotent sequence no longer matched the broker's", {
      error: cause instanceof Error ? cause.message : String(cause),
    });
    if (wasConnected) void withTimeout(old.disconnect(), DISCONNECT_TIMEOUT_MS, "kafka producer disconnect").catch(() => undefined);
  }

  async function ping() {
    await connectAdmin();
    await admin.describeCluster();
  }

  /** Messages on `topics` that the group has not committed yet (a partition with no commit counts from its start). */
  async function groupLag(groupId: string, topics: string[]): Promise<number> {
    const committed = await admin.fetchOffsets({ groupId, topics });
    let lag = 0;
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const done = partitions.find((p) => p.partition === end.partition)?.offset ?? "-1";
        lag += Number(end.high) - (Number(done) >= 0 ? Number(done) : Number(end.low));
      }
    }
    return lag;
  }

  /**
   * Until every partition of the new topics has a leader. Not kafkajs's `waitForLeaders`: that gives up on the
   * UNKNOWN_TOPIC_OR_PARTITION a KRaft broker answers while it still propagates new topics (seen right after a
   * broker restart), which would fail a start-up that only had to wait a moment.
   */
  async function waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics })
        .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`kafka topics ${topics.join(", ")} have no partition leaders after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    kind: "kafka",
    async ensureTopics(topics: string[]) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const missing = topics.map(onCluster).filter((t) => !existing.has(t));
      if (!missing.length) return;
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: options.topicPartitions, replicationFactor: options.replicationFactor })),
      });
      await waitForLeaders(missing);
      options.logger.info("kafka topics created", { topics: missing, partitions: options.topicPartitions, replicationFactor: options.replicationFactor });
    },
    async publish(topic: string, messages: OutboundMessage[]) {
      await connectProducer();
      try {
        await producer.send({
          topic: onCluster(topic),
          acks: -1,
          messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        });
      } catch (e) {
        if (lostProducerState(e)) await resetProducer(e);
        throw e; // the caller (the outbox relay) retries: its rows go out again, the consumers' inbox drops copies
      }
    },
    async subscribe(subscription: Subscription) {
      const member = createGroupMember({
        kafka,
        subscription,
        onCluster,
        fromCluster,
        partitionsConsumedConcurrently: options.topicPartitions,
        logger: options.logger,
      });
      members.push(member);
      await member.start();
    },
    async checkConsumers() {
      const limit = options.unreadyAfterCrashes ?? 0;
      const looping = members.map((m) => m.description()).filter((d) => limit > 0 && d.crashesInARow >= limit);
      if (looping.length)
        throw new Error(`consumer crash loop: ${looping.map((d) => `${d.groupId} crashed ${d.crashesInARow} times in a row (${d.lastError ?? "?"})`).join("; ")}`);
    },
    ping,
    async describe(): Promise<TransportDescription> {
      const consumerList = (lags: (number | undefined)[] = []) => members.map((m, i) => (lags[i] === undefined ? m.description() : { ...m.description(), lag: lags[i] }));
      let timer: NodeJS.Timeout | undefined;
      try {
        // kafkajs retries for longer than a diagnostic should wait: a broker that does not answer soon is down.
        await Promise.race([ping(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${DESCRIBE_WAIT_MS} ms`)), DESCRIBE_WAIT_MS)))]);
      } catch (e) {
        return { kind: "kafka", broker: { status: "down", error: e instanceof Error ? e.message : String(e) }, consumers: consumerList() };
      } finally {
        clearTimeout(timer);
      }
      const lags = await Promise.all(members.map((m) => groupLag(onCluster(m.description().groupId), m.topics).catch(() => undefined)));
      return { kind: "kafka", broker: { status: "up" }, consumers: consumerList(lags) };
    },
    async close() {
      // Bounded: a consumer still restarting after a broker outage can wait forever in disconnect(). Shutdown then
      // goes on; the group rebalances the partitions away once the session times out.
      const bounded = async (what: string, p: Promise<unknown> | false | undefined) => {
        if (p) await withTimeout(p, DISCONNECT_TIMEOUT_MS, `kafka ${what} disconnect`).catch((e: Error) => options.logger.warn(`${e.message}; stopping anyway`));
      };
      await Promise.allSettled(members.map((m) => bounded("consumer", m.stop())));
      await Promise.allSettled([bounded("producer", producerConnected && producer.disconnect()), bounded("admin", adminConnected && admin.disconnect())]);
    },
  };
}

/** Producer-state errors a new producer (new id, fresh sequences) cures; kafkajs nests them in retry errors. */
const PRODUCER_STATE_ERRORS = new Set(["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_EPOCH"]);

export function lostProducerState(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const err = e as { type?: string; cause?: unknown; errors?: unknown[] };
  if (err.type !== undefined && PRODUCER_STATE_ERRORS.has(err.type)) return true;
  return lostProducerState(err.cause, depth + 1) || (Array.isArray(err.errors) && err.errors.some((x) => lostProducerState(x, depth + 1)));
}
