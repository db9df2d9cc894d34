import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { rate, reportFigures } from "./support/figures.js";
import { describeLoad, hit, steadyLoad } from "./support/steady-load.js";
import { serviceScript, type Stack, startStack } from "#test-support";

const USERS = 300;
const WORKERS = 4;
const user = (n: number) => `unleash-outage-user-${n % USERS}`;

describe("Unleash stopped under proxy load (real Unleash server, 50 % rollout)", { timeout: 180_000 }, () => {
  let stack: Stack;
  let probe: (n: number) => ReturnType<typeof hit>;
  before(async () => {
    // Refresh every 500 ms: the proxy notices the outage many times over during the test. The route guard is off:
    // this test is about routing on the last known flags, and the guard, judging the service's first 50 answers
    // (its p99 is then their slowest, a cold start's), has been seen to roll the route back here (an open defect).
    stack = await startStack({ label: "faults-unleash", services: ["inventory"], proxy: { inventory: 50 }, proxyEnv: { FLAGS_REFRESH_MS: "500", GUARD_ENABLED: "0" } });
    probe = (n) => hit(`${stack.proxy!.url}/api/inventory/quantity?productId=00000000-0000-4000-8000-000000000001`, { headers: { cookie: `strangler_sid=${user(n)}` } });
  });
  after(async () => {
    await serviceScript("unleash", "start");
    await stack?.close();
  });

  /** Which side answers each of the USERS identities right now. */
  async function sides(): Promise<string[]> {
    const out: string[] = [];
    for (let n = 0; n < USERS; n++) out.push((await probe(n)).upstream ?? "none");
    return out;
  }

  it("when Unleash goes down, then every user stays on the same side (routing on the last known flags)", async (t) => {
    const split = await sides();
    const toService = split.filter((s) => s === "inventory").length;
    let moved = 0;
    // Every answer under load is checked against the user's side from before the outage.
    const load = steadyLoad({
      workers: WORKERS,
      send: async (n) => {
        const o = await probe(n);
        if (o.upstream !== split[n % USERS]) moved++;
        return o;
      },
      isFailure: (o) => o.status !== 404, // an unknown product: 404 from either side is the correct answer
    });
    let downFor = 0;
    let during: string[] = [];
    let flagsError: string | undefined;
    try {
      await sleep(2_000);
      await serviceScript("unleash", "stop");
      const downAt = Date.now();
      await sleep(5_000); // ten refresh intervals: the SDK has failed to fetch many times
      during = await sides();
      flagsError = ((await (await fetch(`${stack.proxy!.adminUrl!}/_strangler/status`)).json()) as { flags: { lastError?: string } }).flags.lastError;
      downFor = Date.now() - downAt;
    } finally {
      await serviceScript("unleash", "start"); // ALWAYS: shared with the other suites
    }
    await sleep(2_000);
    const stats = await load.stop();
    const afterRestart = await sides();
    const changed = (a: string[]) => a.filter((s, i) => s !== split[i]).length;
    reportFigures(t, "unleash-outage", {
      load: describeLoad(stats, WORKERS),
      faults: `Unleash server stopped for ${(downFor / 1000).toFixed(1)} s (proxy saw: ${flagsError ?? "no error"})`,
      requestsFailed: rate(stats.failed, stats.sent),
      eventsLost: "n/a",
      duplicates: "n/a",
      more: {
        split: `${toService}/${USERS} users on the service`,
        usersMovedDuringOutage: changed(during),
        usersMovedAfterRestart: changed(afterRestart),
        answersOnTheWrongSide: moved,
      },
    });
    assert.ok(toService > USERS * 0.35 && toService < USERS * 0.65, `about half the users on the service before the outage (${toService}/${USERS})`);
    assert.ok(flagsError, "the proxy noticed that Unleash was down");
    assert.equal(changed(during), 0, "no user changed sides while Unleash was down");
    assert.equal(changed(afterRestart), 0, "nor after it came back");
    assert.equal(moved, 0, "no answer under load came from the other side");
    assert.equal(stats.failed, 0, `no request failed: ${stats.samples.join("; ")}`);
  });
});
