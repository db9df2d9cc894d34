import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { rate, reportFigures } from "./support/figures.js";
import { placeOne, seedShop } from "./support/order-ledger.js";
import { describeLoad, hit, steadyLoad } from "./support/steady-load.js";
import { eventually, serviceScript, type Stack, startStack } from "#test-support";

const WORKERS = 2;

describe("PostgreSQL restarted under load (scripts/services/postgres.sh restart)", { timeout: 180_000 }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ label: "faults-pg" });
  });
  after(async () => {
    await serviceScript("postgres", "start");
    await stack?.close();
  });

  it("when the database restarts, then /ready goes 503 then 200 and the same process serves again, without a restart", async (t) => {
    const base = stack.monolith.url;
    const pid = stack.monolith.child.pid;
    const { userIds, productIds } = await seedShop(base, 1, 1, 1_000_000);
    // /ready polled every 20 ms all along: the sequence of answers, compressed to runs ("200×52 503×31 200×…").
    const readiness: { status: number; at: number }[] = [];
    const notReadyBodies = new Set<string>(); // each distinct body of a non-200 answer
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
        const text = res ? await res.text() : "";
        if (res && res.status !== 200) notReadyBodies.add(text);
        readiness.push({ status: res?.status ?? 0, at: Date.now() });
        await sleep(20);
      }
    })();
    const load = steadyLoad({ workers: WORKERS, pauseMs: 5, send: () => hit(`${base}/api/users/${userIds[0]}`) });
    let restartedIn = 0;
    try {
      await sleep(1_000);
      const t0 = Date.now();
      await serviceScript("postgres", "restart");
      restartedIn = Date.now() - t0;
      await eventually(async () => readiness.at(-1)?.status === 200, "/ready 200 again", 30_000);
      await sleep(1_000);
    } finally {
      polling = false;
      await poller;
      await load.stop();
    }
    const runs: [number, number][] = [];
    for (const r of readiness) runs.at(-1)?.[0] === r.status ? runs.at(-1)![1]++ : runs.push([r.status, 1]);
    const firstDown = readiness.find((r) => r.status !== 200);
    const backUp = firstDown && readiness.find((r) => r.at > firstDown.at && r.status === 200);
    // The same process serves writes again: a new user and an order (read + write + outbox).
    const order = await placeOne(base, userIds[0]!, productIds[0]!, 1);
    const stats = load.stats;
    reportFigures(t, "postgres-restart", {
      load: describeLoad(stats, WORKERS),
      faults: `PostgreSQL restarted (script took ${(restartedIn / 1000).toFixed(1)} s)`,
      requestsFailed: `${rate(stats.failed, stats.sent)} during the restart (503 DEPENDENCY.UNAVAILABLE expected while it is down)`,
      eventsLost: "n/a",
      duplicates: "n/a",
      more: {
        notReadyBodies: [...notReadyBodies].join(" | "),
        readiness: runs.map(([s, n]) => `${s}×${n}`).join(" "),
        notReadyFor: firstDown && backUp ? `${backUp.at - firstDown.at} ms` : "never",
        orderAfterRestart: order.status,
      },
    });
    assert.ok(firstDown, `/ready went non-200 while PostgreSQL restarted (${runs.map(([s, n]) => `${s}×${n}`).join(" ")})`);
    assert.equal(firstDown.status, 503, "not ready is a 503 naming the database");
    // The body names the failing check and nothing more: the database's error text (host, port, driver message) is logged.
    assert.ok(notReadyBodies.size > 0);
    for (const text of notReadyBodies)
      assert.deepEqual(JSON.parse(text), { status: "unavailable", failing: ["database"], checks: { database: { status: "fail" }, shutdown: { status: "ok" } } }, `no raw error text in /ready: ${text}`);
    assert.ok(backUp, "/ready came back to 200");
    assert.equal(stack.monolith.child.exitCode, null, "the monolith was not restarted");
    assert.equal(stack.monolith.child.pid, pid);
    assert.equal(order.status, 201, "an order can be placed after the restart");
    assert.equal((await hit(`${base}/api/users/${userIds[0]}`)).status, 200);
    const failures = Object.keys(stats.byStatus).filter((s) => s !== "200" && s !== "503");
    assert.deepEqual(failures, [], `while the database was down, requests got 503, never a 500 or a dropped connection: ${JSON.stringify(stats.byStatus)}`);
  });
});
