import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { createLogger } from "../../src/platform/logger/logger.js";
import type { GuardSettings } from "../src/config/proxy.config.js";
import type { FlagSummary } from "../src/flags/flags-file.js";
import { GUARD_MONOLITH, GUARD_SERVICE, GuardWindow } from "../src/guard/guard-window.js";
import { createRouteGuard } from "../src/guard/route-guard.js";
import { judge } from "../src/guard/verdict.js";

const T0 = 1_700_000_000_000;
const SETTINGS: GuardSettings = { enabled: true, windowMs: 60_000, minSamples: 50, errorMarginPct: 2, latencyRatio: 1.5, latencySlackMs: 50 };

/** `n` answers on a side of the window: every `failEvery`-th one a 5xx (0: none), each taking `ms`. */
function fill(w: GuardWindow, side: number, n: number, failEvery: number, ms: number, at = T0): void {
  for (let i = 0; i < n; i++) w.record(side, at + (i % 1000), failEvery > 0 && i % failEvery === 0, ms);
}

describe("guard window (per-second counts and a latency histogram per side)", () => {
  it("when answers are recorded, then each side has its count, 5xx rate and p99 bucket", () => {
    const w = new GuardWindow(60);
    fill(w, GUARD_SERVICE, 100, 10, 4);
    w.record(GUARD_SERVICE, T0, false, 400); // the slowest 1 % is above p99's rank only when more than 1
    fill(w, GUARD_MONOLITH, 200, 0, 1);
    const s = w.snapshot(T0 + 500);
    assert.deepEqual([s.service.n, s.service.errors, s.service.p99Ms], [101, 10, 5]);
    assert.deepEqual([s.monolith.n, s.monolith.errorRate, s.monolith.p99Ms], [200, 0, 1]);
  });

  it("when the window has passed or it is reset, then old answers are gone", () => {
    const w = new GuardWindow(5);
    fill(w, GUARD_SERVICE, 10, 0, 1);
    assert.equal(w.snapshot(T0 + 4_000).service.n, 10);
    assert.equal(w.snapshot(T0 + 5_000).service.n, 0);
    w.reset();
    assert.equal(w.snapshot(T0).service.errorRate, null);
  });
});

describe("guard verdict (service against the monolith on the same route)", () => {
  it("when the service's 5xx rate exceeds the monolith's by more than the margin, then it trips with the numbers", () => {
    const w = new GuardWindow(60);
    fill(w, GUARD_SERVICE, 100, 5, 2);
    fill(w, GUARD_MONOLITH, 100, 100, 2);
    assert.deepEqual(judge(w.snapshot(T0), SETTINGS), { reason: "5xx", text: "service 5xx 20.0 % vs monolith 1.0 % (n=100)" });
  });

  it("when the difference is within the margin, or the service has fewer answers than minSamples, then no verdict", () => {
    const within = new GuardWindow(60);
    fill(within, GUARD_SERVICE, 100, 50, 2); // 2 %
    fill(within, GUARD_MONOLITH, 100, 100, 2); // 1 %
    assert.equal(judge(within.snapshot(T0), SETTINGS), undefined);
    const few = new GuardWindow(60);
    fill(few, GUARD_SERVICE, 49, 1, 2);
    assert.equal(judge(few.snapshot(T0), SETTINGS), undefined);
  });

  it("when the service's p99 exceeds the monolith's × ratio + slack, then it trips on latency; below it does not", () => {
    const slow = new GuardWindow(60);
    fill(slow, GUARD_SERVICE, 100, 0, 280);
    fill(slow, GUARD_MONOLITH, 100, 0, 9);
    assert.equal(judge(slow.snapshot(T0), SETTINGS)?.text, "service p99 300 ms vs monolith 10 ms, limit 65 ms (n=100)");
    const fine = new GuardWindow(60);
    fill(fine, GUARD_SERVICE, 100, 0, 40);
    fill(fine, GUARD_MONOLITH, 100, 0, 9);
    assert.equal(judge(fine.snapshot(T0), SETTINGS), undefined);
  });
});

describe("route guard (state, rollback, re-arm)", () => {
  const setup = (rollBack?: (flag: string, reason: string) => Promise<void>) => {
    let flag: FlagSummary = { exists: true, enabled: true, rollout: 50, custom: false };
    const registry = new Registry();
    const guard = createRouteGuard({
      routes: [{ index: 0, module: "inventory", flag: "strangler.inventory" }],
      defaults: SETTINGS,
      summary: () => flag,
      rollBack,
      logger: createLogger({ level: "error", service: "guard-test" }),
      registry,
      evaluateMs: 60_000,
    });
    return { guard, registry, set: (f: Partial<FlagSummary>) => (flag = { ...flag, ...f }) };
  };
  const load = (guard: ReturnType<typeof createRouteGuard>, failEvery: number) => {
    for (let i = 0; i < 100; i++) guard.record(0, true, failEvery && i % failEvery === 0 ? 500 : 200, 2);
    for (let i = 0; i < 100; i++) guard.record(0, false, 200, 2);
  };

  it("when the service fails, then the route goes to the monolith, the store is told why, and the metrics show the trip", async () => {
    const written: string[] = [];
    const { guard, registry, set } = setup(async (flag, reason) => void written.push(`${flag}: ${reason}`));
    load(guard, 5);
    assert.equal(guard.allows("strangler.inventory"), true);
    guard.evaluate();
    assert.equal(guard.allows("strangler.inventory"), false);
    assert.deepEqual(written, ["strangler.inventory: guard rolled back inventory: service 5xx 20.0 % vs monolith 0.0 % (n=100)"]);
    const status = guard.status(0)!;
    assert.deepEqual([status.state, status.reason], ["tripped", "service 5xx 20.0 % vs monolith 0.0 % (n=100)"]);
    const metrics = await registry.metrics();
    assert.match(metrics, /strangler_guard_trips_total\{route="inventory",reason="5xx"\} 1/);
    assert.match(metrics, /strangler_guard_state\{route="inventory"\} 1/);
    guard.evaluate(); // the flag source still reads 50 %: the store has not converged yet
    assert.equal(guard.allows("strangler.inventory"), false);
    set({ rollout: 0 });
    guard.evaluate();
    set({ rollout: 50 }); // a person sets a percentage again
    guard.evaluate();
    assert.equal(guard.allows("strangler.inventory"), true);
    assert.equal(guard.status(0)!.state, "watching");
    assert.match(await registry.metrics(), /strangler_guard_state\{route="inventory"\} 0/);
    guard.close();
  });

  it("when the service is healthy, or the route is at 0 %, then the guard never trips", () => {
    const { guard, set } = setup(async () => undefined);
    load(guard, 0);
    guard.evaluate();
    assert.equal(guard.status(0)!.state, "watching");
    set({ rollout: 0 });
    load(guard, 2);
    guard.evaluate();
    assert.equal(guard.allows("strangler.inventory"), true);
    guard.close();
  });
});
