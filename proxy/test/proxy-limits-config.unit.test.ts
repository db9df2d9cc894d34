import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/platform/config/load-env.js";
import { loadProxyConfig } from "../src/config/proxy.config.js";

describe("proxy limits configuration (body read-ahead and timeout, identity cache)", () => {
  it("when nothing is set, then the documented defaults apply", () => {
    const c = loadProxyConfig({});
    assert.deepEqual([c.bodyBufferBytes, c.bodyTimeoutMs, c.identityCacheMaxBytes], [65_536, 30_000, 1_048_576]);
  });

  it("when set, then the values are taken; 0 turns read-ahead and cache off", () => {
    const c = loadProxyConfig({ BODY_BUFFER_BYTES: "0", BODY_TIMEOUT_MS: "1500", IDENTITY_CACHE_MAX_BYTES: "0" });
    assert.deepEqual([c.bodyBufferBytes, c.bodyTimeoutMs, c.identityCacheMaxBytes], [0, 1_500, 0]);
  });

  it("when a value is out of range, then every problem is listed", () => {
    try {
      loadProxyConfig({ BODY_BUFFER_BYTES: "-1", BODY_TIMEOUT_MS: "10", IDENTITY_CACHE_MAX_BYTES: "lots" });
      assert.fail("expected a configuration error");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      for (const key of ["BODY_BUFFER_BYTES", "BODY_TIMEOUT_MS", "IDENTITY_CACHE_MAX_BYTES"]) assert.ok(e.problems.some((p) => p.includes(key)), key);
    }
  });
});
