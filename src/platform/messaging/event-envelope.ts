import { randomUUID } from "node:crypto";
import Joi from "joi";
import { uuidSchema } from "../http/uuid.schema.js";
import { currentRequestId } from "../logger/request-context.js";

/** What every event on every topic looks like (STYLE.md). `correlationId` is the request id that caused it. */
export interface EventEnvelope<T = unknown> {
  eventId: string;
  type: string;
  occurredAt: string;
  correlationId: string;
  causationId?: string;
  payload: T;
}

export function createEnvelope<T>(type: string, payload: T, causationId?: string): EventEnvelope<T> {
  return {
    eventId: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    correlationId: currentRequestId() ?? randomUUID(),
    ...(causationId ? { causationId } : {}),
    payload,
  };
}

export const envelopeSchema = Joi.object({
  eventId: uuidSchema.required(),
  type: Joi.string().max(100).required(),
  occurredAt: Joi.string().isoDate().required(),
  correlationId: Joi.string().max(128).required(),
  causationId: Joi.string().max(128),
  payload: Joi.object().required(),
});
