import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import fc from "fast-check";
import Joi from "joi";
import { validate } from "../http/validate.js";
import { fromJoi, headerOf, jsonPattern, parametersOf } from "./joi-openapi.js";

const ajv = new Ajv({ strict: false, validateFormats: false });
/** Does validate() (the routers' way: convert, stripUnknown) accept `value`? */
const joiAccepts = (schema: Joi.Schema, value: unknown) => {
  try {
    validate(schema, value, "TEST.INVALID");
    return true;
  } catch {
    return false;
  }
};
const whitespace = fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u2028");
// U+001C and U+0085 are whitespace to Python's `\s` (schemathesis), not to trim(). No astral characters: Joi counts
// UTF-16 code units, JSON Schema code points, so a length bound differs by one per emoji (a known gap).
const visible = fc.constantFrom("a", "Z", "0", "é", "-", "\u001c", "\u0085");
const text = fc.array(fc.oneof(whitespace, visible), { maxLength: 9 }).map((parts) => parts.join(""));

describe("OpenAPI schemas from Joi (joi-openapi)", () => {
  it("when a trimmed string is bounded, then the document accepts exactly what validate() accepts (whitespace of every kind)", () => {
    for (const [min, max] of [[1, 4], [3, 6], [0, 2], [1, 1]] as const) {
      const joi = Joi.object({ s: Joi.string().trim().min(min).max(max).required() });
      const schema = ajv.compile(fromJoi(joi));
      fc.assert(fc.property(text, (s) => assert.equal(schema({ s }), joiAccepts(joi, { s }), `min ${min} max ${max}: ${JSON.stringify(s)}`)), { numRuns: 400 });
    }
  });

  it("when a body carries an unknown key, then the document accepts it as validate() does (stripped, not rejected)", () => {
    const joi = Joi.object({ a: Joi.number().integer().strict().required() });
    const generated = fromJoi(joi);
    assert.equal(generated.additionalProperties, undefined);
    assert.ok(ajv.validate(generated, { a: 1, extra: true }) && joiAccepts(joi, { a: 1, extra: true }));
  });

  it("when a number has precision(2), then the document says multipleOf 0.01 and the bounds", () => {
    assert.deepEqual(fromJoi(Joi.number().strict().precision(2).min(1).max(9)), { type: "number", minimum: 1, maximum: 9, multipleOf: 0.01 });
  });

  it("when a regex is case-insensitive, then the pattern spells both cases out (JSON Schema has no flags)", () => {
    const pattern = jsonPattern("/^[0-9a-f]{2}-x$/i");
    assert.equal(pattern, "^[0-9a-fA-F]{2}-[xX]$");
    for (const s of ["0a-x", "0A-X", "fF-x"]) assert.match(s, new RegExp(pattern));
    assert.doesNotMatch("0g-x", new RegExp(pattern));
    assert.throws(() => jsonPattern("/a/m"), /no JSON Schema equivalent/);
    assert.equal(fromJoi(Joi.string().pattern(/^ab$/i)).pattern, "^[aA][bB]$");
  });

  it("when a Joi object describes a query, a path or a header, then the parameters carry its names, presence and constraints", () => {
    const q = parametersOf(Joi.object({ limit: Joi.number().integer().min(1).max(500), id: Joi.string().guid().required() }), "query");
    assert.deepEqual(q.map((p) => [p.name, p.in, p.required]), [["limit", "query", false], ["id", "query", true]]);
    assert.equal(q[0]!.schema.maximum, 500);
    assert.equal(parametersOf(Joi.object({ id: Joi.string() }), "path")[0]!.required, true);
    const h = headerOf("Idempotency-Key", Joi.string().trim().min(1).max(255));
    assert.deepEqual([h.name, h.in, h.required], ["Idempotency-Key", "header", false]);
    assert.ok(ajv.validate(h.schema, " k ") && !ajv.validate(h.schema, "  ") && !ajv.validate(h.schema, "k".repeat(256)));
  });
});
