import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { runLoad, send } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { deleteFlags, ensureUnleash, eventually, type StartedProcess, startProcess, UNLEASH } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// The shadow flag in the REAL Unleash server (Admin API via `strangler flags shadow`), read by the proxy's SDK;
// the inventory stand-in is deliberately wrong (quantity 7 where the monolith says 5). Flags named for this file.
const FLAG = "strangler.it-shadow.inventory";
const SHADOW_FLAG = `${FLAG}.shadow`;
const USERS = Array.from({ length: 200 }, (_, i) => `itshadow${String(i).padStart(4, "0")}`);
let monolith: StartedProcess;
let inventory: StartedProcess;
let proxy: TestProxy;
let env: NodeJS.ProcessEnv;
const io = { out: () => undefined, err: (l: string) => console.error(l) };
const flags = (...args: string[]) => runFlagsCommand(args, env, io);
interface Shadow {
  percent: number | null;
  compared: number;
  mismatched: number;
  parity: number | null;
  samples: { diff: { path: string; monolith: unknown; service: unknown }[] }[];
}
const shadow = async () => (await send(`${proxy.adminUrl}/_strangler/status`)).json<{ routes: { shadow: Shadow }[] }>().routes[0]!.shadow;
const readAsEveryone = () =>
  runLoad({ concurrency: 8, durationMs: 60_000, maxCount: USERS.length }, async (i) => {
    const r = await send(`${proxy.url}/api/inventory/stock/a`, { headers: { cookie: `strangler_sid=${USERS[i]}` } });
    assert.equal(r.json().quantity, 5, "the client always gets the monolith's answer");
  });

before(async () => {
  await ensureUnleash();
  [monolith, inventory] = await Promise.all([startProcess(nameUpstream("monolith")), startProcess(nameUpstream("inventory", undefined, { STOCK_QUANTITY: "7" }))]);
  const unleashEnv = { UNLEASH_URL: UNLEASH.url, UNLEASH_API_TOKEN: UNLEASH.apiToken, UNLEASH_ADMIN_TOKEN: UNLEASH.adminToken, UNLEASH_APP_NAME: "strangler-proxy-shadow-it" };
  env = testProxyEnv(monolith.url, [{ prefix: "/api/inventory", module: "inventory", flag: FLAG, url: inventory.url, shadow: { ignore: ["/instance"] } }], unleashEnv);
  await deleteFlags([FLAG, SHADOW_FLAG]); // a crashed earlier run may have left them behind
  proxy = await startTestProxy(env);
});
after(async () => {
  await proxy?.close();
  await Promise.all([monolith, inventory].map((u) => u?.kill()));
  await deleteFlags([FLAG, SHADOW_FLAG]);
  if (env) removeDir(env.DATA_DIR!);
});

describe("shadow traffic with the real Unleash server", () => {
  it("when `flags shadow inventory 50` runs, then about half of the users' reads are mirrored and each mismatch shows the quantity", async () => {
    assert.equal(await flags("shadow", "inventory", "50"), 0);
    await eventually(async () => (await shadow()).percent === 50, "the proxy sees the shadow flag at 50 %", 10_000);
    await readAsEveryone();
    await eventually(async () => (await shadow()).compared > 0 && (await shadow()).compared === (await shadow()).mismatched, "mirrors compared", 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const s = await shadow();
    assert.ok(s.compared > 40 && s.compared < 160, `a 50 % rollout over ${USERS.length} users mirrored ${s.compared}`);
    assert.deepEqual([s.mismatched, s.parity], [s.compared, 0]);
    assert.deepEqual(s.samples[0]!.diff, [{ path: "/quantity", monolith: 5, service: 7 }]);
  });

  it("when `flags shadow inventory off` runs, then no read is mirrored any more", async () => {
    assert.equal(await flags("shadow", "inventory", "off"), 0);
    await eventually(async () => (await shadow()).percent === 0, "the proxy sees the shadow flag off", 10_000);
    const before = (await shadow()).compared;
    await readAsEveryone();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await shadow()).compared, before);
  });
});
