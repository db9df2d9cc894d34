import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { send, stickyCookieOf } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { eventually, timed, type StartedProcess, startProcess } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// File flags (no UNLEASH_URL): the proxy reads DATA_DIR/flags.json; `strangler flags` edits it.
// Upstreams are real processes (stand-ins naming themselves); the proxy runs in-process via runProxy.
let monolith: StartedProcess;
let inventory: StartedProcess;
let users: StartedProcess;
let proxy: TestProxy;
const quiet = { out: () => undefined, err: (l: string) => console.error(l) };
const setRollout = async (module: string, percent: number) => assert.equal(await runFlagsCommand(["set", module, String(percent)], proxy.env, quiet), 0);
const upstreamOf = async (path: string, headers: Record<string, string> = {}) => (await send(`${proxy.url}${path}`, { headers })).headers["x-upstream"];

before(async () => {
  [monolith, inventory, users] = await Promise.all([startProcess(nameUpstream("monolith")), startProcess(nameUpstream("inventory")), startProcess(nameUpstream("users"))]);
  proxy = await startTestProxy(
    testProxyEnv(monolith.url, [
      { prefix: "/api/users", module: "users", flag: "strangler.users", url: users.url },
      { prefix: "/api/inventory", module: "inventory", flag: "strangler.inventory", url: inventory.url },
    ]),
  );
});
after(async () => {
  await proxy?.close();
  await Promise.all([monolith, inventory, users].map((u) => u?.kill()));
  if (proxy) removeDir(proxy.dataDir);
});

describe("proxy routing with the flags file", () => {
  it("when a route's flag is off, then the monolith answers, tagged with X-Upstream, a request id and X-Forwarded-*", async () => {
    const r = await send(`${proxy.url}/api/inventory/check?productId=p1`, { headers: { host: "shop.example:8000" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers["x-upstream"], "monolith");
    const seen = r.json<{ upstream: string; url: string; requestId: string; forwardedFor: string; forwardedHost: string }>();
    assert.equal(seen.upstream, "monolith");
    assert.equal(seen.url, "/api/inventory/check?productId=p1");
    assert.match(r.headers["x-request-id"] as string, /^[0-9a-f-]{36}$/);
    assert.equal(seen.requestId, r.headers["x-request-id"]);
    assert.equal(seen.forwardedFor, "127.0.0.1");
    assert.equal(seen.forwardedHost, "shop.example:8000");
    assert.equal((seen as { host?: string }).host, new URL(monolith.url).host, "the upstream's own authority, so a sidecar can route it");
    assert.ok(stickyCookieOf(r), "a sticky session cookie is minted for a new visitor");
    assert.match(r.headers["set-cookie"]![0]!, /HttpOnly; SameSite=Lax/);
  });

  it("when a client asks to close its connection, then the upstream connection stays keep-alive (hop-by-hop header not forwarded)", async () => {
    const r = await send(`${proxy.url}/anything`, { headers: { connection: "close" } });
    assert.notEqual(r.json().connection, "close", "the upstream must not be told to close the pooled socket");
    assert.equal(r.headers.connection, "close", "the client's own connection is closed as asked");
  });

  it("when the client sends X-Request-Id, then it is propagated upstream and echoed back", async () => {
    const r = await send(`${proxy.url}/anything`, { headers: { "x-request-id": "abc-123.test" } });
    assert.equal(r.headers["x-request-id"], "abc-123.test");
    assert.equal(r.json().requestId, "abc-123.test");
  });

  it("when the flags file is changed with `strangler flags set`, then traffic moves within about a second", async () => {
    await setRollout("inventory", 100);
    const ms = await timed(() => eventually(async () => (await upstreamOf("/api/inventory/check")) === "inventory", "inventory to take the route", 3_000));
    console.log(`# flags file: change → traffic moved in ${Math.round(ms)} ms`);
    assert.ok(ms < 1_500, `took ${ms} ms`);
    assert.equal((await send(`${proxy.url}/api/inventory/check`)).json().upstream, "inventory");
  });

  it("when a path only starts like a route (segment boundary) or is unlisted, then the monolith answers even at 100 %", async () => {
    assert.equal(await upstreamOf("/api/inventoryX"), "monolith");
    assert.equal(await upstreamOf("/api/inventory-v2/check"), "monolith");
    assert.equal(await upstreamOf("/api/products"), "monolith");
    assert.equal(await upstreamOf("/api/inventory?x=1"), "inventory");
  });

  it("when a user keeps their cookie at 50 %, then every request lands on the same side, and about half the users migrate", async () => {
    await setRollout("users", 50);
    await eventually(async () => (await send(`${proxy.adminUrl}/_strangler/status`)).json<{ routes: { module: string; rollout: number }[] }>().routes.find((r) => r.module === "users")!.rollout === 50, "users at 50 %", 3_000);
    let migrated = 0;
    for (let u = 0; u < 200; u++) {
      const first = await send(`${proxy.url}/api/users/${u}`);
      const cookie = stickyCookieOf(first)!;
      for (let i = 0; i < 5; i++) assert.equal(await upstreamOf(`/api/users/${u}`, { cookie }), first.headers["x-upstream"], `user ${u} switched sides`);
      if (first.headers["x-upstream"] === "users") migrated++;
    }
    assert.ok(migrated > 70 && migrated < 130, `${migrated}/200 migrated at 50 %`);
  });

  it("when a Bearer token carries a sub, then the side follows the user, not the cookie", async () => {
    const token = (sub: string) => `Bearer x.${Buffer.from(JSON.stringify({ sub })).toString("base64url")}.sig`;
    for (let u = 0; u < 40; u++) {
      const side = await upstreamOf("/api/users/me", { authorization: token(`user-${u}`) });
      assert.equal(await upstreamOf("/api/users/me", { authorization: token(`user-${u}`), cookie: "strangler_sid=aaaaaaaa1111" }), side);
    }
  });

  it("when a request is routed, then its upstream is told which modules are extracted for that user (X-Strangler-Extracted), never a client's value", async () => {
    const token = (sub: string) => `Bearer x.${Buffer.from(JSON.stringify({ sub })).toString("base64url")}.sig`;
    const seen = new Set<string>();
    for (let u = 0; u < 20; u++) {
      const authorization = token(`user-${u}`); // users at 50 %, inventory at 100 % (the tests above)
      const usersSide = await upstreamOf("/api/users/me", { authorization });
      const r = await send(`${proxy.url}/api/inventory/check`, { headers: { authorization, "x-strangler-extracted": "orders" } });
      const extracted = r.json<{ extracted: string }>().extracted;
      assert.equal(extracted, usersSide === "users" ? "users,inventory" : "inventory", `user-${u}`);
      seen.add(extracted);
    }
    assert.equal(seen.size, 2, "both sides of the users split were seen");
    const unlisted = await send(`${proxy.url}/anything`, { headers: { "x-strangler-extracted": "users" } });
    assert.equal(unlisted.json<{ extracted: string | null }>().extracted, null, "a client's own value never reaches an upstream");
  });

  it("when a large body is POSTed, then it arrives byte for byte at the service and at the monolith", async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const sha = createHash("sha256").update(body).digest("hex");
    for (const [path, expected] of [["/api/inventory/update", "inventory"], ["/api/other/upload", "monolith"]] as const) {
      const r = await send(`${proxy.url}${path}`, { method: "POST", body, headers: { "content-type": "application/octet-stream" } });
      assert.equal(r.headers["x-upstream"], expected);
      assert.deepEqual([r.json().bodyBytes, r.json().bodySha256], [body.length, sha], expected);
    }
    async function* chunked() {
      for (let i = 0; i < 64; i++) yield body.subarray(i * 50_000, (i + 1) * 50_000);
    }
    const streamed = await send(`${proxy.url}/api/inventory/update`, { method: "POST", body: chunked() });
    const first = body.subarray(0, 64 * 50_000);
    assert.equal(streamed.json().bodySha256, createHash("sha256").update(first).digest("hex"), "chunked upload intact");
  });

  it("serves its own /health, /metrics and /_strangler/status, which never reach an upstream", async () => {
    for (const base of [proxy.url, proxy.adminUrl]) {
      const health = await send(`${base}/health`);
      assert.deepEqual([health.status, health.json(), health.headers["x-upstream"]], [200, { status: "ok" }, "proxy"], base);
      const ready = await send(`${base}/ready`);
      assert.deepEqual([ready.status, ready.headers["x-upstream"]], [200, "proxy"], `${base}: ${ready.text}`);
    }
    const metrics = (await send(`${proxy.adminUrl}/metrics`)).text;
    assert.match(metrics, /strangler_proxy_requests_total\{route="inventory",upstream="inventory",status="200"\} \d+/);
    assert.match(metrics, /strangler_proxy_flag_decisions_total\{route="users",decision="service"\} \d+/);
    assert.match(metrics, /strangler_proxy_breaker_state\{upstream="inventory"\} 0/);
    const status = (await send(`${proxy.adminUrl}/_strangler/status`)).json<{ routes: { module: string; enabled: boolean; rollout: number; traffic: { lastMinute: { service: number } } }[] }>();
    const inv = status.routes.find((r) => r.module === "inventory")!;
    assert.deepEqual([inv.enabled, inv.rollout], [true, 100]);
    assert.ok(inv.traffic.lastMinute.service > 0);
  });

  it("answers /metrics, /_strangler…, /health/details on the public port with its own 404 (never forwarded, no internals); the admin port serves them", async () => {
    for (const path of ["/metrics", "/_strangler", "/_strangler/", "/_strangler/status", "/_strangler/status?x=1", "/health/details", "/metrics?x=1"]) {
      const r = await send(`${proxy.url}${path}`);
      assert.deepEqual([r.status, r.headers["x-upstream"], r.json<{ code: string }>().code], [404, "proxy", "PROXY.NOT_FOUND"], `${path}: ${r.text}`);
      assert.doesNotMatch(r.text, /strangler_proxy_|upstreams|routes|monolith/, `${path} shows nothing of the proxy's internals`);
    }
    const admin = await Promise.all(["/metrics", "/_strangler", "/_strangler/status", "/health/details"].map((path) => send(`${proxy.adminUrl}${path}`)));
    assert.deepEqual(admin.map((r) => [r.status, r.headers["x-upstream"]]), Array(4).fill([200, "proxy"]));
    assert.match(admin[0]!.text, /strangler_proxy_requests_total/);
    assert.match(admin[1]!.text, /<html/i);
    assert.ok(admin[2]!.json<{ routes: unknown[] }>().routes.length > 0);
    assert.ok(admin[3]!.json<{ upstreams: unknown[] }>().upstreams.length > 0);
    assert.notEqual(new URL(proxy.adminUrl).port, new URL(proxy.url).port);
  });
});
