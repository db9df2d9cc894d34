import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

// The real CLI from source, without services: the proxy role needs no database, Kafka or Unleash.
const ROOT = path.resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(path.join(tmpdir(), "cli-lifecycle-"));
const base = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ADMIN_PORT: "0", DATA_DIR: dir };

type Run = { code: number | null; stdout: string; stderr: string };
function cli(args: string[], env: Record<string, string>, onStdout?: (text: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    let stdout = "";
    let signalled = false;
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      onStdout?.(stdout, () => void (child.signalCode === null && !signalled && (signalled = child.kill("SIGTERM"))));
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject).on("exit", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}
const logLines = (stdout: string) => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: string; message: string; error?: { stack?: string } });

describe("strangler CLI lifecycle", () => {
  it("when LOG_LEVEL is not a level, then the proxy role lists it as a configuration problem and exits 1", async () => {
    const r = await cli(["proxy"], { ...base, LOG_LEVEL: "loud" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /strangler: invalid configuration:\n {2}- "LOG_LEVEL" must be one of/);
  });

  it("when the route table is invalid, then the proxy role prints the readable problem list and exits 1", async () => {
    const routes = path.join(dir, "routes.json");
    writeFileSync(routes, "{ not json");
    const r = await cli(["proxy"], { ...base, ROUTES_FILE: routes });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /strangler: invalid configuration:\n {2}- ROUTES_FILE/);
  });

  it("when a server role fails to start for another reason, then the failure goes through its logger with the stack and exit is 1", async () => {
    const busy = net.createServer().listen(0, "127.0.0.1");
    await once(busy, "listening");
    try {
      const r = await cli(["proxy"], { ...base, PORT: String((busy.address() as AddressInfo).port) });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const failed = logLines(r.stdout).find((l) => l.message === "start-up failed");
      assert.ok(failed && failed.level === "error", r.stdout);
      assert.match(failed.error?.stack ?? "", /EADDRINUSE/);
    } finally {
      busy.close();
    }
  });

  it("when the proxy role gets SIGTERM, even as it is still starting, then it drains, closes and exits 0 through the one lifecycle", async () => {
    const r = await cli(["proxy"], { ...base, LOG_LEVEL: "info", SHUTDOWN_DRAIN_MS: "200" }, (out, kill) => {
      if (out.includes('"proxy listening"')) kill();
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const messages = logLines(r.stdout).map((l) => l.message);
    for (const m of ["shutting down", "draining: not ready, still serving, connections close after each response", "stopped"]) assert.ok(messages.includes(m), messages.join(" | "));
  });
});
