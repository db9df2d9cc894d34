import assert from "node:assert/strict";
import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "#test-support";

const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

describe("package.json scripts", () => {
  it("when `npm run test:unit` runs, then it covers every unit test file the unit suite of scripts/test.sh runs", () => {
    const globs = [...scripts["test:unit"]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    const covered = new Set(globs.flatMap((g) => globSync(g, { cwd: ROOT })));
    // scripts/test.sh: find src proxy -name '*.unit.test.ts' -not -path '*/node_modules/*'
    const suite = globSync("{src,proxy}/**/*.unit.test.ts", { cwd: ROOT }).filter((f) => !f.includes("node_modules"));
    assert.ok(suite.some((f) => f.startsWith("proxy/")), "the proxy has unit test files");
    assert.deepEqual(suite.filter((f) => !covered.has(f)), [], "unit test files test:unit misses");
  });
});
