import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Unleash } from "unleash-client";
import { createFlagDecider } from "../src/flags/runtime/flag-decider.js";
import { destroyQuietly } from "../src/flags/runtime/flag-source.js";
import { rolloutStrategy, type FlagFeature } from "../src/flags/flags-file.js";
import { FlagRepository } from "../src/flags/runtime/flag.repository.js";

// The decision is evaluated by the real unleash-client SDK (flexibleRollout, murmur3 bucketing) over
// feature definitions in Unleash's own format — the same code path as with a server, minus the network.
const FLAG = "strangler.inventory";
const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const clients: Unleash[] = [];
after(() => clients.forEach(destroyQuietly));

async function deciderFor(features: FlagFeature[] | undefined) {
  const repository = new FlagRepository(features ?? []);
  const unleash = new Unleash({ appName: "unit", url: "http://flags-file.invalid/api/", repository, disableMetrics: true, skipInstanceCountWarning: true, disableAutoStart: true });
  clients.push(unleash);
  let ready = false;
  unleash.on("ready", () => (ready = true));
  if (features) {
    await unleash.start();
    await new Promise((r) => setImmediate(r));
  }
  return { toService: createFlagDecider({ unleash, isReady: () => ready }), repository };
}

const flag = (rollout: number, enabled = true): FlagFeature => ({ name: FLAG, enabled, strategies: [rolloutStrategy(FLAG, rollout)] });
const share = (toService: (f: string, u: string) => boolean) => users.filter((u) => toService(FLAG, u)).length / users.length;

describe("flag decision (route → monolith or extracted service)", () => {
  it("when the flag is missing, then every user goes to the monolith", async () => {
    const { toService } = await deciderFor([{ name: "other.flag", enabled: true, strategies: [] }]);
    assert.equal(share(toService), 0);
  });

  it("when the flag is off, then every user goes to the monolith, whatever the rollout", async () => {
    const { toService } = await deciderFor([flag(100, false)]);
    assert.equal(share(toService), 0);
  });

  it("when flags are not loaded yet (Unleash down, no backup), then every user goes to the monolith", async () => {
    const { toService } = await deciderFor(undefined);
    assert.equal(share(toService), 0);
  });

  it("when the flag is on at 0 %, then nobody is migrated; at 100 %, everybody", async () => {
    assert.equal(share((await deciderFor([flag(0)])).toService), 0);
    assert.equal(share((await deciderFor([flag(100)])).toService), 1);
  });

  it("when the flag is on at 25 %, then about a quarter of users go to the service", async () => {
    const s = share((await deciderFor([flag(25)])).toService);
    assert.ok(Math.abs(s - 0.25) < 0.02, `share ${s}`);
  });

  it("when the same user asks again, then the answer is the same (sticky, no coin flip per request)", async () => {
    const { toService } = await deciderFor([flag(50)]);
    for (const u of users.slice(0, 500)) {
      const first = toService(FLAG, u);
      for (let i = 0; i < 10; i++) assert.equal(toService(FLAG, u), first, u);
    }
  });

  it("when the rollout is raised 25 → 50 → 75, then every migrated user stays migrated", async () => {
    const { toService, repository } = await deciderFor([flag(25)]);
    const at25 = new Set(users.filter((u) => toService(FLAG, u)));
    repository.setFeatures([flag(50)]);
    const at50 = new Set(users.filter((u) => toService(FLAG, u)));
    repository.setFeatures([flag(75)]);
    const at75 = new Set(users.filter((u) => toService(FLAG, u)));
    for (const u of at25) assert.ok(at50.has(u), `${u} moved back at 50 %`);
    for (const u of at50) assert.ok(at75.has(u), `${u} moved back at 75 %`);
    assert.ok(at50.size > at25.size * 1.8 && at75.size > at50.size * 1.3, `${at25.size} → ${at50.size} → ${at75.size}`);
  });

  it("when the flag is switched off and on again, then the same users are migrated as before", async () => {
    const { toService, repository } = await deciderFor([flag(30)]);
    const before = users.filter((u) => toService(FLAG, u));
    repository.setFeatures([flag(30, false)]);
    assert.equal(share(toService), 0);
    repository.setFeatures([flag(30)]);
    assert.deepEqual(users.filter((u) => toService(FLAG, u)), before);
  });

  it("when two flags have the same rollout, then their user sets differ (groupId = flag name)", async () => {
    const other = "strangler.users";
    const { toService } = await deciderFor([flag(50), { name: other, enabled: true, strategies: [rolloutStrategy(other, 50)] }]);
    const a = users.filter((u) => toService(FLAG, u));
    const b = new Set(users.filter((u) => toService(other, u)));
    const overlap = a.filter((u) => b.has(u)).length / a.length;
    assert.ok(overlap > 0.4 && overlap < 0.6, `overlap ${overlap}`);
  });

  it("when a flag was created with sessionId stickiness, then the identity still buckets it", async () => {
    const f = flag(50);
    f.strategies[0]!.parameters!.stickiness = "sessionId";
    const s = share((await deciderFor([f])).toService);
    assert.ok(Math.abs(s - 0.5) < 0.03, `share ${s}`);
  });
  it("when a flag's answer is random (stickiness random), then it is evaluated on every request, never remembered", async () => {
    const f = flag(50);
    f.strategies[0]!.parameters!.stickiness = "random";
    const { toService } = await deciderFor([f]);
    const answers = new Set(Array.from({ length: 200 }, () => toService(FLAG, "user-1")));
    assert.deepEqual([...answers].sort(), [false, true]);
  });
});
