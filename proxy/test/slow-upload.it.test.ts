import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { send } from "./helpers/http-client.js";
import { eventually, startProcess, type StartedProcess } from "#test-support";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { nameUpstream } from "./helpers/upstream.js";

// Issue 11: slow uploaders (slowloris on the body) must neither hold an upstream's slots nor stay for minutes.
// Bounded: 60 uploaders, 20 slots on the monolith, a 1.5 s body timeout, all on 127.0.0.1.
const SLOTS = 20;
const BODY_TIMEOUT_MS = 1_500;
let monolith: StartedProcess;
let proxy: TestProxy;

before(async () => {
  monolith = await startProcess(nameUpstream("monolith"));
  proxy = await startTestProxy(testProxyEnv(monolith.url, [], { UPSTREAM_MAX_CONCURRENCY: String(SLOTS), BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) }));
});
after(async () => {
  await proxy?.close();
  await monolith?.kill();
  if (proxy) removeDir(proxy.dataDir);
});

interface SlowOutcome {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** A POST announcing `length` bytes: sends `upfront` of them at once, then one byte every `everyMs` until answered. */
function slowUpload(length: number, upfront: number, everyMs: number): Promise<SlowOutcome> {
  const { hostname, port } = new URL(proxy.url);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let sent = upfront;
    socket.write(`POST /api/things/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n${"a".repeat(upfront)}`);
    const drip = setInterval(() => sent < length - 1 && (sent++, socket.write("a")), everyMs);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => undefined); // writes after the proxy closed: expected
    socket.on("close", () => {
      clearInterval(drip);
      const text = Buffer.concat(chunks).toString();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf("\r\n\r\n") + 4), ms: performance.now() - started });
    });
  });
}

const monolithInFlight = async () =>
  (await send(`${proxy.adminUrl}/health/details`)).json<{ upstreams: { name: string; inFlight: number }[] }>().upstreams.find((u) => u.name === "monolith")!.inFlight;

describe("slow uploads", { timeout: 30_000 }, () => {
  it("when 60 clients drip their bodies, then a normal client is still answered at once, and the drippers get 408 after the body timeout", async () => {
    const slow = Array.from({ length: 60 }, () => slowUpload(1_000, 10, 200));
    await new Promise((r) => setTimeout(r, 400)); // all 60 connected and dripping
    assert.equal(await monolithInFlight(), 0, "a request still receiving its body holds no upstream slot");
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const post = await send(`${proxy.url}/api/things`, { method: "POST", body: JSON.stringify({ n: i }), headers: { "content-type": "application/json" } });
      const get = await send(`${proxy.url}/api/things/${i}`);
      const ms = performance.now() - started;
      assert.deepEqual([post.status, get.status], [201, 200], `${post.text} ${get.text}`);
      assert.equal(post.json().bodyBytes, JSON.stringify({ n: i }).length, "the body read first arrives whole");
      assert.ok(ms < 1_000, `answered in ${Math.round(ms)} ms`);
    }
    const outcomes = await Promise.all(slow);
    for (const o of outcomes) {
      assert.equal(o.status, 408, o.body);
      const body = JSON.parse(o.body) as { code: string; correlationId: string };
      assert.equal(body.code, "PROXY.REQUEST_TIMEOUT");
      assert.match(body.correlationId, /^[0-9a-f-]{36}$/);
      assert.ok(o.ms >= BODY_TIMEOUT_MS - 50 && o.ms < BODY_TIMEOUT_MS + 2_000, `closed after ${Math.round(o.ms)} ms`);
    }
  });

  it("when a body larger than the read-ahead stalls after its first 100 KB, then it is cut at the body timeout and its slot freed", async () => {
    const outcome = await slowUpload(200_000, 100_000, 500);
    assert.equal(outcome.status, 408, outcome.body);
    assert.equal(JSON.parse(outcome.body).code, "PROXY.REQUEST_TIMEOUT");
    await eventually(async () => (await monolithInFlight()) === 0, "the monolith's slots to be free", 2_000);
    const big = Buffer.alloc(300_000, 7);
    const r = await send(`${proxy.url}/api/things/upload`, { method: "POST", body: big });
    assert.deepEqual([r.status, r.json().bodyBytes], [201, big.length], "a large body sent at speed streams through");
  });

  it("when a request whose body was read ahead is refused as overloaded, then its keep-alive connection serves the next request", async (t) => {
    const holders = Array.from({ length: SLOTS }, () => send(`${proxy.url}/hold/slow?ms=1500`));
    await eventually(async () => (await monolithInFlight()) === SLOTS, "every monolith slot to be taken", 2_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const exchange = (method: string, path: string, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${proxy.url}${path}`, { method, agent, timeout: 3_000 }, (res) => res.resume().on("end", () => resolve(res.statusCode ?? 0)));
        req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 3 s`)));
        req.on("error", reject);
        req.end(body);
      });
    for (const size of [65_536, 70_000, 130_000]) assert.equal(await exchange("POST", "/api/things/upload", Buffer.alloc(size, 1)), 503, `${size}`);
    await Promise.all(holders);
    assert.equal(await exchange("GET", "/api/things/1"), 200, "the same connection answers again");
  });

  it("when a service's breaker opens while a body is still arriving, then the request goes to the monolith once the body is in", async (t) => {
    // its own proxy: a body timeout long enough for the breaker to open meanwhile (health poll every 500 ms)
    const users = await startProcess(nameUpstream("users"));
    const routes = [{ prefix: "/api/users", module: "users", flag: "strangler.users", url: users.url }];
    const own = await startTestProxy(testProxyEnv(monolith.url, routes, { BODY_TIMEOUT_MS: "10000" }));
    t.after(async () => {
      await own.close();
      await users.kill();
      removeDir(own.dataDir);
    });
    assert.equal(await runFlagsCommand(["set", "users", "100"], own.env, { out: () => undefined, err: (l: string) => console.error(l) }), 0);
    await eventually(async () => (await send(`${own.url}/api/users/1`)).headers["x-upstream"] === "users", "the users flag to take effect", 3_000);
    const { hostname, port } = new URL(own.url);
    const socket = net.connect(Number(port), hostname);
    socket.setTimeout(5_000, () => socket.destroy()); // no answer at all (opossum refused the call): fail, not hang
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.write(`POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"a":`);
    await new Promise((r) => setTimeout(r, 100)); // headers in, side decided (users, breaker closed), body pending
    await users.kill();
    const breakerOf = async () => (await send(`${own.adminUrl}/health/details`)).json<{ upstreams: { name: string; breaker: string }[] }>().upstreams.find((u) => u.name === "users")!.breaker;
    await eventually(async () => (await breakerOf()) === "open", "the breaker to open", 5_000); // the health poll opened it
    socket.write(`"bcde"}`);
    await closed;
    const text = Buffer.concat(chunks).toString();
    assert.match(text, /^HTTP\/1\.1 201/, text);
    assert.match(text, /x-upstream: monolith/i);
    assert.equal(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).bodyBytes, 12);
  });
});
