import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { createFileFlagStore } from "../src/flags/admin/file-flag.store.js";
import { runFlagsCommand } from "../src/flags/admin/flags.command.js";
import { parseRolloutArgs } from "../src/flags/admin/rollout.command.js";
import { readFlagsFile, summarizeFlag } from "../src/flags/flags-file.js";

// `strangler rollout` against the flags file; the guard's verdict is written by the real store method the proxy uses.
const dir = mkdtempSync(path.join(tmpdir(), "strangler-rollout-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const flagsFile = path.join(dir, "flags.json");
async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFlagsCommand(args, { DATA_DIR: dir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err: err.join("\n") };
}
const inventory = () => summarizeFlag(readFlagsFile(flagsFile)!.features.find((f) => f.name === "strangler.inventory"));

describe("strangler rollout (stepped, held while the guard stays green)", () => {
  it("when the options are given, then steps and hold are parsed; bad ones are usage errors", () => {
    assert.deepEqual(parseRolloutArgs([]), { steps: [5, 25, 50, 100], holdMs: 60_000, pollMs: 1000 });
    assert.deepEqual(parseRolloutArgs(["--steps", "10,50", "--hold", "500ms"]), { steps: [10, 50], holdMs: 500, pollMs: 50 });
    assert.equal(parseRolloutArgs(["--hold", "2m"]).holdMs, 120_000);
    for (const bad of [["--steps", "50,25"], ["--steps", "0,10"], ["--hold", "soon"], ["--fast", "1"], ["--steps"]]) assert.throws(() => parseRolloutArgs(bad), /steps|hold|option|value/);
  });

  it("when the guard stays green, then each step is held with a progress line and the route ends at the last step", async () => {
    const r = await run("rollout", "inventory", "--steps", "10,30", "--hold", "300ms");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out, ["inventory: step 1/2 at 10% — holding 0.3s while the guard stays green", "inventory: step 2/2 at 30% — holding 0.3s while the guard stays green", "inventory: rolled out to 30%, the guard green at every step"]);
    assert.deepEqual([inventory().enabled, inventory().rollout], [true, 30]);
  });

  it("when the guard trips during a step, then the rollout stops there, the route is at 0 % and the exit code is 3", async () => {
    const tripped = setTimeout(() => void createFileFlagStore(flagsFile).rollBack("strangler.inventory", "guard rolled back inventory: service 5xx 20.0 % vs monolith 0.0 % (n=80)"), 900);
    const r = await run("rollout", "inventory", "--steps", "10,50,100", "--hold", "600ms");
    clearTimeout(tripped);
    assert.equal(r.code, 3);
    assert.equal(r.out.length, 2, r.out.join("\n")); // tripped during step 2: step 3 never started
    assert.match(r.err, /^inventory: the guard tripped at 50%: guard rolled back inventory: service 5xx 20\.0 %/);
    assert.equal(inventory().rollout, 0);
  });

  it("when someone else changes the percentage during a hold, then the rollout stops (exit 1)", async () => {
    setTimeout(() => void createFileFlagStore(flagsFile).setRollout("strangler.inventory", 7, ""), 100);
    const r = await run("rollout", "inventory", "--steps", "10,20", "--hold", "400ms");
    assert.equal(r.code, 1);
    assert.match(r.err, /changed to 7% by someone else at step 10%/);
  });
});
