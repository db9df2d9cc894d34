import type { IncomingHttpHeaders } from "node:http";

/**
 * The header the proxy sets on every routed request: the modules whose flag sends this identity to the extracted
 * service ("users,inventory"; empty for none). Absent (no proxy in front, or a message consumer) means none.
 */
export const EXTRACTED_HEADER = "x-strangler-extracted";

/** The modules the proxy's header names, or none. */
export function extractedModulesOf(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers[EXTRACTED_HEADER];
  return typeof value === "string" && value !== "" ? new Set(value.split(",").map((m) => m.trim())) : NONE;
}

const NONE: ReadonlySet<string> = new Set();
