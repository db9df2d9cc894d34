/** Which side answered a request (errors are 5xx answers from either side, or proxy errors). */
export const SIDE_MONOLITH = 0;
export const SIDE_SERVICE = 1;
export const SIDE_ERROR = 2;
const SIDES = 3;

export interface TrafficSecond {
  /** Unix second. */
  readonly t: number;
  readonly monolith: number;
  readonly service: number;
  readonly errors: number;
}

export interface TrafficShare {
  readonly monolith: number;
  readonly service: number;
  readonly errors: number;
  readonly total: number;
  /** Fraction of answered requests served by the extracted service (0–1), null with no traffic. */
  readonly serviceShare: number | null;
  readonly series: readonly TrafficSecond[];
}

/**
 * Per-route, per-second request counters over the last `seconds` seconds: a ring of slots stamped with
 * their second, reset lazily when reused — O(1) and allocation-free per request.
 * @example const w = new TrafficWindow(3); w.record(0, SIDE_SERVICE, Date.now()); w.snapshot(0, Date.now()).serviceShare;
 */
export class TrafficWindow {
  private readonly counts: Uint32Array;
  private readonly stamps: Float64Array;

  constructor(
    private readonly routes: number,
    private readonly seconds = 60,
  ) {
    this.counts = new Uint32Array(routes * seconds * SIDES);
    this.stamps = new Float64Array(routes * seconds).fill(-1);
  }

  record(route: number, side: number, nowMs: number, isError = false): void {
    const second = Math.floor(nowMs / 1000);
    const slot = route * this.seconds + (second % this.seconds);
    const base = slot * SIDES;
    if (this.stamps[slot] !== second) {
      this.stamps[slot] = second;
      this.counts[base] = 0;
      this.counts[base + 1] = 0;
      this.counts[base + 2] = 0;
    }
    this.counts[base + side]! += 1;
    if (isError) this.counts[base + SIDE_ERROR]! += 1;
  }

  /** Totals and a per-second series (oldest first) for the last `seconds` seconds, including the current one. */
  snapshot(route: number, nowMs: number): TrafficShare {
    if (route < 0 || route >= this.routes) throw new RangeError(`no route ${route}`);
    const now = Math.floor(nowMs / 1000);
    const series: TrafficSecond[] = [];
    let monolith = 0;
    let service = 0;
    let errors = 0;
    for (let t = now - this.seconds + 1; t <= now; t++) {
      const slot = route * this.seconds + (t % this.seconds);
      const fresh = this.stamps[slot] === t;
      const base = slot * SIDES;
      const m = fresh ? this.counts[base]! : 0;
      const s = fresh ? this.counts[base + 1]! : 0;
      const e = fresh ? this.counts[base + 2]! : 0;
      monolith += m;
      service += s;
      errors += e;
      series.push({ t, monolith: m, service: s, errors: e });
    }
    const total = monolith + service;
    return { monolith, service, errors, total, serviceShare: total ? service / total : null, series };
  }
}
