import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { call, ROOT, type Stack, startStack } from "#test-support";

const run = promisify(execFile);
const FORTIO = path.join(ROOT, ".tools/bin/fortio");
/** The extracted inventory service behind a tight concurrency limit, as Istio's connectionPool would put it. */
const LIMIT = 5;

type FortioResult = { RetCodes: Record<string, number>; ActualQPS: number; DurationHistogram: { Count: number; Percentiles: { Percentile: number; Value: number }[] } };

async function fortio(args: string[], name: string): Promise<FortioResult> {
  assert.ok(existsSync(FORTIO), "fortio is missing: run `bash scripts/tools.sh fortio`");
  const out = path.join(ROOT, "reports/fortio", `${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  await run(FORTIO, ["load", "-qps", "0", "-loglevel", "Warning", "-json", out, ...args], { timeout: 120_000 });
  const result = JSON.parse(readFileSync(out, "utf8")) as FortioResult;
  const pct = (p: number) => result.DurationHistogram.Percentiles.find((x) => x.Percentile === p)?.Value ?? NaN;
  const figures = { name, args: args.join(" "), codes: result.RetCodes, qps: Math.round(result.ActualQPS), p50ms: +(pct(50) * 1e3).toFixed(2), p99ms: +(pct(99) * 1e3).toFixed(2) };
  console.log(`fortio ${JSON.stringify(figures)}`);
  writeFileSync(out.replace(/\.json$/, ".summary.json"), JSON.stringify(figures, null, 2));
  return result;
}

const overloaded = async (adminUrl: string) => {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  return Number(/strangler_proxy_overloaded_total\{upstream="inventory"\} (\d+)/.exec(text)?.[1] ?? 0);
};

describe("local fortio load against the proxy: the concurrency limit trips like Istio's circuit breaker", () => {
  let stack: Stack;
  let url: string;
  before(async () => {
    stack = await startStack({ label: "fortio", services: ["inventory"], proxy: { inventory: 100 }, proxyEnv: { UPSTREAM_MAX_CONCURRENCY: String(LIMIT) } });
    const productId = randomUUID();
    assert.equal((await call("POST", `${stack.monolith.url}/api/inventory/update`, { productId, quantity: 5 })).status, 200);
    url = `${stack.proxy!.url}/api/inventory/quantity?productId=${productId}`;
    const probe = await fetch(url);
    assert.equal(probe.headers.get("x-upstream"), "inventory");
  });
  after(() => stack?.close());

  it("when fortio runs -c 50 -n 500, then a clear share is refused with 503 + overload header and the rest is 200", async () => {
    const before = await overloaded(stack.proxy!.adminUrl!);
    const r = await fortio(["-c", "50", "-n", "500", url], "c50");
    const ok = r.RetCodes["200"] ?? 0;
    const refused = r.RetCodes["503"] ?? 0;
    assert.equal(ok + refused, 500, `only 200 and 503 expected: ${JSON.stringify(r.RetCodes)}`);
    assert.ok(refused >= 50, `a clear share of 503s (got ${refused}/500)`);
    assert.ok(ok >= 50, `the rest still served (got ${ok}/500)`);
    // every 503 was the proxy's overload answer (x-strangler-overloaded), counted by its metric
    assert.equal((await overloaded(stack.proxy!.adminUrl!)) - before, refused);
    const burst = await Promise.all(Array.from({ length: 40 }, () => fetch(url)));
    const refusedNow = burst.filter((res) => res.status === 503);
    assert.ok(refusedNow.length > 0, "a burst of 40 against a limit of 5 is refused in part");
    assert.ok(refusedNow.every((res) => res.headers.get("x-strangler-overloaded") === "true" && res.headers.get("x-upstream") === "inventory"));
  });

  it("when fortio runs -c 1, then nothing is refused", async () => {
    const r = await fortio(["-c", "1", "-n", "200", url], "c1");
    assert.deepEqual(r.RetCodes, { "200": 200 });
  });
});
