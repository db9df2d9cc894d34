/** What one request of a load loop reports: its HTTP status (0 = no answer: connection error) and who answered. */
export interface Outcome {
  status: number;
  upstream?: string | null;
  method?: string;
}

export interface LoadStats {
  sent: number;
  /** Requests judged failed by `isFailure` (default: no answer or 5xx). */
  failed: number;
  byStatus: Record<string, number>;
  /** The first few failures, for the assertion message. */
  samples: string[];
  startedAt: number;
  endedAt: number;
}

export interface SteadyLoad {
  readonly stats: LoadStats;
  /** Stops the workers after their current request and returns the totals. */
  stop(): Promise<LoadStats>;
}

const defaultFailure = (o: Outcome) => o.status === 0 || o.status >= 500;

/**
 * Closed-loop load: `workers` loops each sending one request at a time (`send(n)`, n = global sequence number),
 * with an optional pause between requests. Runs until stop(). Connection errors count as status 0.
 */
export function steadyLoad(o: { workers: number; send: (n: number) => Promise<Outcome>; pauseMs?: number; isFailure?: (x: Outcome) => boolean }): SteadyLoad {
  const isFailure = o.isFailure ?? defaultFailure;
  const stats: LoadStats = { sent: 0, failed: 0, byStatus: {}, samples: [], startedAt: Date.now(), endedAt: 0 };
  let running = true;
  const worker = async () => {
    while (running) {
      const n = stats.sent++;
      let outcome: Outcome;
      try {
        outcome = await o.send(n);
      } catch (e) {
        outcome = { status: 0, upstream: (e as Error).message };
      }
      stats.byStatus[outcome.status] = (stats.byStatus[outcome.status] ?? 0) + 1;
      if (isFailure(outcome)) {
        stats.failed++;
        if (stats.samples.length < 10) stats.samples.push(`#${n} ${outcome.method ?? ""} → ${outcome.status} ${outcome.upstream ?? ""}`.trim());
      }
      if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  const loops = Array.from({ length: o.workers }, worker);
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(loops);
      stats.endedAt = Date.now();
      return stats;
    },
  };
}

/** "12,345 requests in 20.1 s (614/s), 4 workers" */
export function describeLoad(s: LoadStats, workers: number): string {
  const seconds = ((s.endedAt || Date.now()) - s.startedAt) / 1000;
  return `${s.sent.toLocaleString("en-US")} requests in ${seconds.toFixed(1)} s (${Math.round(s.sent / seconds)}/s), ${workers} workers`;
}

/** One HTTP request that never throws: status 0 on connection errors; the body is read and dropped. */
export async function hit(url: string, init: RequestInit = {}): Promise<Outcome> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return { status: res.status, upstream: res.headers.get("x-upstream"), method: init.method ?? "GET" };
  } catch (e) {
    return { status: 0, upstream: (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message, method: init.method ?? "GET" };
  }
}
