import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { send } from "./helpers/http-client.js";
import { eventually, startProcess, type StartedProcess } from "#test-support";
import { rawExchange } from "./helpers/raw-http.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { nameUpstream } from "./helpers/upstream.js";

// Issue 9: every spelling of a path reaches the side its route decides, with the one normalised path.
let monolith: StartedProcess;
let users: StartedProcess;
let orders: StartedProcess;
let proxy: TestProxy;
const quiet = { out: () => undefined, err: (l: string) => console.error(l) };
const seen = async (path: string) => {
  const r = await send(`${proxy.url}${path}`);
  return { upstream: r.headers["x-upstream"], url: r.json<{ url: string }>().url };
};
const raw = (target: string, extra = "") => rawExchange(proxy.url, `GET ${target} HTTP/1.1\r\nHost: shop.example\r\n${extra}Connection: close\r\n\r\n`);

before(async () => {
  [monolith, users, orders] = await Promise.all([startProcess(nameUpstream("monolith")), startProcess(nameUpstream("users")), startProcess(nameUpstream("orders"))]);
  proxy = await startTestProxy(
    testProxyEnv(monolith.url, [
      { prefix: "/api/users", module: "users", flag: "strangler.users", url: users.url },
      { prefix: "/api/orders", module: "orders", flag: "strangler.orders", url: orders.url },
    ]),
  );
  assert.equal(await runFlagsCommand(["set", "users", "100"], proxy.env, quiet), 0);
  await eventually(async () => (await seen("/api/users/1")).upstream === "users", "the users flag to take effect", 3_000);
});
after(async () => {
  await proxy?.close();
  await Promise.all([monolith, users, orders].map((u) => u?.kill()));
  if (proxy) removeDir(proxy.dataDir);
});

describe("routing that spelling cannot bypass (users at 100 %, orders at 0 %)", () => {
  it("when a route's path is spelt in another case, with extra slashes, dot segments or escapes, then its route decides and the service gets the normalised path", async () => {
    const cases: [string, string][] = [
      ["/API/USERS", "/api/users"],
      ["/api/Users/7", "/api/users/7"],
      ["//api/users/7", "/api/users/7"],
      ["/api//users/7/", "/api/users/7/"],
      ["/api/./users/7", "/api/users/7"],
      ["/api/orders/../users/7", "/api/users/7"],
      ["/api/%75sers/7?x=%2F", "/api/users/7?x=%2F"],
      ["/api/orders/%2e%2e/users/7", "/api/users/7"],
    ];
    for (const [path, url] of cases) assert.deepEqual(await seen(path), { upstream: "users", url }, path);
  });

  it("when a path is spelt to look like another route, then that route's decision applies (orders at 0 %: the monolith, with the normalised path)", async () => {
    assert.deepEqual(await seen("/api/users/../orders/1"), { upstream: "monolith", url: "/api/orders/1" });
    assert.deepEqual(await seen("/API/Orders/1"), { upstream: "monolith", url: "/api/orders/1" });
  });

  it("when the target is in absolute form, then it is routed by its path like any other request", async () => {
    const r = await raw("http://evil.example/api/users/9?q=1");
    assert.equal(r.status, 200, r.head);
    assert.match(r.head, /x-upstream: users/i);
    const seenByService = JSON.parse(r.body) as { url: string; forwardedHost: string };
    assert.equal(seenByService.url, "/api/users/9?q=1");
    assert.equal(seenByService.forwardedHost, "evil.example", "the target's authority replaces Host (RFC 9112 §3.2.2)");
  });

  it("when the target cannot be normalised safely, then the proxy answers 400 PROXY.BAD_REQUEST with the contract's body and forwards nothing", async () => {
    const targets = ["/api/users%2F7", "/api/users%5c7", "/api\\users/7", "/api/users;jsessionid=1/7", "/../api/users", "/api/users/%zz", "*", "shop.example:443"];
    for (const target of targets) {
      const r = await raw(target, "X-Request-Id: bad-target-1\r\n");
      assert.equal(r.status, 400, `${target}: ${r.head}`);
      assert.match(r.head, /x-upstream: proxy/i, target);
      const body = JSON.parse(r.body) as { code: string; message: string; correlationId: string };
      assert.equal(body.code, "PROXY.BAD_REQUEST", target);
      // node's parser refuses the authority form before any header is read: its id is minted, not echoed
      assert.equal(body.correlationId === "bad-target-1", target !== "shop.example:443", `${target}: ${body.correlationId}`);
      assert.equal(typeof body.message, "string");
    }
    const connect = await rawExchange(proxy.url, "CONNECT shop.example:443 HTTP/1.1\r\nHost: shop.example:443\r\n\r\n");
    assert.equal(connect.status, 400, connect.head);
    assert.equal(JSON.parse(connect.body).code, "PROXY.BAD_REQUEST");
  });

  it("when the URL or the headers are over node's size limit, then the 431 carries the contract's error body", async () => {
    for (const request of [`GET /api/users/${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, `GET /api/users HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`]) {
      const r = await rawExchange(proxy.url, request);
      assert.equal(r.status, 431, r.head);
      assert.match(r.head, /content-type: application\/json/i);
      const body = JSON.parse(r.body) as { code: string; correlationId: string };
      assert.equal(body.code, "PROXY.HEADERS_TOO_LARGE");
      assert.match(body.correlationId, /^[0-9a-f-]{36}$/);
    }
  });

  it("when the proxy's own paths are spelt in another case, then the proxy answers them itself (never forwarded)", async () => {
    for (const path of ["/METRICS", "/_Strangler/status", "/Health/Details"]) {
      const r = await send(`${proxy.url}${path}`);
      assert.deepEqual([r.status, r.headers["x-upstream"]], [404, "proxy"], `${path}: ${r.text}`);
    }
    assert.deepEqual([(await send(`${proxy.url}/HEALTH`)).status, (await send(`${proxy.url}/HEALTH`)).headers["x-upstream"]], [200, "proxy"]);
  });
});
