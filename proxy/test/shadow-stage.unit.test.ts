import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
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
