import Joi from "joi";
import { deepFreeze } from "./deep-freeze.js";

/** Every problem of a configuration (environment, route table), listed together so one start-up shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** The log levels every role and the proxy accept (winston's npm levels). */
export const LOG_LEVEL = Joi.string().valid("error", "warn", "info", "http", "verbose", "debug", "silly").default("info");

/** Validated, converted values by env name (Joi's output is untyped; each loader maps it to its typed config). */
export type EnvValues = Record<string, any>;

/**
 * The one config loader: validates `env` against a Joi schema (empty strings count as unset, `abortEarly: false`
 * so every problem is reported, values converted), adds the problems `check` finds across keys, maps the values
 * with `toConfig` and returns the result frozen. Throws ConfigError listing every problem.
 * @example const { logLevel } = loadEnv(Joi.object({ LOG_LEVEL }).unknown(true), process.env, (v) => ({ logLevel: v.LOG_LEVEL as string }));
 */
export function loadEnv<C>(
  schema: Joi.ObjectSchema,
  env: NodeJS.ProcessEnv,
  toConfig: (values: EnvValues) => C,
  options: { context?: Record<string, unknown>; check?: (values: EnvValues) => string[] } = {},
): C {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const { error, value } = schema.validate(cleaned, { abortEarly: false, convert: true, context: options.context });
  const problems = error ? error.details.map((d) => d.message) : [];
  problems.push(...(options.check?.(value) ?? []));
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(toConfig(value));
}

/** Only the logging settings: for a role that needs its logger before its own configuration is loaded. */
export const loadLogLevel = (env: NodeJS.ProcessEnv): string =>
  loadEnv(Joi.object({ LOG_LEVEL }).unknown(true), env, (v) => v.LOG_LEVEL as string);
