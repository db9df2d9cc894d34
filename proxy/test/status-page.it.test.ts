import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { runLoad, send } from "./helpers/http-client.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "./helpers/test-proxy.js";
import { eventually, type StartedProcess, startProcess } from "#test-support";
import { nameUpstream } from "./helpers/upstream.js";

// The status page rendered by headless Chromium (Debian's /usr/bin/chromium) while a migration is under way.
const SCREENSHOT = fileURLToPath(new URL("../../reports/status-page.png", import.meta.url));
let upstreams: StartedProcess[] = [];
let proxy: TestProxy;
let browser: Browser;

before(async () => {
  upstreams = await Promise.all(["monolith", "users", "inventory"].map((n) => startProcess(nameUpstream(n))));
  const [monolith, users, inventory] = upstreams as [StartedProcess, StartedProcess, StartedProcess];
  proxy = await startTestProxy(
    testProxyEnv(monolith.url, [
      { prefix: "/api/users", module: "users", flag: "strangler.users", url: users.url },
      { prefix: "/api/inventory", module: "inventory", flag: "strangler.inventory", url: inventory.url },
      { prefix: "/api/orders", module: "orders", flag: "strangler.orders", url: "http://127.0.0.1:9" },
    ],
    // The guard watches, but only a 5xx rate could trip it here: on a busy machine the in-process stand-ins' p99s
    // differ by more than the default slack, and a latency trip would move inventory to 0 % under the page's feet.
    { GUARD_LATENCY_SLACK_MS: "60000" }),
  );
  const io = { out: () => undefined, err: console.error };
  assert.equal(await runFlagsCommand(["set", "inventory", "50"], proxy.env, io), 0);
  assert.equal(await runFlagsCommand(["set", "users", "10"], proxy.env, io), 0);
  assert.equal(await runFlagsCommand(["shadow", "users", "100"], proxy.env, io), 0); // the stand-ins name themselves: every mirror differs
  await eventually(async () => (await send(`${proxy.adminUrl}/_strangler/status`)).json<{ routes: { rollout: number }[] }>().routes[1]!.rollout === 50, "inventory at 50 %", 3_000);
    // 400 new visitors (no cookie: each one is a new user) on inventory, 200 on users, a few unlisted.
  await runLoad({ concurrency: 8, durationMs: 20_000, maxCount: 600 }, async (i) => {
    await send(`${proxy.url}${i % 3 === 2 ? "/api/users/1" : "/api/inventory/check?productId=p"}`);
    if (i % 50 === 0) await send(`${proxy.url}/api/products`);
    await new Promise((r) => setTimeout(r, 40)); // spread over a few seconds so the per-second chart has columns
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => {
  await browser?.close();
  await proxy?.close();
  await Promise.all(upstreams.map((u) => u.kill()));
  if (proxy) removeDir(proxy.dataDir);
});

describe("status page", () => {
  it("shows each route with its flag and rollout, the live split, the guard's window, and the upstreams' health and breaker", async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 760 } });
    await page.goto(`${proxy.adminUrl}/_strangler`);
    await page.waitForFunction(() => document.querySelectorAll("#routes tr").length === 3 && document.querySelector("#upstreams tr") !== null, undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /healthy/.test(document.querySelector("#upstreams")?.textContent ?? ""), undefined, { timeout: 10_000 });
    const rows = await page.$$eval("#routes tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ")));
    assert.match(rows[0]!, /\/api\/users .*strangler\.users on .*10%/);
    assert.match(rows[1]!, /\/api\/inventory .*strangler\.inventory on .*50%/);
    assert.match(rows[2]!, /\/api\/orders .*strangler\.orders off .*0%.*no traffic/);
    const split = /monolith (\d+(?:\.\d)?)% service (\d+(?:\.\d)?)%/.exec(rows[1]!);
    assert.ok(split, rows[1]);
    assert.ok(Math.abs(Number(split[2]) - 50) < 15, `inventory split ${split[0]}`);
    const usersShare = Number(/service (\d+(?:\.\d)?)%/.exec(rows[0]!)?.[1]);
    assert.ok(usersShare < 25, `users split at 10 %: ${usersShare}`);
    const upstreamText = await page.$eval("#upstreams", (t) => (t as HTMLElement).innerText.replace(/\s+/g, " "));
    assert.match(upstreamText, /monolith .*healthy/);
    assert.match(upstreamText, /orders .*down .*open/);
    assert.match(await page.$eval("#flags", (e) => e.textContent ?? ""), /file .*loaded/);
    const shadow = await page.$$eval("#shadow tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ")));
    assert.match(shadow[0]!, /\/api\/users 100% 0% [1-9]/, "users: every read mirrored, parity 0 %");
    assert.match(shadow[1]!, /\/api\/inventory off/);
    assert.match(await page.$eval("#diffs", (e) => (e as HTMLElement).innerText.replace(/\s+/g, " ")), /GET \/api\/users\/1 monolith 200 · service 200: \/upstream "monolith" → "users"/);
    // The route guard per route: watching (nothing failed), with both sides of its window as n / 5xx rate / p99.
    const guard = await page.$$eval("#guard tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ")));
    assert.equal(guard.length, 3);
    assert.match(guard[1]!, /^\/api\/inventory watching – ([1-9]\d*) \/ 0% \/ \d+ ms ([1-9]\d*) \/ 0% \/ \d+ ms$/, "inventory: both sides answered, no 5xx");
    assert.match(guard[2]!, /^\/api\/orders watching – 0 \/ – \/ – 0 \/ – \/ –$/, "orders: no traffic, an empty window");
    mkdirSync(new URL("../../reports/", import.meta.url), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`# screenshot: ${SCREENSHOT}`);
  });
});
