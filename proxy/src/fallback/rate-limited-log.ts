import type { Logger } from "../../../src/platform/logger/logger.js";

/** At most one log line per key per second: a dead upstream under load must not flood the logs. */
export function rateLimitedLog(logger: Logger) {
  const last = new Map<string, number>();
  const suppressed = new Map<string, number>();
  return {
    warn(key: string, message: string, meta: Record<string, unknown>): void {
      const now = Date.now();
      if (now - (last.get(key) ?? 0) < 1000) return void suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
      last.set(key, now);
      logger.warn(message, { ...meta, suppressedSinceLast: suppressed.get(key) ?? 0 });
      suppressed.set(key, 0);
    },
  };
}
