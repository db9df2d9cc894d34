import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Gauge, Registry } from "prom-client";
import { createLogger } from "../logger/logger.js";
import { startPolling, type Sample } from "./periodic-gauge.js";

const logger = createLogger({ level: "error", service: "test", silent: true });
const gaugeOn = (registry: Registry) => new Gauge({ name: "t_lag", help: "t", labelNames: ["p"] as const, registers: [registry] });
const values = async (registry: Registry) => (await registry.getMetricsAsJSON())[0]!.values.map((v) => [v.labels.p, v.value]);

describe("startPolling (the outbox backlog and consumer lag gauges)", () => {
  it("when a measurement succeeds, then the gauge holds exactly its samples (series gone from the source disappear)", async () => {
    const registry = new Registry();
    let next: Sample<"p">[] = [{ labels: { p: "0" }, value: 5 }, { labels: { p: "1" }, value: 7 }];
    const poller = startPolling({ gauge: gaugeOn(registry), intervalMs: 60_000, logger, measure: async () => next });
    await poller.tick();
    assert.deepEqual(await values(registry), [["0", 5], ["1", 7]]);
    next = [{ labels: { p: "1" }, value: 2 }];
    await poller.tick();
    assert.deepEqual(await values(registry), [["1", 2]]);
    poller.stop();
    assert.deepEqual(await values(registry), [], "stop() removes this poller's series");
  });

  it("when a measurement fails (broker or database down), then it never throws and the last values stay", async () => {
    const registry = new Registry();
    let fail = false;
    const poller = startPolling({
      gauge: gaugeOn(registry),
      intervalMs: 60_000,
      logger,
      measure: async () => {
        if (fail) throw new Error("broker down");
        return [{ labels: { p: "0" }, value: 3 }];
      },
    });
    await poller.tick();
    fail = true;
    await poller.tick();
    assert.deepEqual(await values(registry), [["0", 3]]);
    poller.stop();
  });
});
