import assert from "node:assert/strict";
import { describe, it } from "node:test";
import kafkajs from "kafkajs";
import { lostProducerState } from "../messaging/kafka.transport.js";

// kafkajs is CommonJS: Node's ESM loader sees only some of its named exports.
const { KafkaJSAggregateError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

// The errors are built with kafkajs's own classes, as its producer throws them.
const protocol = (type: string) => new KafkaJSProtocolError({ type, message: type, code: 0, retriable: true } as never);

describe("lostProducerState (when the transport replaces its idempotent producer)", () => {
  it("when kafkajs gives up retrying an out-of-order sequence (nested in its retry and aggregate errors), then it is lost state", () => {
    const retried = new KafkaJSNumberOfRetriesExceeded(protocol("OUT_OF_ORDER_SEQUENCE_NUMBER"), { retryCount: 5, retryTime: 2000 });
    assert.equal(lostProducerState(retried), true);
    assert.equal(lostProducerState(new KafkaJSAggregateError("send failed", [protocol("LEADER_NOT_AVAILABLE"), retried])), true);
    assert.equal(lostProducerState(protocol("UNKNOWN_PRODUCER_ID")), true);
  });

  it("when the broker is merely down or refuses a message, then the producer is kept", () => {
    assert.equal(lostProducerState(protocol("MESSAGE_TOO_LARGE")), false);
    assert.equal(lostProducerState(new KafkaJSNumberOfRetriesExceeded(protocol("LEADER_NOT_AVAILABLE"), { retryCount: 5, retryTime: 2000 })), false);
    assert.equal(lostProducerState(new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9092")), false);
    assert.equal(lostProducerState(undefined), false);
  });
});
