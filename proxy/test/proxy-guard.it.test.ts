import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { readFlagsFile } from "../src/flags/flags-file.js";
import { drive, guardOf } from "./helpers/guard-drill.js";
import { send } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { deleteFlags, ensureUnleash, eventually, type StartedProcess, startProcess, UNLEASH } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// The route guard against the REAL Unleash server and the flags file, with real upstream processes. A 5 s window
// (GUARD_WINDOW_MS) keeps each drill short; at least 50 service answers (the default GUARD_MIN_SAMPLES) before a verdict.
const FLAG = "strangler.it-guard.inventory";
const WINDOW_MS = 5_000;
const lines: string[] = [];
const io = { out: (l: string) => void lines.push(l), err: (l: string) => console.error(l) };
const flags = (env: NodeJS.ProcessEnv, ...args: string[]) => runFlagsCommand(args, env, io);
const listed = async (env: NodeJS.ProcessEnv) => {
  lines.length = 0;
  assert.equal(await flags(env, "list"), 0);
  return lines.find((l) => l.includes(FLAG))!;
};
const sideOf = async (p: TestProxy, user: string) =>
  (await send(`${p.url}/api/inventory/check`, { headers: { cookie: `strangler_sid=${user}` } })).headers["x-upstream"] as string;
const rolloutSeen = async (p: TestProxy, rollout: number) =>
  (await send(`${p.adminUrl}/_strangler/status`)).json<{ routes: { enabled: boolean; rollout: number | null }[] }>().routes[0]!.rollout === rollout;
let monolith: StartedProcess;
let inventory: StartedProcess;
const routes = () => [{ prefix: "/api/inventory", module: "inventory", flag: FLAG, url: inventory.url }];
const guardEnv = { GUARD_WINDOW_MS: String(WINDOW_MS) };

before(async () => {
  [monolith, inventory] = await Promise.all([startProcess(nameUpstream("monolith")), startProcess(nameUpstream("inventory"))]);
});
after(async () => {
  await Promise.all([monolith, inventory].map((u) => u?.kill()));
});

/** At 50 %: a healthy service is never tripped; 20 % of 500s are rolled back within the window. */
async function healthyThenFlaky(proxy: TestProxy, env: NodeJS.ProcessEnv): Promise<void> {
  const healthy = await drive(proxy, "/api/inventory/check", WINDOW_MS + 1_000);
  assert.equal(healthy.guard.state, "watching", `a healthy service tripped: ${healthy.guard.reason}`);
  assert.ok(healthy.guard.window.service.n >= 50 && healthy.guard.window.monolith.n >= 50, JSON.stringify(healthy.guard.window));
  const flaky = await drive(proxy, "/api/inventory/flaky?pct=20&only=inventory", 2 * WINDOW_MS);
  console.log(`# guard tripped after ${flaky.ms} ms, ${flaky.sent} requests: ${flaky.guard.reason}`);
  assert.equal(flaky.guard.state, "tripped");
  assert.ok(flaky.ms <= WINDOW_MS, `tripped after ${flaky.ms} ms`);
  assert.match(flaky.guard.reason!, /^service 5xx \d+\.\d % vs monolith 0\.0 % \(n=\d+\)$/);
  for (let i = 0; i < 20; i++) assert.equal(await sideOf(proxy, `after-trip-${i}`), "monolith"); // at once, before the store converges
  await eventually(async () => (await guardOf(proxy)).converged, "the flag read back at 0 % from the store", 5_000);
  assert.ok(await rolloutSeen(proxy, 0));
  assert.match(await listed(env), /0%\s+guard rolled back inventory: service 5xx/);
}

/** A person sets a percentage again: the guard watches again; a slow service trips on latency. */
async function rearmThenSlow(proxy: TestProxy, env: NodeJS.ProcessEnv): Promise<void> {
  assert.equal(await flags(env, "set", "inventory", "50"), 0);
  await eventually(async () => (await guardOf(proxy)).state === "watching", "the guard watching again", 5_000);
  assert.doesNotMatch(await listed(env), /guard rolled back/);
  const slow = await drive(proxy, "/api/inventory/slow?ms=300&only=inventory", 2 * WINDOW_MS);
  assert.equal(slow.guard.state, "tripped");
  const [, p99] = /^service p99 (\d+) ms vs monolith \d+ ms, limit \d+(?:\.\d+)? ms \(n=\d+\)$/.exec(slow.guard.reason!) ?? [];
  assert.ok(Number(p99) >= 300, slow.guard.reason!);
  await eventually(async () => (await guardOf(proxy)).converged, "the flag read back at 0 % from the store", 5_000);
}

describe("route guard with the real Unleash server", () => {
  let proxy: TestProxy;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    await ensureUnleash();
    env = testProxyEnv(monolith.url, routes(), { UNLEASH_URL: UNLEASH.url, UNLEASH_API_TOKEN: UNLEASH.apiToken, UNLEASH_ADMIN_TOKEN: UNLEASH.adminToken, UNLEASH_APP_NAME: "strangler-guard-it", ...guardEnv });
    await deleteFlags([FLAG]);
    assert.equal(await flags(env, "set", "inventory", "50"), 0);
    proxy = await startTestProxy(env);
    await eventually(() => rolloutSeen(proxy, 50), "rollout 50 %", 5_000);
  });
  after(async () => {
    await proxy?.close();
    await deleteFlags([FLAG]);
    if (env) removeDir(env.DATA_DIR!);
  });

  it("when 20 % of the service's answers are 500 at 50 %, then the guard rolls it back within the window and Unleash reads 0 % with the reason (a healthy service is not tripped)", () =>
    healthyThenFlaky(proxy, env));
  it("when a person sets a percentage again, then the guard watches again, and a slow service trips on p99 latency", () => rearmThenSlow(proxy, env));
});

describe("route guard with the flags file", () => {
  let proxy: TestProxy;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    env = testProxyEnv(monolith.url, routes(), guardEnv);
    proxy = await startTestProxy(env);
    assert.equal(await flags(env, "set", "inventory", "50"), 0);
    await eventually(() => rolloutSeen(proxy, 50), "rollout 50 %", 5_000);
  });
  after(async () => {
    await proxy?.close();
    if (env) removeDir(env.DATA_DIR!);
  });

  it("when 20 % of the service's answers are 500 at 50 %, then the flags file has the flag at 0 % and the reason beside it", async () => {
    await healthyThenFlaky(proxy, env);
    const feature = readFlagsFile(`${env.DATA_DIR}/flags.json`)!.features.find((f) => f.name === FLAG)!;
    assert.equal(feature.strategies[0]!.parameters!.rollout, "0");
    assert.match((feature.guard as { reason: string }).reason, /^guard rolled back inventory: service 5xx/);
  });
  it("when a person sets a percentage again, then the guard watches again, and a slow service trips on p99 latency", () => rearmThenSlow(proxy, env));

  it("when `strangler rollout` steps through 25, 50 and the service fails at 50 %, then it stops there, the route at 0 %, exit 3", async () => {
    let step = 0;
    const steps = { out: (l: string) => void (/step 2\/2 at 50%/.test(l) && (step = 2)), err: (l: string) => void lines.push(l) };
    lines.length = 0;
    const rollout = runFlagsCommand(["rollout", "inventory", "--steps", "25,50", "--hold", "2s"], env, steps);
    await eventually(() => step === 2, "the rollout at its 50 % step", 10_000);
    const flaky = await drive(proxy, "/api/inventory/flaky?pct=20&only=inventory", 2 * WINDOW_MS);
    assert.equal(flaky.guard.state, "tripped");
    assert.equal(await rollout, 3);
    assert.match(lines.join("\n"), /the guard tripped at 50%: guard rolled back inventory: service 5xx/);
    await eventually(() => rolloutSeen(proxy, 0), "the flag at 0 %", 5_000);
  });
});
