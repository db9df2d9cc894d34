/** Small builders so each module's OpenAPI fragment reads like the contract in API.md. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
export const error = (description: string) => json(ref("Error"), description);
/** The canonical form uuidSchema (platform/http) accepts: hyphenated 8-4-4-4-12 hex. */
export const uuid: Schema = { type: "string", format: "uuid", pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" };
export const uuidParam = (name: string, where: "path" | "query" = "path", required = true) => ({ name, in: where, required, schema: uuid });
export const intParam = (name: string, required = false, minimum = 0) => ({ name, in: "query", required, schema: { type: "integer", minimum } });
export const body = (schema: Schema) => ({ required: true, content: { "application/json": { schema } } });
export const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: "object", properties, required });
export const str = (extra: Schema = {}): Schema => ({ type: "string", ...extra });
export const dateTime: Schema = { type: "string", format: "date-time" };

export interface OpenApiFragment {
  paths: Record<string, Record<string, unknown>>;
  schemas: Record<string, Schema>;
}

const commonSchemas: Record<string, Schema> = {
  Error: object(
    { code: str(), message: str(), details: { type: "array", items: { type: "object" } }, correlationId: str() },
    ["code", "message"],
  ),
};

const readyBody = object(
  {
    status: str({ enum: ["ready", "unavailable"] }),
    failing: { type: "array", items: str() },
    // Only a status per check: the error text (a database error, a host name) is logged, never returned here.
    checks: { type: "object", additionalProperties: { ...object({ status: str({ enum: ["ok", "fail"] }) }), additionalProperties: false } },
  },
  ["status", "checks"],
);

const health = {
  "/openapi.json": { get: { summary: "This document", tags: ["health"], responses: { 200: json({ type: "object" }) } } },
  "/health": { get: { summary: "Liveness", tags: ["health"], responses: { 200: json(object({ status: str({ enum: ["ok"] }) })) } } },
  "/ready": {
    get: {
      summary: "Readiness: only what serving needs (the database). Kafka is not a readiness dependency: the outbox buffers events",
      tags: ["health"],
      responses: { 200: json(readyBody), 503: json(readyBody, "a check failed; the body names it (the error is logged, not returned)") },
    },
  },
  "/health/details": {
    get: {
      summary: "Diagnostics: readiness checks with their errors, Kafka broker reachability, consumers (state, lag), outbox backlog",
      tags: ["health"],
      responses: { 200: json(object({ status: str({ enum: ["ready", "unavailable"] }), checkedAt: str(), checks: { type: "object" } }, ["status", "checks"])) },
    },
  },
};

type Operation = { requestBody?: unknown; responses: Record<string, unknown> };

/** Every operation that takes a body can answer 415 (not application/json) and 413 (over BODY_LIMIT). */
function withBodyErrors(paths: Record<string, Record<string, unknown>>) {
  return Object.fromEntries(
    Object.entries(paths).map(([path, ops]) => [
      path,
      Object.fromEntries(
        Object.entries(ops as Record<string, Operation>).map(([method, op]) => [
          method,
          op.requestBody
            ? { ...op, responses: { ...op.responses, 413: error("REQUEST.TOO_LARGE: body over BODY_LIMIT"), 415: error("REQUEST.UNSUPPORTED_MEDIA_TYPE (the body is not application/json) or REQUEST.UNSUPPORTED_ENCODING") } }
            : op,
        ]),
      ),
    ]),
  );
}

const DESCRIPTION =
  "Strangler modular monolith API (see API.md). Errors: { code, message, details?, correlationId }. On every path: " +
  "another method than the documented ones is 405 REQUEST.METHOD_NOT_ALLOWED with an Allow header (as OPTIONS lists it); " +
  "a body that is not application/json is 415 REQUEST.UNSUPPORTED_MEDIA_TYPE; a URL plus headers over 16 KiB is 431 " +
  "REQUEST.HEADERS_TOO_LARGE. Ids are canonical UUIDs (8-4-4-4-12, any case; braces, URNs, no hyphens are 400); strings " +
  "with U+0000 or lone surrogates are 400 naming the field.";

/** Assembles one OpenAPI 3 document from the fragments of the modules a server hosts. */
export function buildOpenApi(title: string, fragments: OpenApiFragment[]) {
  return {
    openapi: "3.0.3",
    info: { title, version: "1.0.0", description: DESCRIPTION },
    paths: withBodyErrors(Object.assign({}, health, ...fragments.map((f) => f.paths))),
    components: {
      schemas: Object.assign({}, commonSchemas, ...fragments.map((f) => f.schemas)),
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
