import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Joi from "joi";
import { validate } from "../http/validate.js";

// The OpenAPI document says maxLength/minLength (JSON Schema: characters); Joi alone counts UTF-16 units.
describe("validate(): string lengths in characters, as the OpenAPI document states them", () => {
  const schema = Joi.object({ name: Joi.string().trim().min(1).max(3).required() });
  const problemsOf = (value: unknown) => {
    try {
      validate(schema, value, "T.INVALID");
      return [];
    } catch (e) {
      return (e as { details: { field?: string }[] }).details.map((d) => d.field);
    }
  };

  it("when characters outside the BMP fill a field up to its limit, then it is accepted (6 UTF-16 units, 3 characters)", () => {
    assert.deepEqual(validate(schema, { name: " 𝑻𝒉𝒆 " }, "T.INVALID"), { name: "𝑻𝒉𝒆" });
  });

  it("when a field is over its limit in characters, then 400 naming it", () => {
    assert.deepEqual(problemsOf({ name: "𝑻𝒉𝒆𝒆" }), ["name"]);
    assert.deepEqual(problemsOf({ name: "abcd" }), ["name"]);
    assert.deepEqual(problemsOf({ name: "  " }), ["name"]);
  });
});
