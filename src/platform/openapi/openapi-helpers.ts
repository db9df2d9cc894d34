/** Small builders so each module's OpenAPI fragment reads like the contract in API.md. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
export const body = (schema: Schema) => ({ required: true, content: { "application/json": { schema } } });
export const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: "object", properties, required });
export const str = (extra: Schema = {}): Schema => ({ type: "string", ...extra });
export const uuid: Schema = { type: "string", format: "uuid" };
export const dateTime: Schema = { type: "string", format: "date-time" };

/** The error body of this response, with the codes it can carry (README's error table is checked against them). */
export const errorSchema = (codes: string[]): Schema => ({ allOf: [ref("Error"), { type: "object", properties: { code: { type: "string", enum: codes } } }] });
export const error = (description: string, ...codes: string[]) => json(errorSchema(codes), description);

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Schema }>;
  /** How the stateful phase (schemathesis) chains calls: create → get → update. */
  links?: Record<string, { operationId: string; parameters: Record<string, string> }>;
}

export interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, OpenApiResponse>;
  [extension: string]: unknown;
}

export interface OpenApiFragment {
  paths: Record<string, Record<string, OpenApiOperation>>;
  schemas: Record<string, Schema>;
}
