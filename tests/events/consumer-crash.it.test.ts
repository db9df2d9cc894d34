import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { register } from "prom-client";
import { createLogger } from "../../src/platform/logger/logger.js";
import { createKafkaTransport } from "../../src/platform/messaging/kafka.transport.js";
import type { MessageTransport } from "../../src/platform/messaging/transport.js";
import { eventually, dropNamespace, KAFKA_BROKERS, kafkaEnv, newNamespace, createTestApp } from "#test-support";

// Issue 14: a handler throwing a non-retriable error (a TypeError: a bug, a bad deploy) makes kafkajs emit CRASH
// with restart: false, and the consumer stayed dead — /ready 200, orders Pending forever. Now it is restarted with
// backoff, counted, and a crash loop makes readiness fail.
describe("consumer crash on the real broker: restarted, counted, a crash loop fails readiness", { timeout: 120_000 }, () => {
  const ns = newNamespace("crash");
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "error", service: "test" });
  const transports: MessageTransport[] = [];
  const transport = () => {
    const t = createKafkaTransport({ brokers: KAFKA_BROKERS.split(","), clientId: "crash-test", topicPartitions: 1, replicationFactor: 1, namespace: ns, logger, unreadyAfterCrashes: 2 });
    transports.push(t);
    return t;
  };
  before(async () => {
    await transport().ensureTopics(["t-crash-once", "t-crash-always"]);
  });
  after(async () => {
    await Promise.allSettled(transports.map((t) => t.close()));
    await dropNamespace(ns);
  });
  const restarts = async (group: string) => (await register.getSingleMetric("strangler_consumer_restarts_total")!.get()).values.find((v) => v.labels.group === group)?.value ?? 0;
  const stateGauge = async (group: string) =>
    (await register.getSingleMetric("strangler_consumer_state")!.get()).values.find((v) => v.labels.group === group && v.value === 1)?.labels.state;

  it("when a handler throws a TypeError once, then the consumer is restarted and the message handled, and readiness stays ok", async () => {
    const t = transport();
    const handled: string[] = [];
    let thrown = 0;
    await t.subscribe({
      groupId: "crash-once",
      topics: ["t-crash-once"],
      async handle(m) {
        if (thrown++ === 0) throw new TypeError("a bug in the handler");
        handled.push(m.value ?? "");
      },
    });
    await t.publish("t-crash-once", [{ key: "k", value: "first" }]);
    await eventually(async () => handled.includes("first"), "the message handled after the restart", 30_000);
    assert.equal(await restarts("crash-once"), 1);
    const consumer = (await t.describe()).consumers.find((c) => c.groupId === "crash-once");
    assert.equal(consumer?.restarts, 1);
    await eventually(async () => (await t.describe()).consumers.find((c) => c.groupId === "crash-once")?.state === "running", "state running again");
    assert.equal(await stateGauge("crash-once"), "running");
    await t.checkConsumers(); // one crash, then a handled message: not a crash loop
  });

  it("when the handler crashes on every delivery, then it keeps being restarted, details say crashed and readiness fails", async () => {
    const t = transport();
    await t.subscribe({
      groupId: "crash-always",
      topics: ["t-crash-always"],
      async handle() {
        throw new TypeError("always broken");
      },
    });
    await t.publish("t-crash-always", [{ key: "k", value: "poison for a buggy handler" }]);
    await eventually<string>(async () => t.checkConsumers().then(() => undefined, (e: Error) => e.message), "readiness failing", 40_000).then((message) =>
      assert.match(message, /crash-always crashed \d+ times in a row \(.*always broken/),
    );
    assert.ok((await restarts("crash-always")) >= 1);
    const consumer = (await t.describe()).consumers.find((c) => c.groupId === "crash-always");
    assert.ok(consumer && consumer.restarts! >= 1 && /always broken/.test(consumer.lastError ?? ""), JSON.stringify(consumer));
  });

  it("when a consumer of the role is in a crash loop, then GET /ready answers 503 failing `consumers`; it is 200 before", async () => {
    const app = await createTestApp(kafkaEnv(ns, { CONSUMER_UNREADY_AFTER_CRASHES: "2" }));
    try {
      const ready = await app.http.get("/ready");
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body.checks.consumers, { status: "ok" });
      await app.rt.transport.ensureTopics(["t-crash-role"]);
      await app.rt.transport.subscribe({
        groupId: "crash-role",
        topics: ["t-crash-role"],
        async handle() {
          throw new TypeError("broken handler in the role");
        },
      });
      await app.rt.transport.publish("t-crash-role", [{ key: "k", value: "x" }]);
      const res = await eventually(async () => {
        const r = await app.http.get("/ready");
        return r.status === 503 ? r : undefined;
      }, "/ready 503", 40_000);
      assert.deepEqual(res.body.failing, ["consumers"]);
      const details = await app.http.get("/health/details");
      const member = details.body.messaging.consumers.find((c: { groupId: string }) => c.groupId === "crash-role");
      assert.equal(details.body.checks.consumers.status, "fail");
      assert.ok(member.restarts >= 1 && member.crashesInARow >= 2, JSON.stringify(member));
    } finally {
      await app.close();
    }
  });
});
