import type Joi from "joi";
import { toErrorResponse } from "../errors/error-handler.js";
import type { Logger } from "../logger/logger.js";
import { runWithContext } from "../logger/request-context.js";
import { envelopeSchema, type EventEnvelope } from "./event-envelope.js";
import { DEAD_LETTER_TOPIC, type InboundMessage, type MessageTransport } from "./transport.js";

export interface EventHandlers {
  /** topic → payload schema + handler. Handlers must be idempotent (record the eventId in the module's inbox). */
  [topic: string]: { payload: Joi.Schema; handle(event: EventEnvelope<any>): Promise<void> };
}

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

  await transport.subscribe({
    groupId,
    topics: Object.keys(handlers),
    async handle(message) {
      const entry = handlers[message.topic];
      if (!entry) return deadLetter(message, `no handler for topic ${message.topic}`);
      let raw: unknown;
      try {
        raw = JSON.parse(message.value ?? "");
      } catch {
        return deadLetter(message, "value is not valid JSON");
      }
      const envelope = envelopeSchema.validate(raw, { abortEarly: false, allowUnknown: true });
      if (envelope.error) return deadLetter(message, `invalid envelope: ${envelope.error.message}`);
      const payload = entry.payload.validate(envelope.value.payload, { abortEarly: false, stripUnknown: true });
      if (payload.error) return deadLetter(message, `invalid ${message.topic} payload: ${payload.error.message}`);
      const event = { ...(envelope.value as EventEnvelope), payload: payload.value };
      await runWithContext({ requestId: event.correlationId }, async () => {
        try {
          await entry.handle(event);
        } catch (e) {
          const { status, body } = toErrorResponse(e, logger);
          // A client-type error will fail the same way on every redelivery: park it instead of blocking the partition.
          if (status < 500) return deadLetter(message, `handler rejected the event: ${body.code} ${body.message}`);
          logger.warn("event handling failed, will be redelivered", { groupId, topic: message.topic, eventId: event.eventId, status });
          throw e;
        }
      });
    },
  });
}
