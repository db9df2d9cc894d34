import type Joi from "joi";
import joiToJson from "joi-to-json";
import type { Schema } from "./openapi-helpers.js";

// joi-to-json is CommonJS (`module.exports = parse`) while its types declare an ES default export.
const parse = joiToJson as unknown as typeof joiToJson.parse;

/**
 * OpenAPI 3.0 schemas generated from the Joi schemas the routers validate with (joi-to-json), refined where the
 * converter cannot see how `validate()` runs them: unknown keys are stripped (accepted), not rejected; `trim()`
 * bounds the trimmed length (a blank string is too short); `precision(n)` is a multiple of 10^-n; a regex keeps its
 * flags. The document then states exactly what the server accepts, so the two cannot drift.
 * @example requestBody: body(fromJoi(createUserSchema))
 */
export function fromJoi(schema: Joi.Schema): Schema {
  return refine(parse(schema, "open-api") as Schema, schema.describe() as Described);
}

/** One OpenAPI parameter per key of a Joi object schema (query or path), required as Joi says. */
export function parametersOf(schema: Joi.ObjectSchema, where: "query" | "path") {
  const described = schema.describe() as Described;
  const properties = (fromJoi(schema).properties ?? {}) as Record<string, Schema>;
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === "path" || described.keys?.[name]?.flags?.presence === "required", schema: s }));
}

/** A header parameter validated by `schema` (its presence as Joi says). */
export const headerOf = (name: string, schema: Joi.Schema) => ({
  name,
  in: "header",
  required: (schema.describe() as Described).flags?.presence === "required",
  schema: fromJoi(schema),
});

interface Described {
  type: string;
  flags?: { presence?: string };
  rules?: { name: string; args?: Record<string, unknown> }[];
  keys?: Record<string, Described>;
  items?: Described[];
}

function refine(json: Schema, d: Described): Schema {
  const rule = (name: string) => d.rules?.find((r) => r.name === name)?.args;
  if (d.type === "object") {
    // validate() runs with stripUnknown: an unknown key is dropped, the request still accepted.
    if (json.additionalProperties === false) delete json.additionalProperties;
    const properties = (json.properties ?? {}) as Record<string, Schema>;
    for (const [key, sub] of Object.entries(d.keys ?? {})) if (properties[key]) refine(properties[key], sub);
  }
  if (d.type === "array" && d.items?.length === 1 && json.items) refine(json.items as Schema, d.items[0]!);
  if (d.type === "number") {
    const places = rule("precision")?.limit;
    if (typeof places === "number") json.multipleOf = Number(`1e-${places}`);
  }
  if (d.type === "string") {
    const regex = rule("pattern")?.regex;
    if (typeof regex === "string") json.pattern = jsonPattern(regex);
    if (rule("trim")?.enabled) {
      const min = (rule("min")?.limit as number | undefined) ?? 0;
      const max = rule("max")?.limit as number | undefined;
      delete json.maxLength; // the raw string may carry any amount of surrounding whitespace
      if (min > 0) json.minLength = min;
      json.description = `${min}–${max ?? "any number of"} characters once surrounding whitespace is trimmed`;
      const trimmed = trimmedLength(min, max);
      if (json.pattern) {
        json.allOf = [{ pattern: json.pattern }, { pattern: trimmed }];
        delete json.pattern;
      } else json.pattern = trimmed;
    }
  }
  return json;
}

// What String.prototype.trim() removes (ECMAScript WhiteSpace + LineTerminator), spelled out: `\s` differs between
// ECMAScript and Python (schemathesis), e.g. for U+FEFF and U+001C–U+001F. U+0000 is never accepted (PostgreSQL).
const WS = "[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";
const VISIBLE = "[^\\u0000\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";
const ANY = "[^\\u0000]";

/** A pattern for "after trim(), between min and max characters long" (surrounding whitespace is allowed). */
export function trimmedLength(min: number, max = Infinity): string {
  const alternatives: string[] = [];
  if (min <= 1 && max >= 1) alternatives.push(VISIBLE);
  if (max >= 2) alternatives.push(`${VISIBLE}${ANY}{${Math.max(min, 2) - 2},${max === Infinity ? "" : max - 2}}${VISIBLE}`);
  const core = `(?:${alternatives.join("|")})${min === 0 ? "?" : ""}`;
  return `^${WS}*${core}${WS}*$`;
}

/** "/source/flags" (Joi's describe()) as a JSON Schema pattern; the `i` flag becomes explicit letter cases. */
export function jsonPattern(regex: string): string {
  const end = regex.lastIndexOf("/");
  const source = regex.slice(1, end);
  const flags = regex.slice(end + 1);
  if (/[^i]/.test(flags)) throw new Error(`regex flags "${flags}" have no JSON Schema equivalent: ${regex}`);
  return flags.includes("i") ? caseInsensitive(source) : source;
}

function caseInsensitive(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      out += source.slice(i, i + 2);
      i++;
    } else if (c === "[" && !inClass) {
      inClass = true;
      out += c;
    } else if (c === "]" && inClass) {
      inClass = false;
      out += c;
    } else if (/[a-z]/i.test(c) && inClass && source[i + 1] === "-" && /[a-z]/i.test(source[i + 2] ?? "")) {
      const range = source.slice(i, i + 3);
      out += range.toLowerCase() + range.toUpperCase();
      i += 2;
    } else if (/[a-z]/i.test(c)) {
      const both = c.toLowerCase() + c.toUpperCase();
      out += inClass ? both : `[${both}]`;
    } else out += c;
  }
  return out;
}
