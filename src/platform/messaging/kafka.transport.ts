import { Kafka, logLevel, Partitioners, type Consumer, type Producer, type LogEntry } from "kafkajs";
import { withTimeout } from "../async/with-timeout.js";
import type { Logger } from "../logger/logger.js";
import type { ConsumerDescription, InboundMessage, MessageTransport, OutboundMessage, Subscription, TransportDescription } from "./transport.js";

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  topicPartitions: number;
  replicationFactor: number;
  /** Prefix of every topic and consumer-group id on the cluster; modules and handlers only see the plain names. */
  namespace?: string;
  logger: Logger;
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

const headersOf = (h: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v ?? "")]));

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
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumers: Consumer[] = [];
  const members: (ConsumerDescription & { topics: string[] })[] = [];
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

  return {
    kind: "kafka",
    async ensureTopics(topics: string[]) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const missing = topics.map(onCluster).filter((t) => !existing.has(t));
      if (!missing.length) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: options.topicPartitions, replicationFactor: options.replicationFactor })),
      });
      options.logger.info("kafka topics created", { topics: missing, partitions: options.topicPartitions, replicationFactor: options.replicationFactor });
    },
    async publish(topic: string, messages: OutboundMessage[]) {
      await connectProducer();
      await producer.send({
        topic: onCluster(topic),
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    },
    async subscribe(subscription: Subscription) {
      const consumer = kafka.consumer({
        groupId: onCluster(subscription.groupId),
        allowAutoTopicCreation: false,
        // A member that died (crash, kill -9) is noticed after 10 s instead of kafkajs' 30 s default, so its
        // partitions move to a live instance quickly; heartbeats every second keep healthy members in.
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
      });
      consumers.push(consumer);
      const member: (typeof members)[number] = { groupId: subscription.groupId, state: "starting", topics: subscription.topics.map(onCluster) };
      members.push(member);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        member.state = "running";
        member.lastError = undefined;
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        member.state = "crashed";
        member.lastError = String(payload.error?.message ?? payload.error);
      });
      consumer.on(consumer.events.STOP, () => {
        member.state = "stopped";
      });
      await consumer.connect();
      // fromBeginning applies only when the group has no committed offset yet (its first start);
      // afterwards the group resumes from its committed offsets — it never replays everything on restart.
      await consumer.subscribe({ topics: subscription.topics.map(onCluster), fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        // partitions are handled in parallel, each in order (one order's events share a partition: key = orderId)
        partitionsConsumedConcurrently: options.topicPartitions,
        eachMessage: async ({ topic, partition, message }) => {
          const inbound: InboundMessage = {
            topic: fromCluster(topic),
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headersOf(message.headers),
            position: `${topic}/${partition}@${message.offset}`,
          };
          await subscription.handle(inbound); // a rejection makes kafkajs retry the message (no commit)
        },
      });
    },
    ping,
    async describe(): Promise<TransportDescription> {
      const consumerList = (lags: (number | undefined)[] = []) => members.map(({ topics: _t, ...m }, i) => (lags[i] === undefined ? m : { ...m, lag: lags[i] }));
      let timer: NodeJS.Timeout | undefined;
      try {
        // kafkajs retries for longer than a diagnostic should wait: a broker that does not answer soon is down.
        await Promise.race([ping(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${DESCRIBE_WAIT_MS} ms`)), DESCRIBE_WAIT_MS)))]);
      } catch (e) {
        return { kind: "kafka", broker: { status: "down", error: e instanceof Error ? e.message : String(e) }, consumers: consumerList() };
      } finally {
        clearTimeout(timer);
      }
      const lags = await Promise.all(members.map((m) => groupLag(onCluster(m.groupId), m.topics).catch(() => undefined)));
      return { kind: "kafka", broker: { status: "up" }, consumers: consumerList(lags) };
    },
    async close() {
      // Bounded: a consumer still restarting after a broker outage can wait forever in disconnect(). Shutdown then
      // goes on; the group rebalances the partitions away once the session times out.
      const bounded = async (what: string, p: Promise<unknown> | false | undefined) => {
        if (p) await withTimeout(p, DISCONNECT_TIMEOUT_MS, `kafka ${what} disconnect`).catch((e: Error) => options.logger.warn(`${e.message}; stopping anyway`));
      };
      await Promise.allSettled(consumers.map((c) => bounded("consumer", c.disconnect())));
      await Promise.allSettled([bounded("producer", producerConnected && producer.disconnect()), bounded("admin", adminConnected && admin.disconnect())]);
    },
  };
}
