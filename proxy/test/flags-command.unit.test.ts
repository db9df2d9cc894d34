import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { createFileFlagStore } from "../src/flags/admin/file-flag.store.js";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { summarizeFlag } from "../src/flags/flags-file.js";

// File mode (no UNLEASH_URL): the commands edit the flags file in Unleash's feature format.
const dir = mkdtempSync(path.join(tmpdir(), "strangler-flags-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { DATA_DIR: dir };
const flagsFile = path.join(dir, "flags.json");

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFlagsCommand(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
const feature = (name: string) => JSON.parse(readFileSync(flagsFile, "utf8")).features.find((f: { name: string }) => f.name === name);

describe("strangler flags (flags file)", () => {
  it("init creates every route flag off at 0 %, and is idempotent", async () => {
    const first = await run("init");
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /strangler\.inventory: created/);
    assert.deepEqual(summarizeFlag(feature("strangler.inventory")), { exists: true, enabled: false, rollout: 0, custom: false });
    assert.match((await run("init")).out, /strangler\.inventory: exists/);
  });

  it("set <module> <percent> enables the flag with a sticky flexibleRollout at that percent", async () => {
    const r = await run("set", "inventory", "50");
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.startsWith(`inventory: strangler.inventory on at 50% in the flags file ${flagsFile};`), r.out);
    const f = feature("strangler.inventory");
    assert.equal(f.enabled, true);
    assert.deepEqual(f.strategies, [{ name: "flexibleRollout", constraints: [], parameters: { rollout: "50", stickiness: "default", groupId: "strangler.inventory" } }]);
  });

  it("accepts the flag name or the prefix instead of the module, and 25% with a percent sign", async () => {
    assert.equal((await run("set", "strangler.users", "25%")).code, 0);
    assert.equal((await run("set", "/api/orders", "0")).code, 0);
    assert.equal(summarizeFlag(feature("strangler.users")).rollout, 25);
  });

  it("off disables (everything to the monolith) and on restores the same rollout", async () => {
    assert.equal((await run("off", "inventory")).code, 0);
    assert.equal(feature("strangler.inventory").enabled, false);
    const on = await run("on", "inventory");
    assert.equal(on.code, 0);
    assert.match(on.out, /on at 50%/);
  });

  it("shadow <route> <percent> sets the route's own shadow flag; shadow <route> off disables it", async () => {
    const r = await run("shadow", "inventory", "30");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /strangler\.inventory\.shadow on at 30%/);
    assert.deepEqual(summarizeFlag(feature("strangler.inventory.shadow")), { exists: true, enabled: true, rollout: 30, custom: false });
    assert.equal(feature("strangler.inventory").strategies[0].parameters.rollout, "50", "the routing flag is untouched");
    assert.equal((await run("shadow", "inventory", "off")).code, 0);
    assert.equal(feature("strangler.inventory.shadow").enabled, false);
    assert.equal((await run("shadow", "inventory", "101")).code, 2);
  });

  it("list prints a table of routes, flags, state and rollout", async () => {
    const r = await run("list");
    assert.equal(r.code, 0);
    assert.match(r.out, /ROUTE\s+MODULE\s+FLAG\s+STATE\s+ROLLOUT/);
    assert.match(r.out, /\/api\/inventory\s+inventory\s+strangler\.inventory\s+on\s+50%/);
    assert.match(r.out, /\/api\/users\s+users\s+strangler\.users\s+on\s+25%/);
  });

  it("when the route is unknown or the percent is bad, then it explains and exits 2 without touching the file", async () => {
    const before = readFileSync(flagsFile, "utf8");
    for (const args of [["set", "payments", "10"], ["set", "inventory", "101"], ["set", "inventory", "-1"], ["set", "inventory", "ten"], ["set", "inventory"], ["frobnicate"]]) {
      const r = await run(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assert.match(r.err, /unknown route|bad percent|expected 2|unknown command/);
    }
    assert.equal(readFileSync(flagsFile, "utf8"), before);
  });

  it("when the flags file is corrupt, then it says so and exits 1", async () => {
    const saved = readFileSync(flagsFile, "utf8");
    writeFileSync(flagsFile, "{ not json");
    const r = await run("set", "inventory", "10");
    writeFileSync(flagsFile, saved);
    assert.equal(r.code, 1);
    assert.match(r.err, /flags file/);
  });

  it("without arguments prints usage and exits 2; help exits 0", async () => {
    assert.equal((await run()).code, 2);
    const help = await run("help");
    assert.equal(help.code, 0);
    assert.match(help.out, /usage: strangler flags/);
  });
  it("when the guard rolls a route back, then the flag is at 0 % with the reason beside it, `list` shows it, and `set` clears it", async () => {
    assert.equal((await run("set", "inventory", "50")).code, 0);
    await createFileFlagStore(flagsFile).rollBack("strangler.inventory", "guard rolled back inventory: service 5xx 20.0 % vs monolith 0.0 % (n=100)");
    const f = feature("strangler.inventory");
    assert.deepEqual([f.enabled, f.strategies[0].parameters.rollout, f.guard.reason], [true, "0", "guard rolled back inventory: service 5xx 20.0 % vs monolith 0.0 % (n=100)"]);
    assert.match((await run("list")).out, /strangler\.inventory\s+on\s+0%\s+guard rolled back inventory: service 5xx 20\.0 %/);
    assert.equal((await run("set", "inventory", "25")).code, 0);
    assert.equal(feature("strangler.inventory").guard, undefined);
    assert.match((await run("list")).out, /strangler\.inventory\s+on\s+25%\s+-/);
  });
});
