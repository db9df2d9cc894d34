import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDatabaseUnavailable } from "../db/db-errors.js";
import { toErrorResponse } from "../errors/error-handler.js";
import { createLogger } from "../logger/logger.js";

// The shapes Prisma 7 + @prisma/adapter-pg produced while `scripts/services/postgres.sh restart` ran under load.
const adapterError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error("Raw query failed"), { name: "PrismaClientKnownRequestError", code, meta: { driverAdapterError: { name: "DriverAdapterError", cause } } });
const terminated = adapterError("P2010", { originalCode: "57P01", kind: "postgres", code: "57P01", message: "terminating connection due to administrator command" });
const closed = Object.assign(new Error("Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`"), { name: "PrismaClientKnownRequestError", code: "P2010" });
const unreachable = adapterError("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 });

describe("database unavailable errors", () => {
  it("when PostgreSQL terminates, closes or refuses connections, then they are recognised", () => {
    for (const e of [terminated, closed, unreachable]) assert.equal(isDatabaseUnavailable(e), true, e.message);
  });
  it("when the query itself is wrong, then it is not an outage", () => {
    const unique = adapterError("P2002", { originalCode: "23505", kind: "UniqueConstraintViolation" });
    const check = adapterError("P2010", { originalCode: "23514", kind: "postgres", code: "23514" });
    for (const e of [unique, check, new Error("boom"), undefined, "text"]) assert.equal(isDatabaseUnavailable(e), false, String(e));
  });
  it("when the central handler gets one, then it answers 503 DEPENDENCY.UNAVAILABLE, not 500", () => {
    const { status, body } = toErrorResponse(unreachable, createLogger({ level: "error", service: "test" }));
    assert.equal(status, 503);
    assert.equal(body.code, "DEPENDENCY.UNAVAILABLE");
  });
});
