import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ROOT, type Stack, STACK_JWT_SECRET, startStack } from "#test-support";

const run = promisify(execFile);

describe("Postman collection with newman, through the proxy, against the real stack (PostgreSQL, Kafka, Unleash)", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ label: "newman", kafka: true, services: ["users", "inventory"], proxy: { users: 50, inventory: 50 } });
  });
  after(() => stack?.close());

  it("when every folder runs alone and then the whole collection, then all assertions pass and JUnit reports are kept", async () => {
    const { stdout } = await run("bash", ["scripts/ci/newman.sh"], {
      cwd: ROOT,
      env: { ...process.env, BASE_URL: stack.proxy!.url, ADMIN_URL: stack.proxy!.adminUrl!, JWT_SECRET: STACK_JWT_SECRET },
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`newman failed: ${e.message}\n${(e.stdout ?? "").slice(-6000)}\n${e.stderr ?? ""}`);
    });
    assert.match(stdout, /newman: all \d+ runs passed/);
    for (const name of ["health", "users", "inventory", "orders", "proxy", "all"])
      assert.ok(existsSync(path.join(ROOT, "reports/newman", `${name}.xml`)), `JUnit report ${name}.xml`);
  });
});
