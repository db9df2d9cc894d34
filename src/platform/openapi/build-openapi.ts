import { error, errorSchema, json, object, str, type OpenApiFragment, type OpenApiOperation, type Schema } from "./openapi-helpers.js";

const commonSchemas: Record<string, Schema> = {
  Error: object(
    { code: str(), message: str(), details: { type: "array", items: { type: "object" } }, correlationId: str() },
    ["code", "message", "correlationId"],
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

const health: OpenApiFragment["paths"] = {
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

const DESCRIPTION =
  "Strangler modular monolith API (see API.md). Errors: { code, message, details?, correlationId }. On every path: " +
  "another method than the documented ones is 405 REQUEST.METHOD_NOT_ALLOWED with an Allow header (as OPTIONS lists it); " +
  "a body that is not application/json is 415 REQUEST.UNSUPPORTED_MEDIA_TYPE; a URL plus headers over 16 KiB is 431 " +
  "REQUEST.HEADERS_TOO_LARGE. Ids are canonical UUIDs (8-4-4-4-12, any case; braces, URNs, no hyphens are 400); strings " +
  "with U+0000 or lone surrogates are 400 naming the field.";

/**
 * Answers every server gives before or around a module's handler, with their codes. `RouteNotFound` is for paths
 * this document does not list; no operation refers to it.
 */
const responses = {
  MethodNotAllowed: { ...error("another method than the path serves; Allow lists the ones it does", "REQUEST.METHOD_NOT_ALLOWED"), headers: { Allow: { schema: str() } } },
  TooLarge: error("body over BODY_LIMIT", "REQUEST.TOO_LARGE"),
  UnsupportedMediaType: error("body not JSON (Content-Type), or an unsupported Content-Encoding/charset", "REQUEST.UNSUPPORTED_MEDIA_TYPE", "REQUEST.UNSUPPORTED_ENCODING"),
  RouteNotFound: error("no such path", "ROUTE.NOT_FOUND"),
  Timeout: error("the request's headers or body did not arrive in time (through the proxy: BODY_TIMEOUT_MS)", "REQUEST.TIMEOUT", "PROXY.REQUEST_TIMEOUT"),
  HeadersTooLarge: error("URL plus headers over Node's 16 KiB limit (the connection is closed)", "REQUEST.HEADERS_TOO_LARGE", "PROXY.HEADERS_TOO_LARGE"),
};
const use = (name: keyof typeof responses) => ({ $ref: `#/components/responses/${name}` }) as unknown as OpenApiOperation["responses"][string];

/** Adds `codes` to the documented error response `status` of `op` (creating it with `description`). */
function addError(op: OpenApiOperation, status: number, description: string, codes: string[]): void {
  const existing = op.responses[status]?.content?.["application/json"]?.schema as { allOf?: { properties?: { code?: { enum?: string[] } } }[] } | undefined;
  const known = existing?.allOf?.[1]?.properties?.code?.enum;
  if (known) known.push(...codes.filter((c) => !known.includes(c)));
  else op.responses[status] = { ...op.responses[status], ...json(errorSchema(codes), op.responses[status]?.description ?? description) };
}

/**
 * The answers that apply to whole classes of operations, so no fragment can forget them: 405/408/431 everywhere; a body's
 * 400/413/415; a path parameter's malformed %-escape; for the API, the database or an extracted module down (503)
 * and what the proxy in front answers itself (502/503/504).
 */
function withCommonAnswers(path: string, op: OpenApiOperation): OpenApiOperation {
  const out: OpenApiOperation = { ...op, responses: { ...op.responses, 405: use("MethodNotAllowed"), 408: use("Timeout"), 431: use("HeadersTooLarge") } };
  if (op.requestBody) {
    addError(out, 400, "invalid body", ["REQUEST.INVALID_JSON", "REQUEST.INVALID"]);
    out.responses[413] = use("TooLarge");
    out.responses[415] = use("UnsupportedMediaType");
  }
  if (op.parameters?.some((p) => p.in === "path")) addError(out, 400, "bad path", ["REQUEST.INVALID"]);
  if (path.startsWith("/api/")) {
    addError(out, 400, "through the proxy: a request target with no safe normalised form", ["PROXY.BAD_REQUEST"]);
    addError(out, 502, "through the proxy: the upstream failed and no fallback answered", ["PROXY.UPSTREAM_ERROR", "PROXY.UPSTREAM_UNAVAILABLE"]);
    addError(out, 503, "a dependency (the database, an extracted module) is down; through the proxy also overload", ["DEPENDENCY.UNAVAILABLE", "PROXY.OVERLOADED"]);
    addError(out, 504, "through the proxy: the upstream timed out", ["PROXY.UPSTREAM_TIMEOUT"]);
  }
  return out;
}

/** Assembles one OpenAPI 3 document from the fragments of the modules a server hosts. */
export function buildOpenApi(title: string, fragments: OpenApiFragment[]) {
  const paths: OpenApiFragment["paths"] = Object.assign({}, health, ...fragments.map((f) => f.paths));
  const completed = Object.fromEntries(
    Object.entries(paths).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, withCommonAnswers(path, structuredClone(op))]))]),
  );
  return {
    openapi: "3.0.3",
    info: { title, version: "1.0.0", description: DESCRIPTION },
    paths: completed,
    components: {
      schemas: Object.assign({}, commonSchemas, ...fragments.map((f) => f.schemas)),
      responses,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
