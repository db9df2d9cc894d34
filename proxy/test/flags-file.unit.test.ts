import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFlagsFile, rolloutStrategy, summarizeFlag } from "../src/flags/flags-file.js";

describe("flag summary (status page and `flags list`)", () => {
  it("reads the rollout of a flexibleRollout strategy", () => {
    assert.deepEqual(summarizeFlag({ enabled: true, strategies: [rolloutStrategy("f", 40)] }), { exists: true, enabled: true, rollout: 40, custom: false });
  });

  it("treats no strategy or a plain default strategy as 100 % (Unleash semantics)", () => {
    assert.equal(summarizeFlag({ enabled: true, strategies: [] }).rollout, 100);
    assert.equal(summarizeFlag({ enabled: true, strategies: [{ name: "default" }] }).rollout, 100);
  });

  it("flags constraints, extra strategies or unknown strategies as custom", () => {
    const constrained = { ...rolloutStrategy("f", 10), constraints: [{ contextName: "userId", operator: "IN", values: ["a"] }] };
    assert.equal(summarizeFlag({ enabled: true, strategies: [constrained] }).custom, true);
    assert.equal(summarizeFlag({ enabled: true, strategies: [rolloutStrategy("f", 10), { name: "userWithId" }] }).custom, true);
    assert.deepEqual(summarizeFlag({ enabled: true, strategies: [{ name: "userWithId" }] }), { exists: true, enabled: true, rollout: null, custom: true });
  });

  it("ignores strategies disabled in the Admin API", () => {
    assert.equal(summarizeFlag({ enabled: true, strategies: [{ name: "default", disabled: true }, rolloutStrategy("f", 5)] }).rollout, 5);
  });

  it("reports a missing flag as such", () => {
    assert.deepEqual(summarizeFlag(undefined), { exists: false, enabled: false, rollout: null, custom: false });
  });
});

describe("flags file format", () => {
  it("accepts Unleash's client feature format", () => {
    const content = parseFlagsFile(JSON.stringify({ version: 2, features: [{ name: "f", enabled: true, strategies: [rolloutStrategy("f", 1)], impressionData: false }] }));
    assert.equal(content.features[0]!.name, "f");
  });

  it("rejects invalid JSON and invalid features with a readable reason", () => {
    assert.throws(() => parseFlagsFile("{"), /not valid JSON/);
    assert.throws(() => parseFlagsFile(JSON.stringify({ features: [{ name: "f", enabled: "yes", strategies: [] }] })), /enabled/);
    assert.throws(() => parseFlagsFile(JSON.stringify({ features: [{ name: "f", enabled: true, strategies: [] }, { name: "f", enabled: false, strategies: [] }] })), /duplicate/);
  });
});
