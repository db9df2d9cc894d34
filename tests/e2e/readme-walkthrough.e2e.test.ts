import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { CLEAN_ENV, ROOT, eventually, type StartedProcess, startProcess } from "#test-support";
import { readmeBlocks } from "./support/readme-blocks.js";
import { startShell, type Shell } from "./support/shell-session.js";

// Issue 14's "done when": the README's migration walkthrough, run VERBATIM. `node bin/strangler.js all` (what
// `npm start` runs: embedded PostgreSQL, in-process events, the flags file, no UNLEASH_URL) on its default ports, and
// the README's ```bash blocks pasted in order into one shell (`bash -euo pipefail`), as a newcomer would in a second
// terminal: variables such as the curl flow's $P carry on from block to block. Each block must exit 0; the test then
// checks what the README says the reader will see. A README edit that breaks a command breaks this test.

const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const block = (heading: string, index: number) => {
  const blocks = readmeBlocks(README, heading);
  assert.ok(blocks[index] !== undefined, `README section "${heading}" has a bash block #${index + 1}`);
  return blocks[index]!;
};

let dataDir: string;
let server: StartedProcess;
let shell: Shell;
let browser: Browser;

/** The README's commands name the default ports: a server already on one (a developer's `npm start`) would answer them instead. */
async function assertFree(port: number): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve)).catch((e: unknown) => {
    throw new Error(`port ${port} is taken (is \`npm start\` running?): the walkthrough runs \`strangler all\` on its default ports — ${String(e)}`);
  });
  await new Promise((resolve) => server.close(resolve));
}

before(async () => {
  for (const port of [8000, 9000, 8080, 8081, 8082, 8083]) await assertFree(port);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "strangler-walkthrough-"));
  chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user who must enter it
  // The same environment for the server and the reader's shell: a clean one (no DATABASE_URL, KAFKA_BROKERS,
  // UNLEASH_URL: the embedded defaults) with one DATA_DIR, as when both run from the same checkout.
  const env = { ...CLEAN_ENV, DATA_DIR: dataDir };
  server = await startProcess({ entry: "bin", role: ["all"], env: { ...env, PORT: "8000", ADMIN_PORT: "9000", LOG_LEVEL: "info" }, readyPath: "/ready", readyTimeoutMs: 90_000 });
  shell = startShell(env);
});
after(async () => {
  await browser?.close();
  await shell?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
});

interface RouteStatus {
  module: string;
  enabled: boolean;
  rollout: number | null;
  guard: { state: string; reason: string | null } | null;
  shadow?: { compared: number; parity: number | null };
}
const inventory = async (): Promise<RouteStatus> => {
  const status = (await (await fetch("http://127.0.0.1:9000/_strangler/status")).json()) as { routes: RouteStatus[] };
  return status.routes.find((r) => r.module === "inventory")!;
};
/** The line a README command printed for a module: `inventory {…json…}`. */
const jsonLineOf = (output: string, module: string) => {
  const line = output.split("\n").find((l) => l.startsWith(`${module} {`));
  assert.ok(line, `a "${module} {…}" line in:\n${output}`);
  return JSON.parse(line.slice(module.length + 1)) as Record<string, unknown>;
};
const inventoryRowOfFlagsList = (output: string) => {
  const row = output.split("\n").find((l) => l.startsWith("/api/inventory "));
  assert.ok(row, `flags list shows /api/inventory:\n${output}`);
  return row;
};

describe("README walkthrough, verbatim, against `npm start`'s process", { timeout: 240_000 }, () => {
  it("the curl flow: a user, a product $P with stock, an order, shipped and delivered", async () => {
    const out = await shell.run(block("The curl flow", 0), 30_000);
    assert.match(out, /"status":"Delivered"/);
  });

  it("try a migration: inventory at 50 %, an answer naming its upstream, then off", async () => {
    const out = await shell.run(block("Try a migration", 0), 20_000);
    assert.match(out, /x-upstream: (monolith|inventory)/i);
    assert.match(out, /strangler\.inventory off/);
  });

  it("shadow traffic: the status JSON shows inventory's reads compared, at full parity", async () => {
    const out = await shell.run(block("Shadow traffic", 0), 30_000);
    const shadow = jsonLineOf(out, "inventory") as { percent: number; compared: number; parity: number };
    assert.equal(shadow.percent, 100);
    assert.ok(shadow.compared > 0, `compared > 0: ${JSON.stringify(shadow)}`);
    assert.equal(shadow.parity, 100, JSON.stringify(shadow));
    assert.ok((await inventory()).shadow!.compared >= shadow.compared, "the counts stay after off");
  });

  it("guarded rollout: the guard watches inventory at 50 %; a stepped rollout ends at 100 %", async () => {
    const watch = await shell.run(block("Guarded rollout", 0), 20_000);
    assert.equal((jsonLineOf(watch, "inventory") as { state: string }).state, "watching");
    assert.match(watch, /^strangler_guard_state\{route="inventory"\} 0$/m);
    const rollout = await shell.run(block("Guarded rollout", 1), 90_000);
    assert.match(rollout, /step 3\/3 at 100%/);
    await eventually(async () => (await inventory()).rollout === 100, "inventory at 100 % in the proxy", 5_000);
  });

  it("drill: 5xx on the service; the guard rolls inventory back to 0 % with its reason, the page shows it tripped", async () => {
    await shell.run(block("Drill: break the service, watch the guard roll it back", 0), 90_000);
    const watch = await shell.run(block("Drill: break the service, watch the guard roll it back", 1), 20_000);
    assert.match(inventoryRowOfFlagsList(watch), /\b0%.*guard rolled back inventory: service (5xx|p99)/);
    const guard = jsonLineOf(watch, "inventory") as { state: string; reason: string };
    assert.equal(guard.state, "tripped");
    assert.match(guard.reason, /^service (5xx|p99) /);

    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const page = await browser.newPage({ viewport: { width: 1360, height: 760 } });
    await page.goto("http://127.0.0.1:9000/_strangler");
    await page.waitForFunction(() => document.querySelectorAll("#guard tr").length > 0, undefined, { timeout: 10_000 });
    const rows = await page.$$eval("#guard tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ")));
    const row = rows.find((r) => r.startsWith("/api/inventory "));
    mkdirSync(path.join(ROOT, "reports"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "reports/status-page-guard-tripped.png"), fullPage: true });
    // Since the trip (its window restarts then) only the monolith answered inventory: the service side is empty.
    assert.match(row ?? rows.join("\n"), /^\/api\/inventory tripped service (5xx|p99) .* \(n=\d+\) tripped at \d{4}-\d\d-\d\dT\S+ · flag at 0 % · window restarted at the trip 0 \/ – \/ – [1-9]\d* \/ 0% \/ \d+ ms$/);
  });

  it("re-enable: faults off, inventory at 50 % again with no recorded reason, the guard watching", async () => {
    const out = await shell.run(block("Drill: break the service, watch the guard roll it back", 2), 20_000);
    assert.match(out, /inventory: no faults/);
    assert.match(inventoryRowOfFlagsList(out), /\b50% +-$/);
    await eventually(async () => {
      const r = await inventory();
      return r.rollout === 50 && r.guard?.state === "watching";
    }, "inventory re-enabled at 50 % and watched", 5_000);
    // The page keeps the last trip's reason beside "watching", as the README says.
    const page = await browser.newPage();
    await page.goto("http://127.0.0.1:9000/_strangler");
    await page.waitForFunction(() => /^\/api\/inventory\s+watching/m.test((document.querySelector("#guard") as HTMLElement | null)?.innerText ?? ""), undefined, { timeout: 10_000 });
    const row = await page.$$eval("#guard tr", (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ")).find((r) => r.startsWith("/api/inventory ")));
    assert.match(row ?? "", /^\/api\/inventory watching last trip \d{4}-\d\d-\d\dT\S+: service (5xx|p99) /);
    const faults = JSON.parse(readFileSync(path.join(dataDir, "faults.json"), "utf8")) as Record<string, { errorPercent: number }>;
    assert.equal(faults.inventory?.errorPercent, 0, `faults.json: ${JSON.stringify(faults)}`);
  });
});
