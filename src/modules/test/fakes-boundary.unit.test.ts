import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { cruise, type IForbiddenRuleType } from "dependency-cruiser";

// The repository's own rule, run over a throw-away tree: production code importing a fake fails the build.
const config = createRequire(import.meta.url)("../../../.dependency-cruiser.cjs") as { forbidden: IForbiddenRuleType[] };
const rule = config.forbidden.find((r) => r.name === "fakes-only-in-tests");
const root = mkdtempSync(path.join(tmpdir(), "fakes-boundary-"));
after(() => rmSync(root, { recursive: true, force: true }));

function file(rel: string, text: string) {
  mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

it("when production code imports a fake store, then the boundaries check fails; tests and other fakes may import it", async () => {
  assert.ok(rule, "rule fakes-only-in-tests is configured");
  file("src/modules/m/domain/m.store.ts", "export const port = 1;\n");
  file("src/modules/m/domain/fake-m.store.ts", 'import { port } from "./m.store";\nexport const fake = port;\n');
  file("src/modules/m/domain/use-case.ts", 'import { fake } from "./fake-m.store";\nexport const useCase = fake;\n');
  file("src/modules/m/test/use-case.unit.test.ts", 'import { fake } from "../domain/fake-m.store";\nexport const t = fake;\n');
  file("src/modules/m/domain/other.test.ts", 'import { fake } from "./fake-m.store";\nexport const t = fake;\n');
  file("src/modules/m/domain/fake-other.store.ts", 'import { fake } from "./fake-m.store";\nexport const f = fake;\n');
  const result = await cruise(["src"], { baseDir: root, validate: true, ruleSet: { forbidden: [rule] } });
  const output = result.output as { summary: { violations: { from: string; to: string; rule: { name: string } }[] } };
  assert.deepEqual(
    output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
    ["fakes-only-in-tests: src/modules/m/domain/use-case.ts → src/modules/m/domain/fake-m.store.ts"],
  );
});
