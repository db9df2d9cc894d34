/** True when `e` is a PostgreSQL unique violation (23505), optionally of `constraint`, as surfaced by Prisma's driver adapters. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; message?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } };
  const text = `${err?.message ?? ""} ${JSON.stringify(err?.meta ?? {})}`;
  const unique =
    err?.code === "P2002" || err?.meta?.code === "23505" || err?.meta?.driverAdapterError?.cause?.originalCode === "23505" || /23505|unique constraint/i.test(text);
  return unique && (!constraint || text.includes(constraint));
}

// The database cannot answer right now (down, restarting, unreachable, out of connections) — a 503, not a bug.
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);
// P1001 can't reach, P1002/P1008 timed out, P1017 server closed the connection, P2024 no pool connection in time.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// SQLSTATE class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, starting up), 53300 (too many connections).
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const UNAVAILABLE_MESSAGE = /Can't reach database server|Server has closed the connection|Connection terminated|terminating connection due to|the database system is (starting up|shutting down)|timeout exceeded when trying to connect/i;

/**
 * True when `e` says the database is unavailable rather than that the query was wrong, as surfaced by Prisma's
 * driver adapters (e.g. while PostgreSQL restarts: 57P01, ConnectionClosed, then DatabaseNotReachable).
 * @example if (isDatabaseUnavailable(e)) throw dependencyUnavailable("database", e);
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (!e || typeof e !== "object") return false;
  const err = e as { name?: string; code?: unknown; message?: string; meta?: { code?: string; driverAdapterError?: { cause?: { kind?: string; code?: string; originalCode?: string } } } };
  if (err.name === "PrismaClientInitializationError") return true;
  const cause = err.meta?.driverAdapterError?.cause;
  if (cause?.kind && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  const sqlstate = cause?.originalCode ?? cause?.code ?? err.meta?.code;
  if (typeof sqlstate === "string" && UNAVAILABLE_SQLSTATE.test(sqlstate)) return true;
  if (typeof err.code === "string" && UNAVAILABLE_PRISMA_CODES.has(err.code)) return true;
  return UNAVAILABLE_MESSAGE.test(err.message ?? "");
}
