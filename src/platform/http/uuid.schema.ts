import Joi from "joi";

// Joi's guid() also takes ids without hyphens, in braces or as urn:uuid:…; PostgreSQL's uuid input accepts them
// too and answers the canonical form, so one id had several spellings (a found product, then a 404 for the same id).
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one id schema of the API (paths, queries, bodies, events): the canonical hyphenated 8-4-4-4-12 form,
 * upper or lower case on input, always lower case out. Braces, `urn:uuid:` and missing hyphens are a 400.
 * @example const q = validate(Joi.object({ id: uuidSchema.required() }), req.query, "USERS.INVALID_ID");
 */
export const uuidSchema = Joi.string()
  .pattern(CANONICAL_UUID, "uuid")
  .lowercase()
  .messages({ "string.pattern.name": "{{#label}} must be a UUID in canonical form (8-4-4-4-12 hex digits, e.g. 3f1c2a9e-6d1b-4f7a-9c3e-2b8d5e4a7f10)" });
