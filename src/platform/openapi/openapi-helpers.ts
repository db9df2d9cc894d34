/** Small builders so each module's OpenAPI fragment reads like the contract in API.md. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
export const error = (description: string) => json(ref("Error"), description);
export const uuidParam = (name: string, where: "path" | "query" = "path", required = true) => ({ name, in: where, required, schema: { type: "string", format: "uuid" } });
export const intParam = (name: string, required = false, minimum = 0) => ({ name, in: "query", required, schema: { type: "integer", minimum } });
export const body = (schema: Schema) => ({ required: true, content: { "application/json": { schema } } });
export const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: "object", properties, required });
export const str = (extra: Schema = {}): Schema => ({ type: "string", ...extra });
export const uuid: Schema = { type: "string", format: "uuid" };
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

/** Assembles one OpenAPI 3 document from the fragments of the modules a server hosts. */
export function buildOpenApi(title: string, fragments: OpenApiFragment[]) {
  return {
    openapi: "3.0.3",
    info: { title, version: "1.0.0", description: "Strangler modular monolith API (see API.md). Errors: { code, message, details?, correlationId }." },
    paths: Object.assign({}, health, ...fragments.map((f) => f.paths)),
    components: {
      schemas: Object.assign({}, commonSchemas, ...fragments.map((f) => f.schemas)),
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
