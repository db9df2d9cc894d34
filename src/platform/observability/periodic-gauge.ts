import { Gauge, register } from "prom-client";
import type { Logger } from "../logger/logger.js";

/** One sample of a periodically measured gauge. */
export interface Sample<L extends string> {
  labels: Record<L, string>;
  value: number;
}

/** A gauge on the default register shared by every poller in the process (several roles may share one, `all`). */
export function sharedGauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [register] });
}

/**
 * Measures `measure()` now and every `intervalMs` (timer unref'd: it never keeps the process alive), replacing this
 * poller's series on `gauge` each time. A failed measurement is logged (once per failure streak) and keeps the last
 * values; it never throws. stop() removes this poller's series.
 */
export function startPolling<L extends string>(args: {
  gauge: Gauge<L>;
  intervalMs: number;
  logger: Logger;
  measure(): Promise<Sample<L>[]>;
}): { stop(): void; tick(): Promise<void> } {
  let mine: Record<L, string>[] = [];
  let failing = false;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  const measureOnce = async () => {
    try {
      const samples = await args.measure();
      if (stopped) return;
      for (const labels of mine) args.gauge.remove(labels);
      for (const s of samples) args.gauge.set(s.labels, s.value);
      mine = samples.map((s) => s.labels);
      failing = false;
    } catch (e) {
      if (!failing) args.logger.warn("metric not measured (keeping the last values)", { error: e instanceof Error ? e.message : String(e) });
      failing = true;
    }
  };
  // a slow measurement is never overlapped by the next one
  const tick = () => (inFlight ??= measureOnce().finally(() => (inFlight = undefined)));
  void tick();
  const timer = setInterval(() => void tick(), args.intervalMs);
  timer.unref();
  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const labels of mine) args.gauge.remove(labels);
      mine = [];
    },
  };
}
