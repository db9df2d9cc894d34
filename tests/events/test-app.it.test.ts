import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestApp, freePort } from "#test-support";

// createTestApp runs the monolith role's own wiring (wireMonolith) but, unlike the role, waits for the broker
// (awaitBroker): a test that sends events then knows the relays and consumers run.
describe("the in-process test app on Kafka", () => {
  it("when the broker does not answer, then createTestApp fails instead of serving with messaging retried in the background", async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    await assert.rejects(createTestApp({ KAFKA_BROKERS: nowhere }), /ECONNREFUSED|connect/i);
  });
});
