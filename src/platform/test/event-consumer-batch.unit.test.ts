import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Joi from "joi";
import { AppError } from "../errors/app-error.js";
import { createLogger } from "../logger/logger.js";
import { createEnvelope, type EventEnvelope } from "../messaging/event-envelope.js";
import { subscribeHandlers } from "../messaging/event-consumer.js";
import { createInProcessTransport } from "../messaging/in-process.transport.js";
import { DEAD_LETTER_TOPIC } from "../messaging/transport.js";

const logger = createLogger({ level: "error", service: "test", silent: true });

/** A topic whose batch handler fails when the batch holds a poisoned event; one at a time, only that event is refused. */
async function setup() {
  const transport = createInProcessTransport(logger);
  const batches: number[] = [];
  const handled: string[] = [];
  const deadLettered: string[] = [];
  const poisoned = (e: EventEnvelope<{ n: string }>) => e.payload.n === "poison";
  await subscribeHandlers({
    transport,
    groupId: "g",
    logger,
    handlers: {
      t: {
        payload: Joi.object({ n: Joi.string().required() }),
        async handle(e: EventEnvelope<{ n: string }>) {
          if (poisoned(e)) throw new AppError({ code: "TEST.REFUSED", message: "refused", httpStatus: 422 });
          handled.push(e.payload.n);
        },
        async handleBatch(events: EventEnvelope<{ n: string }>[]) {
          batches.push(events.length);
          if (events.some(poisoned)) throw new AppError({ code: "TEST.REFUSED", message: "refused", httpStatus: 422 });
          handled.push(...events.map((e) => e.payload.n));
        },
      },
    },
  });
  // Records what goes to the dead-letter topic (the in-process transport only logs it).
  const original = transport.publish.bind(transport);
  transport.publish = async (topic, messages) => {
    if (topic === DEAD_LETTER_TOPIC) deadLettered.push(...messages.map((m) => m.headers?.["x-reason"] ?? ""));
    return original(topic, messages);
  };
  const send = (values: string[]) => transport.publish("t", values.map((v) => ({ key: "one-lane", value: v })));
  const event = (n: string) => JSON.stringify(createEnvelope("t", { n }));
  return { send, event, batches, handled, deadLettered };
}

describe("event consumer batches (in-process transport)", () => {
  it("when a batch is valid, then its events go to the batch handler at once, in order", async () => {
    const s = await setup();
    await s.send(["a", "b", "c"].map(s.event));
    assert.deepEqual(s.batches, [3]);
    assert.deepEqual(s.handled, ["a", "b", "c"]);
  });

  it("when a batch holds a malformed message and a poisoned event, then both are dead-lettered and the others are handled in order", async () => {
    const s = await setup();
    await s.send([s.event("a"), "not json", s.event("poison"), s.event("b")]);
    assert.deepEqual(s.batches, [3]); // the malformed one never reached the handler
    assert.deepEqual(s.handled, ["a", "b"]); // one at a time after the batch failed
    assert.equal(s.deadLettered.length, 2);
    assert.match(s.deadLettered[0]!, /not valid JSON/);
    assert.match(s.deadLettered[1]!, /TEST.REFUSED/);
  });
});
