import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { runLoad, send } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { startProcess, type StartedProcess } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// Issue 10: a client sending 10,000 distinct 16 KB Bearer tokens must not pin the proxy's memory. The proxy runs
// in this process, so its heap is this heap; a forced GC before each reading leaves only what is retained.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let monolith: StartedProcess;
let users: StartedProcess;
let proxy: TestProxy;
const quiet = { out: () => undefined, err: (l: string) => console.error(l) };

before(async () => {
  [monolith, users] = await Promise.all([startProcess(nameUpstream("monolith")), startProcess(nameUpstream("users"))]);
  proxy = await startTestProxy(testProxyEnv(monolith.url, [{ prefix: "/api/users", module: "users", flag: "strangler.users", url: users.url }]));
  assert.equal(await runFlagsCommand(["set", "users", "50"], proxy.env, quiet), 0);
});
after(async () => {
  await proxy?.close();
  await Promise.all([monolith, users].map((u) => u?.kill()));
  if (proxy) removeDir(proxy.dataDir);
});

describe("identity cache under a token flood", { timeout: 180_000 }, () => {
  it("when 10,000 requests carry distinct 16 KB JWTs, then the heap grows by less than 20 MB", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const pad = "s".repeat(16_000);
    const token = (i: number) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: `flood-${i}` })).toString("base64url")}.${pad}`;
    await send(`${proxy.url}/api/users/warm`); // warms the path, not the cache (10,000 entries was the old bound)
    const before = heapAfterGc();
    let failed = 0;
    const sent = await runLoad({ concurrency: 16, durationMs: 150_000, maxCount: 10_000 }, async (i) => {
      const status = await new Promise<number>((resolve) => {
        const req = http.get(`${proxy.url}/api/users/${i}`, { agent, headers: { authorization: `Bearer ${token(i)}` } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", () => resolve(0));
      });
      if (status !== 200) failed++;
    });
    agent.destroy();
    const grewMb = (heapAfterGc() - before) / 1024 / 1024;
    console.log(`# ${sent} requests with 16 KB tokens: heap +${grewMb.toFixed(1)} MB after GC`);
    assert.equal(sent, 10_000);
    assert.equal(failed, 0, "every request answered 200 (the token is under node's 16 KiB header limit)");
    assert.ok(grewMb < 20, `heap grew by ${grewMb.toFixed(1)} MB`);
  });
});
