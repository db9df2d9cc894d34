/** Upper bounds (ms) of the latency buckets; the last one catches everything slower. */
export const LATENCY_BOUNDS_MS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000] as const;
const BUCKETS = LATENCY_BOUNDS_MS.length;
/** Per side and second: the answer count, the 5xx count, then one counter per latency bucket. */
const STRIDE = 2 + BUCKETS;
export const GUARD_MONOLITH = 0;
export const GUARD_SERVICE = 1;

/** One side of a route over the window. */
export interface SideStats {
  readonly n: number;
  readonly errors: number;
  /** 5xx answers / answers (0–1), null with no answers. */
  readonly errorRate: number | null;
  /** The upper bound of the latency bucket holding the 99th percentile, null with no answers. */
  readonly p99Ms: number | null;
}

export interface WindowStats {
  readonly service: SideStats;
  readonly monolith: SideStats;
}

/**
 * One route's answers per side over the last `seconds` seconds, for the guard: per-second slots (stamped, reset
 * lazily when reused, as in observability/traffic-window.ts) with counts and a small latency histogram per side.
 * O(1) and allocation-free per answer; a snapshot costs seconds × buckets.
 * @example const w = new GuardWindow(60); w.record(GUARD_SERVICE, Date.now(), false, 12); w.snapshot(Date.now()).service.p99Ms;
 */
export class GuardWindow {
  private readonly counts: Uint32Array;
  private readonly stamps: Float64Array;

  constructor(private readonly seconds: number) {
    this.counts = new Uint32Array(seconds * 2 * STRIDE);
    this.stamps = new Float64Array(seconds).fill(-1);
  }

  record(side: number, nowMs: number, isError: boolean, ms: number): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % this.seconds;
    const base = slot * 2 * STRIDE;
    if (this.stamps[slot] !== second) {
      this.stamps[slot] = second;
      this.counts.fill(0, base, base + 2 * STRIDE);
    }
    const at = base + side * STRIDE;
    this.counts[at]! += 1;
    if (isError) this.counts[at + 1]! += 1;
    let bucket = 0;
    while (bucket < BUCKETS - 1 && ms > LATENCY_BOUNDS_MS[bucket]!) bucket++;
    this.counts[at + 2 + bucket]! += 1;
  }

  /** Forgets everything (after a trip, and when a person re-enables the route). */
  reset(): void {
    this.stamps.fill(-1);
  }

  snapshot(nowMs: number): WindowStats {
    return { service: this.side(GUARD_SERVICE, nowMs), monolith: this.side(GUARD_MONOLITH, nowMs) };
  }

  private side(side: number, nowMs: number): SideStats {
    const now = Math.floor(nowMs / 1000);
    const histogram = new Array<number>(BUCKETS).fill(0);
    let n = 0;
    let errors = 0;
    for (let t = now - this.seconds + 1; t <= now; t++) {
      const slot = ((t % this.seconds) + this.seconds) % this.seconds;
      if (this.stamps[slot] !== t) continue;
      const at = slot * 2 * STRIDE + side * STRIDE;
      n += this.counts[at]!;
      errors += this.counts[at + 1]!;
      for (let b = 0; b < BUCKETS; b++) histogram[b]! += this.counts[at + 2 + b]!;
    }
    return { n, errors, errorRate: n ? errors / n : null, p99Ms: n ? percentile(histogram, n, 0.99) : null };
  }
}

function percentile(histogram: readonly number[], n: number, q: number): number {
  const rank = Math.ceil(q * n);
  let seen = 0;
  for (let b = 0; b < BUCKETS; b++) if ((seen += histogram[b]!) >= rank) return LATENCY_BOUNDS_MS[b]!;
  return LATENCY_BOUNDS_MS[BUCKETS - 1]!;
}
