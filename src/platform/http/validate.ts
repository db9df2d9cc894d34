import type Joi from "joi";
import { AppError } from "../errors/app-error.js";

/**
 * Validates `value` with a Joi schema; on failure throws a 400 listing every problem (field + message).
 * @example const body = validate(createUserSchema, req.body, "USERS.INVALID_BODY");
 */
export function validate<T>(schema: Joi.Schema<T>, value: unknown, code: string, message = "request is invalid"): T {
  const { error, value: out } = schema.validate(value, { abortEarly: false, stripUnknown: true, convert: true });
  if (error) {
    throw new AppError({
      code,
      httpStatus: 400,
      message,
      details: error.details.map((d) => ({ field: d.path.join(".") || undefined, message: d.message.replace(/"/g, "") })),
    });
  }
  return out as T;
}
