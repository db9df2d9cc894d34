import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SIDE_MONOLITH, SIDE_SERVICE, TrafficWindow } from "../src/observability/traffic-window.js";

const T0 = 1_700_000_000_000;

describe("traffic window (live split over the last minute)", () => {
  it("when requests are recorded, then the share per route reflects them", () => {
    const w = new TrafficWindow(2);
    for (let i = 0; i < 30; i++) w.record(0, SIDE_SERVICE, T0 + i * 10);
    for (let i = 0; i < 90; i++) w.record(0, SIDE_MONOLITH, T0 + i * 10, i < 3);
    w.record(1, SIDE_MONOLITH, T0);
    const s = w.snapshot(0, T0 + 1000);
    assert.deepEqual([s.service, s.monolith, s.errors, s.total], [30, 90, 3, 120]);
    assert.equal(s.serviceShare, 0.25);
    assert.equal(w.snapshot(1, T0).total, 1);
  });

  it("when a minute has passed, then old seconds drop out, even if their slot was never reused", () => {
    const w = new TrafficWindow(1);
    w.record(0, SIDE_SERVICE, T0);
    w.record(0, SIDE_MONOLITH, T0 + 30_000);
    assert.equal(w.snapshot(0, T0 + 59_000).total, 2);
    assert.equal(w.snapshot(0, T0 + 60_000).total, 1);
    assert.equal(w.snapshot(0, T0 + 200_000).serviceShare, null);
  });

  it("when a slot is reused a minute later, then it starts from zero", () => {
    const w = new TrafficWindow(1);
    for (let i = 0; i < 5; i++) w.record(0, SIDE_SERVICE, T0);
    w.record(0, SIDE_MONOLITH, T0 + 60_000);
    const s = w.snapshot(0, T0 + 60_000);
    assert.deepEqual([s.service, s.monolith], [0, 1]);
  });

  it("returns one entry per second, oldest first, ending now", () => {
    const w = new TrafficWindow(1, 60);
    w.record(0, SIDE_SERVICE, T0);
    const s = w.snapshot(0, T0 + 5_000);
    assert.equal(s.series.length, 60);
    assert.equal(s.series.at(-1)!.t, Math.floor((T0 + 5_000) / 1000));
    assert.equal(s.series.at(-6)!.service, 1);
  });
});
