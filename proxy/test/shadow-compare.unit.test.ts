import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareResponses, type CapturedResponse } from "../src/shadow/compare.js";
import { compileIgnoreRules } from "../src/shadow/ignore-rules.js";

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };
const answer = (body: unknown, status = 200, headers: Record<string, string> = JSON_TYPE): CapturedResponse => ({
  status,
  headers,
  body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  truncated: false,
});
const none = compileIgnoreRules([]);

describe("shadow comparison (monolith's answer vs the service's)", () => {
  it("when the bodies are the same JSON in another key order, then it is a match", () => {
    const c = compareResponses(answer({ sku: "A", quantity: 3 }), answer({ quantity: 3, sku: "A" }), none);
    assert.deepEqual(c, { result: "match", diffs: [], noise: [] });
  });

  it("when a field differs, then it is a mismatch naming the field and both values", () => {
    const c = compareResponses(answer({ sku: "A", quantity: 3 }), answer({ sku: "A", quantity: 4 }), none);
    assert.equal(c.result, "mismatch");
    assert.deepEqual(c.diffs, [{ path: "/quantity", monolith: 3, service: 4 }]);
  });

  it("when the status or an allow-listed header differs, then it is a mismatch; other headers are not compared", () => {
    const c = compareResponses(answer({}, 200, { ...JSON_TYPE, date: "x" }), answer({}, 404, { "content-type": "text/plain", date: "y" }), none);
    assert.deepEqual(c.diffs.map((d) => d.path), ["status", "header content-type"]);
  });

  it("when a created resource's Location differs only in its fresh id, then it is noise; another path is a mismatch", () => {
    const at = (location: string) => answer({}, 201, { ...JSON_TYPE, location });
    const fresh = compareResponses(at("/api/orders/0b6c2f1e-8c4d-4f0a-9a57-1d2e3f4a5b6c"), at("/api/orders/7d1e0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"), none);
    assert.deepEqual(fresh, { result: "noise", diffs: [], noise: ["header location"] });
    const elsewhere = compareResponses(at("/api/orders/0b6c2f1e-8c4d-4f0a-9a57-1d2e3f4a5b6c"), at("/api/users/7d1e0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"), none);
    assert.equal(elsewhere.result, "mismatch");
  });

  it("when ids and timestamps are fresh on both sides, then they are noise, not a mismatch", () => {
    const m = answer({ id: "0b6c2f1e-8c4d-4f0a-9a57-1d2e3f4a5b6c", createdAt: "2026-12-02T21:00:00.123Z", quantity: 3 });
    const s = answer({ id: "7d1e0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", createdAt: "2026-12-02T21:00:01.456Z", quantity: 3 });
    const c = compareResponses(m, s, none);
    assert.equal(c.result, "noise");
    assert.deepEqual(c.noise, ["/id", "/createdAt"]);
  });

  it("when a field differs between two monolith answers to the same read, then it is noise", () => {
    const c = compareResponses(answer({ served: 17, quantity: 3 }), answer({ served: 99, quantity: 3 }), none, answer({ served: 18, quantity: 3 }));
    assert.deepEqual([c.result, c.noise], ["noise", ["/served"]]);
  });

  it("when ignore rules name a path (pointer, wildcard, dotted), then differences there are dropped", () => {
    const ignored = compileIgnoreRules(["/version", "/items/*/id", "meta.trace"]);
    const m = answer({ version: 1, items: [{ id: 1, q: 1 }, { id: 2, q: 2 }], meta: { trace: "a" } });
    const s = answer({ version: 2, items: [{ id: 8, q: 1 }, { id: 9, q: 5 }], meta: { trace: "b" } });
    assert.deepEqual(compareResponses(m, s, ignored).diffs, [{ path: "/items/1/q", monolith: 2, service: 5 }]);
  });

  it("when a body is not JSON, then it is compared byte for byte", () => {
    const text = { "content-type": "text/plain" };
    assert.equal(compareResponses(answer("ok", 200, text), answer("ok", 200, text), none).result, "match");
    assert.deepEqual(compareResponses(answer("ok", 200, text), answer("no", 200, text), none).diffs, [{ path: "body", monolith: "ok", service: "no" }]);
  });

  it("when a body was cut at the size limit, then only status and headers are compared", () => {
    const cut = { ...answer({ quantity: 4 }), truncated: true };
    assert.equal(compareResponses(answer({ quantity: 3 }), cut, none).result, "match");
  });
});
