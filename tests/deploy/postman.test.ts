import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, it } from "node:test";
import { ROOT, chartValues, run } from "./support/deploy-tools.js";

const DIR = path.join(ROOT, "tests/postman");
const read = (f: string) => readFileSync(path.join(DIR, f), "utf8");
const collection = JSON.parse(read("strangler.postman_collection.json"));

interface Item { name: string; event?: { listen: string; script: { exec: string[] } }[]; request: { url: string; body?: { raw: string }; header: { value: string }[] } }
interface Folder { name: string; item: Item[] }
const folders: Folder[] = collection.item;
const scriptOf = (i: Item, listen: string) => i.event?.find((e) => e.listen === listen)?.script.exec.join("\n") ?? "";
const matches = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => m[1]!);
const sets = (s: string) => matches(/pm\.variables\.set\("([^"]+)"/g, s);
const gets = (s: string) => matches(/pm\.variables\.get\("([^"]+)"\)/g, s);
const uses = (i: Item) => matches(/\{\{([^}]+)\}\}/g, [i.request.url, i.request.body?.raw ?? "", ...i.request.header.map((h) => h.value)].join(" "));

/** Variables every request may use: the environment's and those the collection pre-request script sets. */
const RUN_WIDE = new Set(["baseUrl", "adminUrl", "jwtSecret", "$guid", ...sets(read("src/collection-prerequest.js"))]);
/** The error codes the contract (and the lead's implementation) documents. */
const DOCUMENTED_CODES = [
  "USERS.INVALID_BODY", "USERS.NOT_FOUND", "USERS.INVALID_ID", "USERS.CONFLICT",
  "INVENTORY.INVALID_BODY", "INVENTORY.INVALID_QUERY", "INVENTORY.NOT_FOUND", "INVENTORY.INSUFFICIENT_STOCK",
  "ORDERS.INVALID_BODY", "ORDERS.INVALID_ID", "ORDERS.NOT_FOUND", "ORDERS.USER_NOT_FOUND", "ORDERS.INSUFFICIENT_STOCK",
  "ORDERS.INVALID_TRANSITION", "ORDERS.STOCK_NOT_RESERVED", "ORDERS.INVALID_STATUS",
  "AUTH.UNAUTHORIZED", "AUTH.FORBIDDEN", "REQUEST.TOO_LARGE", "REQUEST.INVALID_JSON",
];

describe("Postman collection tests/postman", () => {
  it("is generated from tests/postman/src (build-collection.mjs --check)", () => {
    run(process.execPath, ["tests/postman/build-collection.mjs", "--check"]);
  });

  it("has the folders scripts/ci/newman.sh runs one by one", () => {
    const listed = /^FOLDERS=\(([^)]*)\)/m.exec(readFileSync(path.join(ROOT, "scripts/ci/newman.sh"), "utf8"))?.[1]?.split(/\s+/);
    assert.deepEqual(listed, folders.map((f) => f.name));
  });

  for (const folder of folders) {
    it(`folder ${folder.name} runs alone: it sets every variable it uses before using it`, () => {
      const known = new Set(RUN_WIDE);
      for (const item of folder.item) {
        const pre = scriptOf(item, "prerequest");
        const test = scriptOf(item, "test");
        sets(pre).forEach((v) => known.add(v));
        for (const v of [...uses(item), ...gets(pre)]) assert.ok(known.has(v), `${folder.name} / ${item.name} uses {{${v}}} that no earlier request of the folder sets`);
        sets(test).forEach((v) => known.add(v));
        for (const v of gets(test)) assert.ok(known.has(v), `${folder.name} / ${item.name} reads ${v} that the folder never sets`);
        assert.ok(test.trim(), `${folder.name} / ${item.name} has no tests`);
      }
    });
  }

  it("asserts every documented error code, each from the one ERR table", () => {
    const table = Object.fromEntries(matches(/^\s+([A-Z_]+): "[A-Z]+\.[A-Z_]+",$/gm, read("src/collection-prerequest.js")).map((k) => [k, true]));
    const codes = matches(/^\s+[A-Z_]+: "([A-Z]+\.[A-Z_]+)",$/gm, read("src/collection-prerequest.js"));
    assert.deepEqual([...codes].sort(), [...DOCUMENTED_CODES].sort());
    const used = new Set(folders.flatMap((f) => f.item.flatMap((i) => matches(/ERR\.([A-Z_]+)/g, scriptOf(i, "test")))));
    for (const k of used) assert.ok(table[k], `ERR.${k} is not in the table`);
    for (const k of Object.keys(table)) assert.ok(used.has(k), `no request asserts ERR.${k}`);
    assert.doesNotMatch(JSON.stringify(folders), /"[A-Z]+\.[A-Z_]{4,}"/, "error codes are spelled only in the ERR table");
  });

  it("has local, docker and kubernetes environments that match the stacks", () => {
    const env = (n: string) => Object.fromEntries(JSON.parse(read(`env.${n}.json`)).values.map((v: { key: string; value: string }) => [v.key, v.value]));
    const proxyPort = chartValues().proxy.port;
    for (const n of ["local", "docker", "kubernetes"]) assert.equal(new URL(env(n).baseUrl).port, String(proxyPort), `env.${n}.json baseUrl port`);
    for (const n of ["local", "docker", "kubernetes"]) assert.equal(new URL(env(n).adminUrl).port, String(chartValues().proxy.adminPort), `env.${n}.json adminUrl port`);
    const composeSecret = /JWT_SECRET: \$\{JWT_SECRET:-([^}]+)\}/.exec(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"))?.[1];
    assert.equal(env("docker").jwtSecret, composeSecret, "env.docker.json jwtSecret = docker-compose.yml's default JWT_SECRET");
    assert.ok(env("local").jwtSecret.length >= 32);
  });

  it("runs in newman without script errors (against a stub server)", async () => {
    const newman = createRequire(import.meta.url)("newman");
    const server = http.createServer((req, res) => {
      res.setHeader("X-Request-Id", req.headers["x-request-id"] ?? "");
      res.setHeader("X-Upstream", "stub");
      res.setHeader("Content-Type", "application/json");
      res.end(req.method === "GET" && req.url?.startsWith("/api/orders/") ? '{"stockStatus":"Reserved"}' : "{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const summary = await new Promise<any>((resolve, reject) =>
        newman.run({
          collection, environment: path.join(DIR, "env.local.json"), reporters: [],
          envVar: ["baseUrl", "adminUrl"].map((key) => ({ key, value: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
        }, (err: Error | null, s: unknown) => (err ? reject(err) : resolve(s))));
      const stats = summary.run.stats;
      assert.equal(stats.prerequestScripts.failed, 0, "a pre-request script threw");
      assert.equal(stats.testScripts.failed, 0, "a test script threw outside pm.test");
      assert.equal(stats.requests.total, folders.reduce((n, f) => n + f.item.length, 0), "every request ran once");
      assert.ok(stats.assertions.total > 200, `only ${stats.assertions.total} assertions`);
    } finally {
      server.close();
    }
  });
});
