import { Counter, type Registry } from "prom-client";
import type { DiffEntry } from "./compare.js";

export type ShadowResult = "match" | "mismatch" | "noise" | "error" | "dropped";

/** A mismatch (or a failed mirror) as the status page shows it. */
export interface ShadowSample {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly monolithStatus: number;
  readonly serviceStatus: number | null;
  readonly diff: readonly DiffEntry[];
}

interface RouteCounts {
  match: number;
  mismatch: number;
  noise: number;
  error: number;
  dropped: number;
  noiseFields: Set<string>;
  samples: ShadowSample[];
}

const NOISE_FIELDS_MAX = 50;

/**
 * Shadow outcomes per route: the metric strangler_shadow_requests_total{route, result} and, for the status JSON,
 * counts, parity and the last `samplesMax` mismatches. A failed mirror counts as a mismatch in parity.
 */
export class ShadowStats {
  private readonly byRoute: RouteCounts[];
  private readonly counter: Counter<"route" | "result">;

  constructor(routes: number, private readonly samplesMax: number, registry: Registry) {
    this.byRoute = Array.from({ length: routes }, () => ({ match: 0, mismatch: 0, noise: 0, error: 0, dropped: 0, noiseFields: new Set<string>(), samples: [] }));
    this.counter = new Counter({
      name: "strangler_shadow_requests_total",
      help: "Shadowed reads by route and outcome: match, mismatch, noise (differed only in noise fields), error (the mirror failed), dropped (queue full)",
      labelNames: ["route", "result"] as const,
      registers: [registry],
    });
  }

  record(index: number, module: string, result: ShadowResult, sample?: ShadowSample, noise: readonly string[] = []): void {
    const c = this.byRoute[index]!;
    c[result]++;
    this.counter.inc({ route: module, result });
    for (const field of noise) if (c.noiseFields.size < NOISE_FIELDS_MAX) c.noiseFields.add(field);
    if (sample === undefined || this.samplesMax === 0) return;
    c.samples.push(sample);
    if (c.samples.length > this.samplesMax) c.samples.shift();
  }

  /** The route's `shadow` object of /_strangler/status (percent comes from its flag). */
  snapshot(index: number, percent: number | null) {
    const c = this.byRoute[index]!;
    const compared = c.match + c.noise + c.mismatch + c.error;
    const matched = c.match + c.noise;
    return {
      percent,
      compared,
      matched,
      mismatched: c.mismatch + c.error,
      noise: c.noise,
      errors: c.error,
      dropped: c.dropped,
      parity: compared === 0 ? null : Math.round((matched / compared) * 1000) / 10,
      noiseFields: [...c.noiseFields],
      samples: [...c.samples].reverse(),
    };
  }
}
