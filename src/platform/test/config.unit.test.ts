import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../config/config.js";

describe("config", () => {
  it("applies documented defaults on an empty environment", () => {
    const c = loadConfig({});
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.dataDir, "./data");
    assert.equal(c.bodyLimit, "100kb");
    assert.equal(c.kafka.brokers, undefined);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.kafka));
  });
  it("lists every problem at once", () => {
    try {
      loadConfig({ PORT: "99999", DATABASE_URL: "mysql://x", JWT_SECRET: "short", KAFKA_BROKERS: "nohost", LOG_LEVEL: "loud" });
      assert.fail("expected ConfigError");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 5, e.problems.join("\n"));
    }
  });
  it("takes SHADOW_SECRET (>= 32 chars) and sizes the dry runs to half the pool unless SHADOW_DRY_RUN_MAX says otherwise", () => {
    assert.deepEqual(loadConfig({}).shadow, { secret: undefined, maxInFlight: 5, timeoutMs: 10_000 });
    const secret = "s".repeat(32);
    assert.deepEqual(loadConfig({ SHADOW_SECRET: secret, DB_POOL_SIZE: "4", SHADOW_DRY_RUN_TIMEOUT_MS: "3000" }).shadow, { secret, maxInFlight: 2, timeoutMs: 3_000 });
    assert.equal(loadConfig({ DB_POOL_SIZE: "1" }).shadow.maxInFlight, 1);
    assert.equal(loadConfig({ SHADOW_DRY_RUN_MAX: "3" }).shadow.maxInFlight, 3);
    assert.throws(() => loadConfig({ SHADOW_SECRET: "short" }), /SHADOW_SECRET must be at least 32 characters/);
  });
  it("refuses a production database without a JWT secret or JWKS", () => {
    assert.throws(() => loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://u:p@h/db" }), /JWT_SECRET/);
    assert.doesNotThrow(() => loadConfig({ NODE_ENV: "production" }));
  });
  it("keeps the API.md topic names unless KAFKA_NAMESPACE prefixes them, and refuses an illegal prefix", () => {
    assert.equal(loadConfig({}).kafka.namespace, "");
    assert.equal(loadConfig({ KAFKA_NAMESPACE: "team-a." }).kafka.namespace, "team-a.");
    assert.throws(() => loadConfig({ KAFKA_NAMESPACE: "team a/" }), /KAFKA_NAMESPACE/);
  });
  it("treats empty strings as unset", () => {
    assert.equal(loadConfig({ DATABASE_URL: "" }).databaseUrl, undefined);
  });
});
