import type { Logger } from "../logger/logger.js";
import { DEAD_LETTER_TOPIC, type InboundMessage, type MessageTransport, type OutboundMessage, type Subscription } from "./transport.js";

/**
 * Embedded mode's transport. `publish` resolves only after every subscribed group handled the messages, so the
 * relay marks an outbox row sent only once its consumers committed — nothing is lost if the process dies.
 * Like Kafka partitions, messages are spread over `lanes` by key: one key's messages are handled one at a time
 * and in order, different keys in parallel. A subscription with `handleBatch` gets each lane's share of a publish at once.
 */
export function createInProcessTransport(logger: Logger, lanes = 8): MessageTransport {
  const groups = new Map<string, { subscription: Subscription; tails: Promise<void>[] }>();
  let offset = 0;

  return {
    kind: "in-process",
    async ensureTopics() {},
    async publish(topic: string, messages: OutboundMessage[]) {
      if (topic === DEAD_LETTER_TOPIC)
        for (const m of messages) logger.error("dead-lettered event", { key: m.key, headers: m.headers, value: m.value.slice(0, 2_000) });
      const byLane = new Map<number, OutboundMessage[]>();
      for (const m of messages) {
        const lane = laneOf(m.key, lanes);
        const list = byLane.get(lane);
        if (list) list.push(m);
        else byLane.set(lane, [m]);
      }
      const deliveries: Promise<void>[] = [];
      for (const group of groups.values()) {
        if (!group.subscription.topics.includes(topic)) continue;
        for (const [lane, list] of byLane) {
          const run = group.tails[lane]!.then(async () => {
            const inbound = list.map((m): InboundMessage => ({ topic, key: m.key, value: m.value, headers: m.headers ?? {}, position: `in-process:${lane}:${++offset}` }));
            // What one publish queued on a lane is one batch, as a Kafka fetch of one partition is.
            if (group.subscription.handleBatch) await group.subscription.handleBatch(inbound, () => {});
            else for (const m of inbound) await group.subscription.handle(m);
          });
          group.tails[lane] = run.catch(() => {}); // a failure is reported to this publisher; the lane goes on
          deliveries.push(run);
        }
      }
      await Promise.all(deliveries);
    },
    async subscribe(subscription: Subscription) {
      if (groups.has(subscription.groupId)) throw new Error(`consumer group ${subscription.groupId} already subscribed`);
      groups.set(subscription.groupId, { subscription, tails: Array.from({ length: lanes }, () => Promise.resolve()) });
    },
    async ping() {},
    async checkConsumers() {},
    async describe() {
      return { kind: "in-process" as const, consumers: [...groups.keys()].map((groupId) => ({ groupId, state: "running" as const })) };
    },
    async close() {
      await Promise.all([...groups.values()].flatMap((g) => g.tails));
      groups.clear();
    },
  };
}

/** Same key → same lane (FNV-1a), so one order's events keep their order. */
function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}
