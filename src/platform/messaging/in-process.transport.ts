import type { Logger } from "../logger/logger.js";
import { DEAD_LETTER_TOPIC, type InboundMessage, type MessageTransport, type OutboundMessage, type Subscription } from "./transport.js";

/**
 * Embedded mode's transport. `publish` resolves only after every subscribed group handled the messages, so the
 * relay marks an outbox row sent only once its consumers committed — nothing is lost if the process dies.
 * Each group handles messages one at a time, in order, like one Kafka partition.
 */
export function createInProcessTransport(logger: Logger): MessageTransport {
  const groups = new Map<string, { subscription: Subscription; tail: Promise<void> }>();
  let offset = 0;

  return {
    kind: "in-process",
    async ensureTopics() {},
    async publish(topic: string, messages: OutboundMessage[]) {
      if (topic === DEAD_LETTER_TOPIC)
        for (const m of messages) logger.error("dead-lettered event", { key: m.key, headers: m.headers, value: m.value.slice(0, 2_000) });
      const deliveries: Promise<void>[] = [];
      for (const group of groups.values()) {
        if (!group.subscription.topics.includes(topic)) continue;
        const run = group.tail.then(async () => {
          for (const m of messages) {
            const inbound: InboundMessage = { topic, key: m.key, value: m.value, headers: m.headers ?? {}, position: `in-process:${++offset}` };
            await group.subscription.handle(inbound);
          }
        });
        group.tail = run.catch(() => {}); // a failure is reported to this publisher; the group goes on with the next
        deliveries.push(run);
      }
      await Promise.all(deliveries);
    },
    async subscribe(subscription: Subscription) {
      if (groups.has(subscription.groupId)) throw new Error(`consumer group ${subscription.groupId} already subscribed`);
      groups.set(subscription.groupId, { subscription, tail: Promise.resolve() });
    },
    async ping() {},
    async close() {
      await Promise.all([...groups.values()].map((g) => g.tail));
      groups.clear();
    },
  };
}
