import type Joi from "joi";
import { toErrorResponse } from "../errors/error-handler.js";
import type { Logger } from "../logger/logger.js";
import { runWithContext } from "../logger/request-context.js";
import { envelopeSchema, type EventEnvelope } from "./event-envelope.js";
import { DEAD_LETTER_TOPIC, type InboundMessage, type MessageTransport } from "./transport.js";

export interface EventHandlers {
  /**
   * topic → payload schema + handler. Handlers must be idempotent (record the eventId in the module's inbox).
   * `handleBatch` (optional) handles several valid events of the topic, in order, all or nothing — one transaction;
   * when it fails, the batch's events go through `handle` one at a time, so one bad event cannot block the rest.
   */
  [topic: string]: { payload: Joi.Schema; handle(event: EventEnvelope<any>): Promise<void>; handleBatch?(events: EventEnvelope<any>[]): Promise<void> };
}

type Decoded = { event: EventEnvelope; reject?: undefined } | { reject: string; event?: undefined };

/**
 * Subscribes a module's handlers under its consumer group. A message that cannot be parsed or validated goes to
 * the dead-letter topic with the reason (and is logged) — it never crashes the consumer and is never skipped
 * silently. A handler failure (e.g. database down) is retried by redelivery.
 */
export async function subscribeHandlers(args: { transport: MessageTransport; groupId: string; handlers: EventHandlers; logger: Logger }): Promise<void> {
  const { transport, groupId, handlers, logger } = args;

  async function deadLetter(message: InboundMessage, reason: string) {
    logger.error("event rejected to dead-letter topic", { groupId, topic: message.topic, position: message.position, reason });
    await transport.publish(DEAD_LETTER_TOPIC, [
      {
        key: message.key ?? "",
        value: message.value ?? "",
        headers: { "x-original-topic": message.topic, "x-position": message.position, "x-consumer-group": groupId, "x-reason": reason.slice(0, 1000) },
      },
    ]);
  }

  /** Parses and validates a message: the event, or why it goes to the dead-letter topic. */
  function decode(message: InboundMessage): Decoded {
    const entry = handlers[message.topic];
    if (!entry) return { reject: `no handler for topic ${message.topic}` };
    let raw: unknown;
    try {
      raw = JSON.parse(message.value ?? "");
    } catch {
      return { reject: "value is not valid JSON" };
    }
    const envelope = envelopeSchema.validate(raw, { abortEarly: false, allowUnknown: true });
    if (envelope.error) return { reject: `invalid envelope: ${envelope.error.message}` };
    const payload = entry.payload.validate(envelope.value.payload, { abortEarly: false, stripUnknown: true });
    if (payload.error) return { reject: `invalid ${message.topic} payload: ${payload.error.message}` };
    return { event: { ...(envelope.value as EventEnvelope), payload: payload.value } };
  }

  async function handleOne(message: InboundMessage): Promise<void> {
    const decoded = decode(message);
    if (decoded.reject !== undefined) return deadLetter(message, decoded.reject);
    const { event } = decoded;
    await runWithContext({ requestId: event.correlationId }, async () => {
      try {
        await handlers[message.topic]!.handle(event);
      } catch (e) {
        const { status, body } = toErrorResponse(e, logger);
        // A client-type error will fail the same way on every redelivery: park it instead of blocking the partition.
        if (status < 500) return deadLetter(message, `handler rejected the event: ${body.code} ${body.message}`);
        logger.warn("event handling failed, will be redelivered", { groupId, topic: message.topic, eventId: event.eventId, status });
        throw e;
      }
    });
  }

  /**
   * Stages: dead-letter the messages that do not decode; hand the valid ones to the topic's `handleBatch` (one
   * transaction); if that fails, fall back to `handleOne` per message, which dead-letters a rejected event and
   * throws (→ redelivery from there) on a server error.
   */
  async function handleBatch(messages: InboundMessage[], handled: (m: InboundMessage) => void): Promise<void> {
    const entry = handlers[messages[0]?.topic ?? ""];
    const oneTopic = messages.every((m) => m.topic === messages[0]!.topic);
    if (!entry?.handleBatch || !oneTopic || messages.length === 1) {
      for (const m of messages) {
        await handleOne(m);
        handled(m);
      }
      return;
    }
    const valid: { message: InboundMessage; event: EventEnvelope }[] = [];
    for (const message of messages) {
      const decoded = decode(message);
      if (decoded.reject === undefined) valid.push({ message, event: decoded.event });
      else await deadLetter(message, decoded.reject);
    }
    try {
      if (valid.length) await entry.handleBatch(valid.map((v) => v.event));
    } catch (e) {
      logger.warn("event batch failed, handling its events one at a time", { groupId, topic: messages[0]!.topic, events: valid.length, error: e instanceof Error ? e.message : String(e) });
      for (const { message } of valid) {
        await handleOne(message);
        handled(message);
      }
    }
    for (const m of messages) handled(m);
  }

  await transport.subscribe({ groupId, topics: Object.keys(handlers), handle: handleOne, handleBatch });
}
