/** One message as the transport carries it: Kafka key = aggregate id, value = JSON envelope. */
export interface OutboundMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface InboundMessage {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** Where it came from, for logs and the dead-letter record (partition/offset on Kafka). */
  position: string;
}

export interface Subscription {
  /** Consumer group: one per consuming module wherever it runs, so a module never consumes an event twice. */
  groupId: string;
  topics: string[];
  /** Resolve = done (offset committed); reject = retry later (redelivery). */
  handle(message: InboundMessage): Promise<void>;
  /**
   * Optional: several messages of one topic and partition (lane in-process), in their order, handled at once
   * (consumers with set-based handlers). Resolve = all handled; `handled(m)` reports progress, so a failure later in
   * the batch redelivers only the messages not handled yet (`handled(m)` means m and every message before it is done:
   * Kafka commits one offset per partition). Without it, `handle` is called once per message.
   */
  handleBatch?(messages: InboundMessage[], handled: (message: InboundMessage) => void): Promise<void>;
}

/**
 * The only thing that differs between embedded mode and Kafka: the outbox relay and the consumers above it
 * are the same code.
 */
export interface MessageTransport {
  readonly kind: "kafka" | "in-process";
  /** Creates topics explicitly (Kafka admin API); no-op in-process. */
  ensureTopics(topics: string[]): Promise<void>;
  /** Resolves once the messages are durably accepted (acks=all on Kafka; handled by every subscriber in-process). */
  publish(topic: string, messages: OutboundMessage[]): Promise<void>;
  subscribe(subscription: Subscription): Promise<void>;
  ping(): Promise<void>;
  /**
   * Readiness: rejects when a consumer of this process is in a crash loop (restarted `unreadyAfterCrashes` times in a
   * row without handling a message). Never because of the broker: a broker outage is not a readiness failure.
   */
  checkConsumers(): Promise<void>;
  /** What GET /health/details shows: broker reachability, each consumer's state and lag. Never throws. */
  describe(): Promise<TransportDescription>;
  close(): Promise<void>;
}

/** A consumer group member as this process sees it (lag = messages not yet consumed, when the broker answers). */
export interface ConsumerDescription {
  groupId: string;
  state: "starting" | "running" | "crashed" | "stopped";
  lastError?: string;
  lag?: number;
  /** Restarts after crashes kafkajs would not restart from (Kafka only). */
  restarts?: number;
}

export interface TransportDescription {
  kind: "kafka" | "in-process";
  broker?: { status: "up" | "down"; error?: string };
  consumers: ConsumerDescription[];
}

export const DEAD_LETTER_TOPIC = "dead-letter";
