import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { send } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { eventually, type StartedProcess, startProcess } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// Shadow traffic with the flags file: real stand-in processes, the proxy in-process. The monolith and the
// inventory stand-in answer /…/stock/<sku> alike (quantity 5); the orders stand-in is "wrong" (quantity 7);
// the users route points at a closed port. One mirror at a time, one waiting: the rest are dropped.
let monolith: StartedProcess;
let inventory: StartedProcess;
let orders: StartedProcess;
let proxy: TestProxy;
const quiet = { out: () => undefined, err: (l: string) => console.error(l) };

interface Shadow {
  percent: number | null;
  compared: number;
  matched: number;
  mismatched: number;
  noise: number;
  errors: number;
  dropped: number;
  parity: number | null;
  noiseFields: string[];
  samples: { method: string; path: string; monolithStatus: number; serviceStatus: number | null; diff: { path: string; monolith: unknown; service: unknown }[] }[];
}
const shadowOf = async (module: string): Promise<Shadow> =>
  (await send(`${proxy.adminUrl}/_strangler/status`)).json<{ routes: { module: string; shadow: Shadow }[] }>().routes.find((r) => r.module === module)!.shadow;
const shadowAt = async (module: string, pct: string) => {
  assert.equal(await runFlagsCommand(["shadow", module, pct], proxy.env, quiet), 0);
  const want = pct === "off" ? 0 : Number(pct);
  await eventually(async () => (await shadowOf(module)).percent === want, `${module} shadow at ${pct}`, 5_000);
};
const settled = (module: string, compared: number) => eventually(async () => (await shadowOf(module)).compared >= compared, `${module}: ${compared} compared`, 10_000);

before(async () => {
  [monolith, inventory, orders] = await Promise.all([
    startProcess(nameUpstream("monolith")),
    startProcess(nameUpstream("inventory")),
    startProcess(nameUpstream("orders", undefined, { STOCK_QUANTITY: "7" })),
  ]);
  const ignore = { ignore: ["/instance"] };
  proxy = await startTestProxy(
    testProxyEnv(
      monolith.url,
      [
        { prefix: "/api/inventory", module: "inventory", flag: "strangler.inventory", url: inventory.url, shadow: ignore },
        { prefix: "/api/orders", module: "orders", flag: "strangler.orders", url: orders.url, shadow: ignore },
        { prefix: "/api/users", module: "users", flag: "strangler.users", url: "http://127.0.0.1:9" },
      ],
      { SHADOW_CONCURRENCY: "1", SHADOW_QUEUE_MAX: "1", SHADOW_TIMEOUT_MS: "3000" },
    ),
  );
});
after(async () => {
  await proxy?.close();
  await Promise.all([monolith, inventory, orders].map((u) => u?.kill()));
  if (proxy) removeDir(proxy.dataDir);
});

describe("shadow traffic (flags file)", () => {
  it("when the shadow flag is off, then no read is mirrored", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await send(`${proxy.url}/api/inventory/stock/a`)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await shadowOf("inventory"), { ...(await shadowOf("inventory")), percent: 0, compared: 0, parity: null });
  });

  it("when the service answers alike, then parity is 100 % and ids, timestamps and unstable fields are noise", async () => {
    await shadowAt("inventory", "100");
    for (let i = 0; i < 4; i++) {
      const r = await send(`${proxy.url}/api/inventory/stock/a`);
      assert.equal(r.headers["x-upstream"], "monolith", "the client is answered by the monolith");
      await settled("inventory", i + 1);
    }
    const s = await shadowOf("inventory");
    assert.deepEqual([s.compared, s.matched, s.mismatched, s.parity, s.samples], [4, 4, 0, 100, []]);
    assert.equal(s.noise, 4);
    for (const field of ["/id", "/createdAt", "/nonce"]) assert.ok(s.noiseFields.includes(field), `${field} is noise: ${s.noiseFields}`);
    assert.ok(!s.noiseFields.includes("/instance"), "an ignored path is neither noise nor mismatch");
  });

  it("when the service answers a different quantity, then it is a mismatch with its diff in the samples and the metric", async () => {
    await shadowAt("orders", "100");
    await send(`${proxy.url}/api/orders/stock/b?x=1`);
    await settled("orders", 1);
    const s = await shadowOf("orders");
    assert.deepEqual([s.compared, s.mismatched, s.parity], [1, 1, 0]);
    const sample = s.samples[0]!;
    assert.deepEqual([sample.method, sample.path, sample.monolithStatus, sample.serviceStatus], ["GET", "/api/orders/stock/b?x=1", 200, 200]);
    assert.deepEqual(sample.diff, [{ path: "/quantity", monolith: 5, service: 7 }]);
    const metrics = (await send(`${proxy.adminUrl}/metrics`)).text;
    assert.match(metrics, /strangler_shadow_requests_total\{route="orders",result="mismatch"\} 1/);
    assert.match(metrics, /strangler_shadow_requests_total\{route="inventory",result="noise"\} 4/);
  });

  it("when a write comes in, then it is never mirrored (reads only until writes can run dry)", async () => {
    const before = (await shadowOf("orders")).compared;
    assert.equal((await send(`${proxy.url}/api/orders/stock/b`, { method: "POST", body: "{}" })).status, 200);
    await send(`${proxy.url}/api/orders/stock/b`);
    await settled("orders", before + 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await shadowOf("orders")).compared, before + 1, "only the GET was compared");
  });

  it("when the shadow target fails or hangs, then the client is answered at once and the mirror counts as an error", async () => {
    await shadowAt("users", "100");
    const started = performance.now();
    const r = await send(`${proxy.url}/api/users/stock/c`);
    assert.equal(r.status, 200);
    await settled("users", 1);
    const failed = await shadowOf("users");
    assert.deepEqual([failed.errors, failed.mismatched, failed.samples[0]!.serviceStatus], [1, 1, null]);
    const hang = await send(`${proxy.url}/api/inventory/slow?ms=2500&only=inventory`);
    assert.equal(hang.status, 200);
    assert.ok(performance.now() - started < 2_000, "neither the failing nor the hanging mirror held the client");
    await eventually(async () => (await shadowOf("inventory")).compared === 5, "the hanging mirror ends", 10_000);
  });

  it("when mirrors are already in flight and waiting, then further ones are dropped and counted", async () => {
    for (let i = 0; i < 6; i++) assert.equal((await send(`${proxy.url}/api/orders/slow?ms=1500&only=orders`)).status, 200);
    const s = await shadowOf("orders");
    assert.ok(s.dropped >= 3, `dropped ${s.dropped}`);
    const metrics = (await send(`${proxy.adminUrl}/metrics`)).text;
    assert.match(metrics, new RegExp(`strangler_shadow_requests_total\\{route="orders",result="dropped"\\} ${s.dropped}`));
    await shadowAt("orders", "off");
  });
});
