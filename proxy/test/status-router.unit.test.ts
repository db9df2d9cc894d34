import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import supertest from "supertest";
import type { StatusSources } from "../src/status/status-snapshot.js";
import { createStatusApp } from "../src/status/status.router.js";

// Only what /ready reads; a flag source whose status() fails stands for a bug behind a proxy endpoint.
const sources = (status: () => unknown) => ({ routes: [], flags: { status } }) as unknown as StatusSources;
const failing = () => {
  throw new Error("ECONNREFUSED 10.0.0.7:4242 /var/lib/secret");
};

describe("the proxy's own endpoints answer errors with the contract's error body", () => {
  const app = createStatusApp(sources(failing), new Registry(), { internals: false });

  it("when a path is not a proxy endpoint, then 404 PROXY.NOT_FOUND with the request's id", async () => {
    const res = await supertest(app).get("/_strangler").set("X-Request-Id", "req-1");
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { code: "PROXY.NOT_FOUND", message: "GET /_strangler is not a proxy endpoint", correlationId: "req-1" });
  });

  it("when no request id came along, then the body still carries a correlationId (never null)", async () => {
    const res = await supertest(app).get("/nope");
    assert.equal(res.status, 404);
    assert.match(res.body.correlationId, /^[0-9a-f-]{36}$/);
  });

  it("when an endpoint fails, then 500 PROXY.INTERNAL without the error's own text", async () => {
    const res = await supertest(app).get("/ready").set("X-Request-Id", "req-2");
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { code: "PROXY.INTERNAL", message: "internal error", correlationId: "req-2" });
    assert.doesNotMatch(res.text, /ECONNREFUSED|secret/);
  });
});
