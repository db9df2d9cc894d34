import { installProcessErrorHandlers, reportStartupFailure } from "../platform/errors/process-errors.js";
import { createLogger, type Logger } from "../platform/logger/logger.js";

/** A started server role as the lifecycle drives it: `drain()` on SIGTERM, `close()` after `drainMs`. */
export interface RunningRole {
  readonly drainMs: number;
  drain(): void;
  close(): Promise<void>;
}

/**
 * The one lifecycle of every server role (monolith, service, all, proxy): a logger at the validated level, process
 * errors through it, start, serve until SIGTERM/SIGINT, drain, close. A failed start is reported (exit 1).
 * @example process.exitCode = await runUntilSignal("proxy", "info", (logger) => runProxyRole(process.env, logger));
 */
export async function runUntilSignal(name: string, logLevel: string, start: (logger: Logger) => Promise<RunningRole>): Promise<number> {
  const logger = createLogger({ level: logLevel, service: `strangler-${name}` });
  installProcessErrorHandlers(logger);
  // Listening before the start: a SIGTERM while the role starts stops it gracefully once started (not Node's default kill).
  const stop = stopSignal(logger);
  let running: RunningRole;
  try {
    running = await start(logger);
  } catch (e) {
    stop.cancel();
    return reportStartupFailure(e, logger);
  }
  await stop.received;
  running.drain();
  await drainFor(running.drainMs, logger);
  await running.close();
  logger.info("stopped");
  return 0;
}

/**
 * The drain delay of a rolling update: /ready already answers 503 and responses close their connections, so the
 * endpoint leaves the Service and clients reconnect elsewhere while this process still serves what reaches it.
 */
async function drainFor(ms: number, logger: Logger): Promise<void> {
  if (ms <= 0) return;
  logger.info("draining: not ready, still serving, connections close after each response", { drainMs: ms });
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The first SIGTERM/SIGINT (`received`); `cancel()` stops listening. */
function stopSignal(logger: Logger): { received: Promise<void>; cancel(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const cancel = () => void process.off("SIGTERM", onSignal).off("SIGINT", onSignal);
  const received = new Promise<void>((resolve) => {
    onSignal = (signal) => {
      logger.info("shutting down", { signal });
      cancel();
      resolve();
    };
  });
  process.on("SIGTERM", onSignal).on("SIGINT", onSignal);
  return { received, cancel };
}
