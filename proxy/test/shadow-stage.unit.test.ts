import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { Registry } from "prom-client";
import { SHADOW_HEADER, sha256Hex, verifyShadow } from "../../src/platform/http/shadow-signature.js";
import type { ProxyRequest } from "../src/request/proxy-request.js";
import type { CompiledRoute } from "../src/routing/route-table.js";
import type { MirrorClient } from "../src/shadow/mirror-client.js";
import { createShadowStage } from "../src/shadow/shadow-stage.js";
import { ShadowStats } from "../src/shadow/shadow-stats.js";

const route = { index: 0, prefix: "/api/inventory", module: "inventory", flag: "strangler.inventory", shadowIgnore: [] } as unknown as CompiledRoute;
const unusedClient = { send: () => Promise.reject(new Error("not sent in this test")), close: () => undefined } as MirrorClient;
const request = (method: string) => ({ method, shadow: undefined }) as unknown as ProxyRequest;

describe("shadow stage: marking a monolith-bound read", () => {
  it("when the route's shadow flag is off, then no flag is evaluated; once on (refresh), reads are, writes never", () => {
    let flagOn = false;
    const evaluated: string[] = [];
    const stage = createShadowStage({
      routes: [route],
      monolithUrl: "http://127.0.0.1:9",
      toShadow: (flag) => (evaluated.push(flag), true),
      isOn: () => flagOn,
      client: unusedClient,
      stats: new ShadowStats(1, 5, new Registry()),
      limits: { queueMax: 1, concurrency: 1, bodyMaxBytes: 1024 },
    });
    const off = request("GET");
    stage.mark(off, route, "u1");
    assert.deepEqual([evaluated, off.shadow], [[], undefined]);
    flagOn = true;
    stage.refresh();
    const read = request("GET");
    const write = request("POST");
    stage.mark(read, route, "u1");
    stage.mark(write, route, "u1");
    assert.deepEqual(evaluated, ["strangler.inventory.shadow"], "only the read asked its flag");
    assert.ok(read.shadow !== undefined && write.shadow === undefined);
  });
});

/** Until the stage's queue is empty and its mirrors done (bounded). */
async function settled(stage: { pending(): number }): Promise<void> {
  await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 500 && stage.pending() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(stage.pending(), 0, "the mirror finished");
}

describe("shadow stage: writes, with SHADOW_SECRET", () => {
  const SECRET = "shadow-secret-shadow-secret-shadow-secret-01";
  /** A monolith answer, streamed into the request's capture as the relay hook would. */
  const answer = (status: number, json: unknown) => {
    const res = Object.assign(new EventEmitter(), { statusCode: status, headers: { "content-type": "application/json" } }) as unknown as IncomingMessage;
    return { res, flow: () => (res.emit("data", Buffer.from(JSON.stringify(json))), res.emit("end")) };
  };
  const stageWith = (send: MirrorClient["send"], secret?: string) => {
    const stats = new ShadowStats(1, 5, new Registry());
    const serviceRoute = { ...route, service: { url: "http://service" } } as unknown as CompiledRoute;
    const stage = createShadowStage({
      routes: [serviceRoute],
      monolithUrl: "http://monolith",
      toShadow: () => true,
      isOn: () => true,
      client: { send, close: () => undefined },
      stats,
      limits: { queueMax: 4, concurrency: 1, bodyMaxBytes: 1024 },
      secret,
    });
    return { stage, stats, serviceRoute };
  };
  const write = (serviceRoute: CompiledRoute, body: Buffer | null) =>
    ({ method: "POST", url: "/api/inventory/update", headers: { "content-type": "application/json" }, route: serviceRoute, shadow: undefined, bodyChunks: body && [body], complete: true, replayed: false }) as unknown as ProxyRequest;

  it("when a write is shadowed, then only the service gets it, signed over its body, and a mismatch is not re-sent to the monolith", async () => {
    const sent: { base: string; headers: Record<string, unknown>; body?: Buffer }[] = [];
    const { stage, stats, serviceRoute } = stageWith(async (base, m) => {
      sent.push({ base, headers: { ...m.headers }, body: m.body });
      return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from('{"quantity":8}'), truncated: false };
    }, SECRET);
    const body = Buffer.from('{"productId":"p","quantity":7}');
    const req = write(serviceRoute, body);
    stage.mark(req, serviceRoute, "u1");
    assert.ok(req.shadow !== undefined, "the write is marked");
    const monolith = answer(200, { quantity: 7 });
    stage.tap(req, monolith.res);
    monolith.flow();
    stage.after(req);
    await settled(stage);
    assert.equal(sent.length, 1, "sent once, to the service only (no monolith re-read for a write)");
    assert.equal(sent[0]!.base, "http://service");
    assert.deepEqual(sent[0]!.body, body);
    const verdict = verifyShadow(SECRET, String(sent[0]!.headers[SHADOW_HEADER]), { method: "POST", url: "/api/inventory/update", bodySha256: sha256Hex(body) });
    assert.deepEqual(verdict, { ok: true });
    const shown = stats.snapshot(0, 100);
    assert.deepEqual([shown.compared, shown.mismatched, shown.samples[0]?.diff], [1, 1, [{ path: "/quantity", monolith: 7, service: 8 }]]);
  });

  it("when a write's body was not kept whole, then it is dropped, never sent unsigned or half", async () => {
    let sends = 0;
    const { stage, stats, serviceRoute } = stageWith(async () => (sends++, { status: 200, headers: {}, body: Buffer.alloc(0), truncated: false }), SECRET);
    const req = write(serviceRoute, null);
    stage.mark(req, serviceRoute, "u1");
    const monolith = answer(200, {});
    stage.tap(req, monolith.res);
    monolith.flow();
    stage.after(req);
    await settled(stage);
    assert.deepEqual([sends, stats.snapshot(0, 100).dropped], [0, 1]);
  });

  it("when there is no SHADOW_SECRET, then writes are never marked", () => {
    const { stage, serviceRoute } = stageWith(unusedClient.send);
    const req = write(serviceRoute, Buffer.from("{}"));
    stage.mark(req, serviceRoute, "u1");
    assert.equal(req.shadow, undefined);
  });
});
