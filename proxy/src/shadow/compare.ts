import diff from "microdiff";
import { pointerOf, type IgnoreMatcher } from "./ignore-rules.js";

/** One side's answer, as the shadow stage kept it: the body only up to SHADOW_BODY_MAX_BYTES. */
export interface CapturedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  /** The body was longer than the limit: it is not compared. */
  readonly truncated: boolean;
}

/** One difference, readable: where, and the two values (monolith's, service's). */
export interface DiffEntry {
  readonly path: string;
  readonly monolith: unknown;
  readonly service: unknown;
}

export interface Comparison {
  readonly result: "match" | "mismatch" | "noise";
  /** The differences that count (mismatch). */
  readonly diffs: readonly DiffEntry[];
  /** Fields that differed but are noise: a fresh UUID or timestamp on both sides, or unstable on the monolith. */
  readonly noise: readonly string[];
}

/** Headers compared (a short allow-list); everything else differs by nature (date, server, content-length…). */
export const COMPARED_HEADERS = ["content-type", "location", "cache-control"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const UUID_INSIDE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const maskVolatile = (value: string): string => value.replace(UUID_INSIDE, "<uuid>");

/** A value that is fresh on every answer: a UUID or an ISO timestamp. */
export function isVolatile(value: unknown): boolean {
  return typeof value === "string" && (UUID.test(value) || ISO_TIME.test(value));
}

/**
 * Compares the monolith's answer with the service's: the status, the allow-listed headers, and the bodies —
 * structurally when both are JSON, byte for byte otherwise. Ignored paths (routes.yaml) are dropped; a field
 * that is volatile on both sides, or that differed between two monolith answers to the same read (`second`),
 * is noise, never a mismatch.
 */
export function compareResponses(monolith: CapturedResponse, service: CapturedResponse, ignored: IgnoreMatcher, second?: CapturedResponse): Comparison {
  const diffs: DiffEntry[] = [];
  const noise: string[] = [];
  if (monolith.status !== service.status) diffs.push({ path: "status", monolith: monolith.status, service: service.status });
  for (const name of COMPARED_HEADERS) {
    const a = normaliseHeader(name, monolith.headers[name]);
    const b = normaliseHeader(name, service.headers[name]);
    if (a === b) continue;
    // A created resource's Location names its fresh id on each side (/api/orders/<uuid>): noise, like the body's id.
    if (a !== undefined && b !== undefined && maskVolatile(a) === maskVolatile(b)) noise.push(`header ${name}`);
    else diffs.push({ path: `header ${name}`, monolith: a, service: b });
  }
  if (!monolith.truncated && !service.truncated) compareBodies(monolith, service, ignored, second, diffs, noise);
  const result = diffs.length > 0 ? "mismatch" : noise.length > 0 ? "noise" : "match";
  return { result, diffs, noise };
}

function compareBodies(
  monolith: CapturedResponse,
  service: CapturedResponse,
  ignored: IgnoreMatcher,
  second: CapturedResponse | undefined,
  diffs: DiffEntry[],
  noise: string[],
): void {
  const a = jsonOf(monolith);
  const b = jsonOf(service);
  if (a === undefined || b === undefined) {
    if (!monolith.body.equals(service.body)) diffs.push({ path: "body", monolith: preview(monolith.body), service: preview(service.body) });
    return;
  }
  const unstable = unstablePaths(a, second, ignored);
  for (const d of diff(wrap(a), wrap(b))) {
    const path = d.path.slice(1); // below the wrapper
    if (ignored(path)) continue;
    const pointer = pointerOf(path);
    const before = d.type === "CREATE" ? undefined : d.oldValue;
    const after = d.type === "REMOVE" ? undefined : d.value;
    if (unstable.has(pointer) || (isVolatile(before) && isVolatile(after))) noise.push(pointer);
    else diffs.push({ path: pointer, monolith: before, service: after });
  }
}

/** The fields that differ between two monolith answers to the same read: noise by definition. */
function unstablePaths(first: unknown, second: CapturedResponse | undefined, ignored: IgnoreMatcher): Set<string> {
  const paths = new Set<string>();
  const other = second === undefined || second.truncated ? undefined : jsonOf(second);
  if (other === undefined) return paths;
  for (const d of diff(wrap(first), wrap(other))) if (!ignored(d.path.slice(1))) paths.add(pointerOf(d.path.slice(1)));
  return paths;
}

/** microdiff compares objects and arrays; a top-level scalar goes in a one-field wrapper. */
const wrap = (value: unknown): Record<string, unknown> => ({ "": value });

function jsonOf(r: CapturedResponse): unknown {
  if (!/[/+]json\b/i.test(r.headers["content-type"] ?? "") || r.body.length === 0) return undefined;
  try {
    return JSON.parse(r.body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function normaliseHeader(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return name === "content-type" ? value.toLowerCase().replace(/\s+/g, "") : value;
}

const preview = (body: Buffer): string => {
  const text = body.subarray(0, 200).toString("utf8");
  return body.length > 200 ? text + "…" : text;
};
