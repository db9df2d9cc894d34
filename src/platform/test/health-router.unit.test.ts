import assert from "node:assert/strict";
import { describe, it } from "node:test";
import express from "express";
import request from "supertest";
import { createHealthRouter } from "../health/health.router.js";
import type { Logger } from "../logger/logger.js";

type Line = { level: string; message: string; meta?: Record<string, unknown> };
function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, meta });
  const logger: Logger = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), child: () => logger };
  return logger;
}

const SECRET_ERROR = 'connect ECONNREFUSED 10.1.2.3:5432 (role "strangler" password authentication failed)';

describe("health router", () => {
  it("when a readiness check fails, then /ready is 503 naming it without the error text, and the error is logged once per interval", async () => {
    const lines: Line[] = [];
    const app = express().use(
      createHealthRouter([{ name: "database", check: () => Promise.reject(new Error(SECRET_ERROR)) }, { name: "other", check: async () => {} }], {
        logger: recordingLogger(lines),
        logIntervalMs: 60_000,
      }),
    );
    const first = await request(app).get("/ready");
    const second = await request(app).get("/ready");
    for (const res of [first, second]) {
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { status: "unavailable", failing: ["database"], checks: { database: { status: "fail" }, other: { status: "ok" } } });
      assert.doesNotMatch(res.text, /ECONNREFUSED|10\.1\.2\.3|password/);
    }
    const warnings = lines.filter((l) => l.level === "warn");
    assert.equal(warnings.length, 1, "rate-limited: one warning for two failing probes");
    assert.equal(warnings[0]!.meta?.error, SECRET_ERROR);
    assert.equal(warnings[0]!.meta?.check, "database");
  });

  it("when checks pass, then /ready is 200, and /health/details shows the diagnostics, errors included", async () => {
    const app = express().use(
      createHealthRouter([{ name: "database", check: async () => {} }], {
        details: [
          { name: "messaging", describe: async () => ({ kind: "kafka", broker: { status: "down", error: "Connection error: ECONNREFUSED" } }) },
          { name: "outbox.orders", describe: () => Promise.reject(new Error("relation does not exist")) },
        ],
      }),
    );
    const ready = await request(app).get("/ready");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: "ready", checks: { database: { status: "ok" } } });
    const details = await request(app).get("/health/details");
    assert.equal(details.status, 200);
    assert.equal(details.body.status, "ready");
    assert.deepEqual(details.body.checks, { database: { status: "ok" } });
    assert.deepEqual(details.body.messaging, { kind: "kafka", broker: { status: "down", error: "Connection error: ECONNREFUSED" } });
    assert.deepEqual(details.body["outbox.orders"], { status: "fail", error: "relation does not exist" });
  });

  it("when a check hangs, then /ready answers 503 within the timeout and /health/details says why", async () => {
    const app = express().use(createHealthRouter([{ name: "database", check: () => new Promise<void>(() => {}) }], { timeoutMs: 50 }));
    const ready = await request(app).get("/ready");
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.failing, ["database"]);
    const details = await request(app).get("/health/details");
    assert.deepEqual(details.body.checks, { database: { status: "fail", error: "database did not answer within 50 ms" } });
  });
});
