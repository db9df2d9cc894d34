import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Router } from "express";
import { runFaults } from "../../cli/faults.command.js";
import { faultsFile } from "../../roles/serve.js";
import { createHttpApp } from "../http/create-http-app.js";
import { createFaultInjection } from "../http/fault-injection.js";
import type { Logger } from "../logger/logger.js";

// A real HTTP server with the fault injection an extracted service's server gets, driven by `strangler faults`.
const dir = mkdtempSync(path.join(tmpdir(), "strangler-faults-"));
const lines: string[] = [];
const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
const logger: Logger = { error: at("error"), warn: at("warn"), info: at("info"), debug: () => undefined, child: () => logger };
let server: http.Server;
let base: string;
const statusOf = async (p: string) => (await fetch(`${base}${p}`)).status;
const faults = (...args: string[]) => runFaults(args, dir, () => undefined);

before(async () => {
  const router = Router().get("/api/inventory/check", (_req, res) => void res.json({ ok: true })).get("/health", (_req, res) => void res.json({ status: "ok" }));
  const app = createHttpApp({ logger, bodyLimit: "10kb", routers: [router], first: createFaultInjection({ file: faultsFile(dir), service: "inventory", logger }) });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("fault injection in an extracted service (drills of the route guard)", () => {
  it("when nothing is set, then no request fails and the log says fault injection is off", async () => {
    assert.match(lines.join("\n"), /info fault injection off for service inventory/);
    for (let i = 0; i < 20; i++) assert.equal(await statusOf("/api/inventory/check"), 200);
  });

  it("when `strangler faults inventory --5xx 20 --delay 100` is run, then within a second 20 % of requests get 500, each delayed; /health never", async () => {
    assert.equal(faults("inventory", "--5xx", "20", "--delay", "100"), 0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const started = performance.now();
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push(await statusOf("/api/inventory/check"));
    assert.ok(performance.now() - started >= 1_000, "each request delayed by 100 ms");
    assert.equal(statuses.filter((s) => s === 500).length, 2, statuses.join(","));
    assert.equal(await statusOf("/health"), 200);
    assert.match(lines.join("\n"), /warn fault injection ON for service inventory: 20 % 500s, \+100 ms/);
  });

  it("when `strangler faults inventory off` is run, then requests succeed again; bad arguments are a usage error", async () => {
    assert.equal(faults("inventory", "off"), 0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (let i = 0; i < 10; i++) assert.equal(await statusOf("/api/inventory/check"), 200);
    assert.equal(faults("inventory", "--5xx", "120"), 2);
    assert.equal(faults("monolith", "--5xx", "20"), 2);
  });
});
