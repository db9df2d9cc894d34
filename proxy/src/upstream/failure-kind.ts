/** Connection never established: the request cannot have reached the upstream. */
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** connect: failed before anything was sent; timeout: no response within the upstream timeout; reset: anything else. */
export type FailureKind = "connect" | "timeout" | "reset";

export function classifyFailure(error: NodeJS.ErrnoException, timedOut: boolean): FailureKind {
  if (error.code !== undefined && CONNECT_ERRORS.has(error.code)) return "connect";
  return timedOut ? "timeout" : "reset";
}
