import type Joi from "joi";
import { AppError, type ErrorDetail } from "../errors/app-error.js";

const MAX_DEPTH = 16;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const unstorable = (s: string): string | undefined =>
  s.includes("\u0000") ? "must not contain the NUL character (U+0000)" : LONE_SURROGATE.test(s) ? "must not contain lone UTF-16 surrogates" : undefined;

/**
 * Strings PostgreSQL text cannot store: U+0000 (error 22021, a 500 before this check) and lone UTF-16 surrogates
 * (silently stored as U+FFFD, so the value read back differs from the one written). Kept keys count too. Values nested
 * deeper than any schema goes are not searched (they fail validation or are stripped; a 40k-deep array must not
 * overflow the stack).
 */
export function unstorableStrings(value: unknown, path: string[] = [], out: ErrorDetail[] = []): ErrorDetail[] {
  const field = path.join(".") || undefined;
  if (path.length > MAX_DEPTH) return out;
  if (typeof value === "string") {
    const message = unstorable(value);
    if (message) out.push({ field, message: `${field ?? "value"} ${message}` });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableStrings(v, [...path, String(i)], out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const message = unstorable(k);
      if (message) out.push({ field, message: `a key of ${field ?? "the value"} ${message}` });
      else unstorableStrings(v, [...path, k], out);
    }
  }
  return out;
}

/**
 * Joi measures strings in UTF-16 units; the contract — JSON Schema's minLength/maxLength in the OpenAPI document,
 * PostgreSQL's varchar(n) — in characters (code points): "𝑻𝒉𝒆" is 3, not 6. A length error that is none in
 * characters is therefore no error. (A minimum above 1 is still checked in units: units ≥ characters, so such a
 * value can pass with fewer characters; only `username` has one, min 3.)
 */
function isLengthErrorInUnitsOnly(d: Joi.ValidationErrorItem): boolean {
  const { limit, value } = d.context ?? {};
  if (typeof limit !== "number" || typeof value !== "string") return false;
  const chars = [...value].length;
  return d.type === "string.max" ? chars <= limit : d.type === "string.min" ? chars >= limit : d.type === "string.length" ? chars === limit : false;
}

/**
 * Validates `value` with a Joi schema; on failure throws a 400 listing every problem (field + message),
 * including strings the database could not store (NUL, lone surrogates) anywhere in the value.
 * @example const body = validate(createUserSchema, req.body, "USERS.INVALID_BODY");
 */
export function validate<T>(schema: Joi.Schema<T>, value: unknown, code: string, message = "request is invalid"): T {
  const result = schema.validate(value, { abortEarly: false, stripUnknown: true, convert: true });
  const out: unknown = result.value;
  const problems = result.error?.details.filter((d) => !isLengthErrorInUnitsOnly(d)) ?? [];
  const error = problems.length ? { details: problems } : undefined;
  // What is kept, when valid: an unknown key is stripped, never stored, so a NUL in it is no reason to refuse.
  const badStrings = unstorableStrings(error ? value : out);
  if (error || badStrings.length) {
    const fields = new Set(badStrings.map((d) => d.field));
    const schemaDetails = (error?.details ?? [])
      .map((d) => ({ field: d.path.join(".") || undefined, message: d.message.replace(/"/g, "") }))
      .filter((d) => !fields.has(d.field)); // one problem per field: the stored-string one is the precise one
    throw new AppError({ code, httpStatus: 400, message, details: [...badStrings, ...schemaDetails] });
  }
  return out as T;
}
