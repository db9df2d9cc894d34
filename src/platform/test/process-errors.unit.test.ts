import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../config/load-env.js";
import { installProcessErrorHandlers, processErrorHandlers, reportStartupFailure } from "../errors/process-errors.js";
import type { Logger } from "../logger/logger.js";

type Line = { level: string; message: string; meta?: Record<string, unknown> };
function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, meta });
  const logger: Logger = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), child: () => logger };
  return logger;
}

describe("process-level errors go through the central logger", () => {
  it("when a promise rejection is unhandled, then it is logged at error level with its stack and the process goes on", () => {
    const lines: Line[] = [];
    const exits: number[] = [];
    processErrorHandlers(recordingLogger(lines), (code) => exits.push(code)).unhandledRejection(new Error("lost promise"));
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]!.level, lines[0]!.message], ["error", "unhandled rejection"]);
    assert.match((lines[0]!.meta!.error as { stack: string }).stack, /lost promise/);
    assert.deepEqual(exits, []);
  });

  it("when an exception is uncaught, then it is logged and the process exits 1", () => {
    const lines: Line[] = [];
    const exits: number[] = [];
    processErrorHandlers(recordingLogger(lines), (code) => exits.push(code)).uncaughtException(new TypeError("boom"));
    assert.deepEqual(lines.map((l) => [l.level, l.message]), [["error", "uncaught exception, exiting"]]);
    assert.equal((lines[0]!.meta!.error as { name: string }).name, "TypeError");
    assert.deepEqual(exits, [1]);
  });

  it("when installed, then both handlers listen on the process until removed", () => {
    const counts = () => [process.listenerCount("unhandledRejection"), process.listenerCount("uncaughtException")];
    const before = counts();
    const uninstall = installProcessErrorHandlers(recordingLogger([]));
    assert.deepEqual(counts(), before.map((n) => n + 1));
    uninstall();
    assert.deepEqual(counts(), before);
  });

  it("when start-up fails, then configuration problems go to stderr as a list and anything else through the logger", () => {
    const lines: Line[] = [];
    const stderr: string[] = [];
    const logger = recordingLogger(lines);
    assert.equal(reportStartupFailure(new ConfigError(["PORT must be a port", "LOG_LEVEL must be a level"]), logger, (l) => stderr.push(l)), 1);
    assert.deepEqual(stderr, ["strangler: invalid configuration:\n  - PORT must be a port\n  - LOG_LEVEL must be a level"]);
    assert.equal(reportStartupFailure(new Error("listen EADDRINUSE"), logger, (l) => stderr.push(l)), 1);
    assert.equal(stderr.length, 1);
    assert.deepEqual(lines.map((l) => [l.level, l.message]), [["error", "start-up failed"]]);
    assert.equal(reportStartupFailure(new Error("no logger yet"), undefined, (l) => stderr.push(l)), 1);
    assert.equal(stderr[1], "strangler: no logger yet");
  });
});
