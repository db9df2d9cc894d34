import { Counter, Gauge, register } from "prom-client";

// On prom-client's default registry (the app's /metrics serves it). Created once per process: several apps in one
// test process share them, and registering a name twice throws.
const existing = <T>(name: string) => register.getSingleMetric(name) as T | undefined;

/** Outbox rows set aside after OUTBOX_MAX_ATTEMPTS failed publishes (`strangler outbox retry` brings them back). */
export const outboxParkedRows =
  existing<Gauge<"module">>("strangler_outbox_parked_rows") ??
  new Gauge({ name: "strangler_outbox_parked_rows", help: "Outbox rows parked after repeated publish failures, per producing module", labelNames: ["module"] });

/** Restarts of a consumer after a kafkajs crash it would not restart from itself. */
export const consumerRestarts =
  existing<Counter<"group">>("strangler_consumer_restarts_total") ??
  new Counter({ name: "strangler_consumer_restarts_total", help: "Consumer restarts after a crash kafkajs does not recover from", labelNames: ["group"] });

export const CONSUMER_STATES = ["starting", "running", "crashed", "stopped"] as const;
export type ConsumerState = (typeof CONSUMER_STATES)[number];

/** 1 for the consumer group member's current state, 0 for the others. */
export const consumerState =
  existing<Gauge<"group" | "state">>("strangler_consumer_state") ??
  new Gauge({ name: "strangler_consumer_state", help: "State of this process' consumer of a group (1 = current state)", labelNames: ["group", "state"] });

export function setConsumerState(group: string, state: ConsumerState): void {
  for (const s of CONSUMER_STATES) consumerState.set({ group, state: s }, s === state ? 1 : 0);
}
