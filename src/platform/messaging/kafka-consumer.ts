import type { Consumer, ConsumerRunConfig, Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "../logger/logger.js";
import { consumerRestarts, setConsumerState } from "../outbox/outbox-metrics.js";
import type { ConsumerDescription, InboundMessage, Subscription } from "./transport.js";

export interface GroupMemberOptions {
  kafka: Kafka;
  subscription: Subscription;
  /** The group id and topics as they are named on the cluster (namespace applied), and back. */
  onCluster: (name: string) => string;
  fromCluster: (topic: string) => string;
  partitionsConsumedConcurrently: number;
  /** Most messages handed to `handleBatch` at once (one transaction in the set-based consumers). */
  maxBatchSize?: number;
  logger: Logger;
}

const DEFAULT_MAX_BATCH = 200;

const restartDelayMs = (n: number) => Math.min(1_000 * 2 ** Math.min(n - 1, 5), 30_000);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * This process' member of one consumer group. kafkajs restarts a consumer by itself after a retriable failure
 * (broker gone, retries exhausted), but not after a non-retriable one — e.g. a handler throwing a TypeError: it
 * emits CRASH with `restart: false` and the consumer stays dead while /ready says 200 and orders stay Pending. Then
 * this member starts a fresh consumer itself, with backoff (1 s doubling to 30 s), for as long as the process runs,
 * counting `strangler_consumer_restarts_total`. `crashesInARow` (reset by a handled message) tells a crash loop.
 */
export function createGroupMember(o: GroupMemberOptions) {
  const { subscription, logger } = o;
  const groupId = subscription.groupId;
  const topics = subscription.topics.map(o.onCluster);
  const state: ConsumerDescription & { crashesInARow: number } = { groupId, state: "starting", restarts: 0, crashesInARow: 0 };
  const log = logger.child({ component: "kafka-consumer", groupId });
  let consumer: Consumer | undefined;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const setState = (s: ConsumerDescription["state"]) => {
    state.state = s;
    setConsumerState(groupId, s);
  };
  setState("starting");

  async function start(): Promise<void> {
    const c = o.kafka.consumer({
      groupId: o.onCluster(groupId),
      allowAutoTopicCreation: false,
      // A member that died (crash, kill -9) is noticed after 10 s instead of kafkajs' 30 s default, so its
      // partitions move to a live instance quickly; heartbeats every second keep healthy members in.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    consumer = c;
    c.on(c.events.GROUP_JOIN, () => {
      setState("running");
      state.lastError = undefined;
    });
    c.on(c.events.CRASH, ({ payload }) => {
      setState("crashed");
      state.lastError = messageOf(payload.error);
      if (!payload.restart) onFatalCrash(c);
    });
    c.on(c.events.STOP, () => {
      if (stopped) setState("stopped"); // kafkajs also stops a consumer on its way to a crash or a restart
    });
    await c.connect();
    // fromBeginning applies only when the group has no committed offset yet (its first start);
    // afterwards the group resumes from its committed offsets — it never replays everything on restart.
    await c.subscribe({ topics, fromBeginning: true });
    await c.run({
      autoCommit: true,
      // partitions are handled in parallel, each in order (one order's events share a partition: key = orderId)
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently,
      ...(subscription.handleBatch ? batchRunner(subscription.handleBatch) : messageRunner()),
    });
  }

  const inboundOf = (topic: string, partition: number, message: KafkaMessage): InboundMessage => ({
    topic: o.fromCluster(topic),
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: headersOf(message.headers),
    position: `${topic}/${partition}@${message.offset}`,
  });

  function messageRunner(): Pick<ConsumerRunConfig, "eachMessage"> {
    return {
      eachMessage: async ({ topic, partition, message }) => {
        await subscription.handle(inboundOf(topic, partition, message)); // a rejection makes kafkajs retry the message (no commit)
        state.crashesInARow = 0;
      },
    };
  }

  /**
   * One fetch of a partition, handed over in chunks of at most `maxBatchSize` messages. Offsets are resolved only
   * for what was handled (auto-resolve off): a failure mid-batch makes kafkajs redeliver from the first message not
   * handled; the resolved ones are committed. A heartbeat after every chunk keeps a long batch inside the session.
   */
  function batchRunner(handleBatch: NonNullable<Subscription["handleBatch"]>): Pick<ConsumerRunConfig, "eachBatch" | "eachBatchAutoResolve"> {
    const size = Math.max(1, o.maxBatchSize ?? DEFAULT_MAX_BATCH);
    return {
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let start = 0; start < batch.messages.length; start += size) {
          if (!isRunning() || isStale()) return; // stopping, or the partition moved away in a rebalance
          const chunk = batch.messages.slice(start, start + size);
          const offsets = new Map<InboundMessage, string>();
          const inbound = chunk.map((message) => {
            const m = inboundOf(batch.topic, batch.partition, message);
            offsets.set(m, message.offset);
            return m;
          });
          await handleBatch(inbound, (m) => {
            const offset = offsets.get(m);
            if (offset !== undefined) resolveOffset(offset);
            state.crashesInARow = 0;
          });
          resolveOffset(chunk[chunk.length - 1]!.offset);
          state.crashesInARow = 0;
          await heartbeat();
        }
      },
    };
  }

  function onFatalCrash(crashed: Consumer) {
    if (stopped || consumer !== crashed) return;
    state.crashesInARow++;
    const delayMs = restartDelayMs(state.crashesInARow);
    log.error("consumer crashed and kafkajs will not restart it: restarting", { error: state.lastError, crashesInARow: state.crashesInARow, restartInMs: delayMs });
    scheduleRestart(crashed, state.crashesInARow);
  }

  function scheduleRestart(previous: Consumer, attempt: number) {
    const delayMs = restartDelayMs(attempt);
    restartTimer = setTimeout(async () => {
      restartTimer = undefined;
      if (stopped) return;
      await previous.disconnect().catch(() => undefined);
      setState("starting");
      state.restarts = (state.restarts ?? 0) + 1;
      consumerRestarts.inc({ group: groupId });
      try {
        await start();
      } catch (e) {
        // The broker does not answer: try again later (a broker outage is not a crash of ours, nothing counted).
        state.lastError = messageOf(e);
        log.warn("consumer restart failed, retrying", { error: state.lastError, retryInMs: restartDelayMs(attempt + 1) });
        if (consumer) scheduleRestart(consumer, attempt + 1);
      }
    }, delayMs);
    restartTimer.unref();
  }

  return {
    start,
    topics,
    description: (): ConsumerDescription & { crashesInARow: number } => ({ ...state }),
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      await consumer?.disconnect();
    },
  };
}

export type GroupMember = ReturnType<typeof createGroupMember>;

const headersOf = (h: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v ?? "")]));
