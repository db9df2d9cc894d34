import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import Joi from "joi";

/** A strategy as Unleash serves it on /api/client/features. */
export interface FlagStrategy {
  name: string;
  parameters?: Record<string, string>;
  constraints?: unknown[];
  [key: string]: unknown;
}

/** A feature flag in Unleash's own client format — what the flags file holds. */
export interface FlagFeature {
  name: string;
  enabled: boolean;
  type?: string;
  description?: string;
  strategies: FlagStrategy[];
  [key: string]: unknown;
}

export interface FlagsFileContent {
  version: number;
  features: FlagFeature[];
}

const schema = Joi.object({
  version: Joi.number().integer().default(2),
  features: Joi.array()
    .items(
      Joi.object({
        name: Joi.string().required(),
        enabled: Joi.boolean().required(),
        strategies: Joi.array().items(Joi.object({ name: Joi.string().required(), parameters: Joi.object() }).unknown(true)).required(),
      }).unknown(true),
    )
    .unique("name")
    .required(),
}).unknown(true);

/** Reads the flags file; `undefined` when it does not exist, throws on invalid content. */
export function readFlagsFile(file: string): FlagsFileContent | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  return parseFlagsFile(text, file);
}

export function parseFlagsFile(text: string, file = "flags file"): FlagsFileContent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const { error, value } = schema.validate(raw, { abortEarly: false });
  if (error) throw new Error(`${file}: ${error.details.map((d) => d.message).join("; ")}`);
  return value as FlagsFileContent;
}

/** Writes atomically (temp file + rename) so a watcher never reads half a file. */
export function writeFlagsFile(file: string, content: FlagsFileContent): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The strategy `strangler flags` manages: a flexibleRollout, sticky on the default stickiness (userId, then sessionId). */
export function rolloutStrategy(flag: string, percent: number): FlagStrategy {
  return { name: "flexibleRollout", constraints: [], parameters: { rollout: String(percent), stickiness: "default", groupId: flag } };
}

export interface FlagSummary {
  readonly exists: boolean;
  readonly enabled: boolean;
  /** Share of users sent to the extracted service (0–100), null when it cannot be expressed as one number. */
  readonly rollout: number | null;
  /** True when other strategies/constraints are involved, so `rollout` is only part of the story. */
  readonly custom: boolean;
}

/** Summarises a flag for humans: off, on at X %, or custom. Works on client and admin (per-environment) shapes. */
export function summarizeFlag(feature: { enabled: boolean; strategies?: FlagStrategy[] } | undefined): FlagSummary {
  if (!feature) return { exists: false, enabled: false, rollout: null, custom: false };
  const strategies = (feature.strategies ?? []).filter((s) => s["disabled"] !== true);
  const flexible = strategies.find((s) => s.name === "flexibleRollout");
  const rollout = flexible ? Number(flexible.parameters?.rollout ?? 0) : strategies.length === 0 || strategies.some(isPlainDefault) ? 100 : null;
  const custom = strategies.length > 1 || strategies.some((s) => (s.constraints?.length ?? 0) > 0 || (s["segments"] as unknown[] | undefined)?.length) || (strategies.length === 1 && !flexible && !isPlainDefault(strategies[0]!));
  return { exists: true, enabled: feature.enabled, rollout: Number.isFinite(rollout) ? rollout : null, custom };
}

const isPlainDefault = (s: FlagStrategy): boolean => s.name === "default" && !(s.constraints?.length ?? 0);
