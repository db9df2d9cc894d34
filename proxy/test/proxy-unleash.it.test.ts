import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { runLoad, send } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { deleteFlags, ensureUnleash, eventually, timed, freePort, type StartedProcess, startProcess, startUnleash, stopUnleash, UNLEASH, unleashHealthy } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// Against the REAL Unleash server (scripts/services/unleash.sh) and real upstream processes. The flag has a
// name of its own so other suites sharing the server are not disturbed; it is fixed (not random) so the
// 1,000-user split is deterministic: murmur3 of "<flag>:<user>" puts 246 of these users under 25 %.
const FLAG = "strangler.it-proxy.inventory";
const USERS = Array.from({ length: 1_000 }, (_, i) => `ituser${String(i).padStart(6, "0")}`);
let monolith: StartedProcess;
let inventory: StartedProcess;
let proxy: TestProxy;
let env: NodeJS.ProcessEnv;
const io = { out: () => undefined, err: (l: string) => console.error(l) };
const flags = (...args: string[]) => runFlagsCommand(args, env, io);
const sideOf = async (p: TestProxy, user: string) =>
  (await send(`${p.url}/api/inventory/check`, { headers: { cookie: `strangler_sid=${user}` } })).headers["x-upstream"] as string;
const status = async (p: TestProxy) =>
  (await send(`${p.adminUrl}/_strangler/status`)).json<{ flags: { ready: boolean }; routes: { enabled: boolean; rollout: number | null; flagExists: boolean }[] }>();
const rolloutSeen = async (p: TestProxy, enabled: boolean, rollout: number) => {
  const s = await status(p);
  return s.routes[0]!.enabled === enabled && s.routes[0]!.rollout === rollout;
};
async function sidesOf(p: TestProxy, repeat: number): Promise<Map<string, string>> {
  const sides = new Map<string, string>();
  await runLoad({ concurrency: 16, durationMs: 60_000, maxCount: USERS.length }, async (i) => {
    const user = USERS[i]!;
    const first = (await sideOf(p, user))!;
    for (let k = 1; k < repeat; k++) assert.equal(await sideOf(p, user), first, `${user} switched sides on request ${k + 1}`);
    sides.set(user, first);
  });
  return sides;
}
const unleashEnv = { UNLEASH_URL: UNLEASH.url, UNLEASH_API_TOKEN: UNLEASH.apiToken, UNLEASH_ADMIN_TOKEN: UNLEASH.adminToken, UNLEASH_APP_NAME: "strangler-proxy-it" };
const routes = () => [{ prefix: "/api/inventory", module: "inventory", flag: FLAG, url: inventory.url }];
const migrated = (sides: Map<string, string>) => [...sides].filter(([, s]) => s === "inventory").map(([u]) => u);

before(async () => {
  await ensureUnleash();
  [monolith, inventory] = await Promise.all([startProcess(nameUpstream("monolith")), startProcess(nameUpstream("inventory"))]);
  env = testProxyEnv(monolith.url, routes(), unleashEnv);
  await deleteFlags([FLAG]); // a crashed earlier run may have left it behind
  assert.equal(await flags("init"), 0);
  proxy = await startTestProxy(env);
  await eventually(async () => (await status(proxy)).routes[0]!.flagExists, "the flag to exist", 5_000);
});
after(async () => {
  if (!(await unleashHealthy())) await startUnleash(); // never leave the shared server down
  await proxy?.close();
  await Promise.all([monolith, inventory].map((u) => u?.kill()));
  await deleteFlags([FLAG]);
  if (env) removeDir(env.DATA_DIR!);
});

describe("proxy with the real Unleash server", () => {
  it("when the flag is created by `flags init`, then it is off and everything goes to the monolith", async () => {
    assert.deepEqual(await status(proxy).then((s) => [s.flags.ready, s.routes[0]!.enabled]), [true, false]);
    assert.equal(await sideOf(proxy, USERS[0]!), "monolith");
  });

  it("when the flag is toggled through the Admin API, then traffic moves within 2 s", async () => {
    assert.equal(await flags("set", "inventory", "100"), 0);
    const onMs = await timed(() => eventually(async () => (await sideOf(proxy, USERS[0]!)) === "inventory", "the user on inventory", 5_000));
    assert.equal(await flags("off", "inventory"), 0);
    const offMs = await timed(() => eventually(async () => (await sideOf(proxy, USERS[0]!)) === "monolith", "the user back on the monolith", 5_000));
    assert.equal(await flags("on", "inventory"), 0); // back on at the rollout it had (100 %)
    await eventually(async () => (await sideOf(proxy, USERS[0]!)) === "inventory", "the user on inventory again", 5_000);
    console.log(`# Unleash flag change → traffic moved: on ${Math.round(onMs)} ms, off ${Math.round(offMs)} ms (FLAGS_REFRESH_MS=1000)`);
    assert.ok(onMs <= 2_000 && offMs <= 2_000, `on ${onMs} ms, off ${offMs} ms`);
  });

  let at25: string[] = [];
  it("when 1,000 users arrive at 25 %, then 25 % ± 3 % reach the service and each user stays on one side over 10 requests", async () => {
    assert.equal(await flags("set", "inventory", "25"), 0);
    await eventually(() => rolloutSeen(proxy, true, 25), "rollout 25 %", 5_000);
    const sides = await sidesOf(proxy, 10);
    at25 = migrated(sides);
    console.log(`# 1,000 users at 25 %: ${at25.length} migrated`);
    assert.ok(Math.abs(at25.length / USERS.length - 0.25) <= 0.03, `${at25.length} of 1000`);
  });

  let at50 = new Map<string, string>();
  it("when the rollout is raised 25 → 50, then every previously migrated user stays migrated", async () => {
    assert.equal(await flags("set", "inventory", "50"), 0);
    await eventually(() => rolloutSeen(proxy, true, 50), "rollout 50 %", 5_000);
    at50 = await sidesOf(proxy, 1);
    const back = at25.filter((u) => at50.get(u) !== "inventory");
    assert.deepEqual(back, [], "users moved back to the monolith");
    assert.ok(Math.abs(migrated(at50).length / USERS.length - 0.5) <= 0.04, `${migrated(at50).length} of 1000 at 50 %`);
  });

  it("when Unleash stops, then routing is unchanged; a proxy started meanwhile uses the backup file, one without backup sends everything to the monolith", async () => {
    await stopUnleash();
    try {
      await new Promise((r) => setTimeout(r, 2_500)); // a couple of failed refreshes
      const during = await sidesOf(proxy, 1);
      assert.deepEqual([...during].filter(([u, s]) => at50.get(u) !== s), [], "a user changed sides while Unleash was down");
      const fromBackup = await startTestProxy(env); // same DATA_DIR: the backup the first proxy wrote
      try {
        assert.deepEqual([...(await sidesOf(fromBackup, 1))].filter(([u, s]) => at50.get(u) !== s), [], "the backup file gives the same split");
      } finally {
        await fromBackup.close();
      }
      const freshEnv = testProxyEnv(monolith.url, routes(), unleashEnv); // new DATA_DIR: no backup file
      const fresh = await startTestProxy(freshEnv);
      try {
        assert.equal((await status(fresh)).flags.ready, false);
        assert.deepEqual(new Set((await sidesOf(fresh, 1)).values()), new Set(["monolith"]));
      } finally {
        await fresh.close();
        removeDir(freshEnv.DATA_DIR!);
      }
    } finally {
      await startUnleash();
    }
    assert.equal(await flags("set", "inventory", "0"), 0); // and the running proxy catches up after the outage
    const ms = await timed(() => eventually(() => rolloutSeen(proxy, true, 0), "rollout 0 % after Unleash came back", 20_000, 100));
    console.log(`# after Unleash came back, the proxy picked up a change in ${Math.round(ms)} ms`);
  });

  it("when the flags tool is misused or Unleash is unreachable or the token is wrong, then it explains and exits non-zero", async () => {
    const lines: string[] = [];
    const capture = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    assert.equal(await runFlagsCommand(["list"], env, capture), 0);
    assert.ok(lines.some((l) => l.includes(FLAG) && /on\s+0%/.test(l)), lines.join("\n"));
    assert.equal(await runFlagsCommand(["set", "payments", "10"], env, capture), 2);
    assert.equal(await runFlagsCommand(["set", "inventory", "150"], env, capture), 2);
    assert.equal(await runFlagsCommand(["set", "inventory", "10"], { ...env, UNLEASH_ADMIN_TOKEN: "wrong-token" }, capture), 1);
    assert.match(lines.at(-1)!, /rejected UNLEASH_ADMIN_TOKEN \(HTTP 401\)/);
    assert.equal(await runFlagsCommand(["set", "inventory", "10"], { ...env, UNLEASH_ADMIN_TOKEN: UNLEASH.apiToken }, capture), 1);
    assert.match(lines.at(-1)!, /HTTP 403/);
    assert.equal(await runFlagsCommand(["list"], { ...env, UNLEASH_URL: `http://127.0.0.1:${await freePort()}/api` }, capture), 1);
    assert.match(lines.at(-1)!, /cannot reach Unleash .*ECONNREFUSED/);
    assert.equal(await runFlagsCommand(["list"], { ...env, UNLEASH_ADMIN_TOKEN: undefined }, capture), 2);
    assert.match(lines.at(-1)!, /UNLEASH_ADMIN_TOKEN/);
  });

  it("when the flag was archived in Unleash, then `flags init` revives it, off", async () => {
    const archived = await fetch(`${UNLEASH.url}/admin/projects/default/features/${FLAG}`, { method: "DELETE", headers: { Authorization: UNLEASH.adminToken } });
    assert.equal(archived.status, 202);
    await eventually(async () => !(await status(proxy)).routes[0]!.flagExists, "the archived flag to be missing", 5_000); // archived = missing = monolith
    assert.equal(await sideOf(proxy, USERS[0]!), "monolith");
    assert.equal(await flags("init"), 0);
    await eventually(async () => (await status(proxy)).routes[0]!.flagExists, "the flag to exist again", 5_000);
    assert.deepEqual(await status(proxy).then((s) => [s.routes[0]!.enabled, s.routes[0]!.rollout]), [false, 0]);
  });
});
