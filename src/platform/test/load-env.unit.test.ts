import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Joi from "joi";
import { ConfigError as AppConfigError, loadConfig } from "../config/config.js";
import { ConfigError, loadEnv, loadLogLevel } from "../config/load-env.js";
import { loadProxyConfig } from "../../../proxy/src/config/proxy.config.js";

const thrownBy = (fn: () => unknown): unknown => {
  try {
    return void fn();
  } catch (e) {
    return e;
  }
};
function problemsOf(fn: () => unknown): string[] {
  const error = thrownBy(fn);
  assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
  return error.problems;
}

describe("loadEnv (the one config loader of the app and the proxy)", () => {
  const schema = Joi.object({ A: Joi.number().integer().required(), B: Joi.string().default("b") }).unknown(true);

  it("when the environment is valid, then the mapped config comes back frozen, empty strings counting as unset", () => {
    const c = loadEnv(schema, { A: "3", B: "" }, (v) => ({ a: v.A as number, nested: { b: v.B as string } }));
    assert.deepEqual(c, { a: 3, nested: { b: "b" } });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.nested));
  });

  it("when the schema and the cross-key check both find problems, then one ConfigError lists them all", () => {
    const problems = problemsOf(() => loadEnv(schema, { B: "x" }, () => ({}), { check: (v) => (v.B === "x" ? ["B must not be x"] : []) }));
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.ok(problems.some((p) => p.includes('"A"')) && problems.includes("B must not be x"));
  });

  it("when LOG_LEVEL is not a level, then the app config, the proxy config and the log-level loader all reject it", () => {
    assert.equal(AppConfigError, ConfigError);
    for (const load of [() => loadConfig({ LOG_LEVEL: "loud" }), () => loadProxyConfig({ LOG_LEVEL: "loud" }), () => loadLogLevel({ LOG_LEVEL: "loud" })])
      assert.ok(problemsOf(load).some((p) => p.includes("LOG_LEVEL")));
    assert.equal(loadLogLevel({}), "info");
    assert.equal(loadLogLevel({ LOG_LEVEL: "debug" }), "debug");
  });
});
