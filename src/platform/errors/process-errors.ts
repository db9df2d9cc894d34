import { ConfigError } from "../config/load-env.js";
import type { Logger } from "../logger/logger.js";

/** An error as a log field: name, message and stack. Only ever logged, never sent to a client. */
export const describeError = (e: unknown): { name: string; message: string; stack?: string } | string =>
  e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : String(e);

/**
 * Process-level errors through the central logger, like request errors: an unhandled rejection is logged (with its
 * stack) and the process keeps serving; an uncaught exception is logged and the process exits 1 (its state is
 * unknown).
 */
export function processErrorHandlers(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)) {
  return {
    unhandledRejection: (reason: unknown) => logger.error("unhandled rejection", { error: describeError(reason) }),
    uncaughtException: (e: Error) => {
      logger.error("uncaught exception, exiting", { error: describeError(e) });
      exit(1);
    },
  };
}

/** Installs processErrorHandlers on this process; returns a function that removes them. */
export function installProcessErrorHandlers(logger: Logger): () => void {
  const h = processErrorHandlers(logger);
  process.on("unhandledRejection", h.unhandledRejection).on("uncaughtException", h.uncaughtException);
  return () => void process.off("unhandledRejection", h.unhandledRejection).off("uncaughtException", h.uncaughtException);
}

/**
 * A command or role that could not start: configuration problems go to stderr as the readable list (a person is
 * reading), anything else through the role's logger with its stack (stderr when no logger exists yet).
 * Returns the exit code, 1.
 */
export function reportStartupFailure(e: unknown, logger?: Logger, stderr: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): number {
  if (e instanceof ConfigError || !logger) stderr(`strangler: ${e instanceof Error ? e.message : String(e)}`);
  else logger.error("start-up failed", { error: describeError(e) });
  return 1;
}
