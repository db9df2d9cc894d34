import type { IncomingMessage } from "node:http";
import type { FailureKind } from "./failure-kind.js";

/**
 * Envoy's own 503s (an Istio sidecar between the proxy and a service). With a sidecar a dead or overloaded
 * service never shows as ECONNREFUSED: Envoy answers for it. Its documented local replies are 503, text/plain:
 * - connection pool overflow (the DestinationRule's connectionPool, what fortio trips): `x-envoy-overloaded: true`,
 *   body "upstream connect error or disconnect/reset before headers. reset reason: overflow";
 * - connect failure / timeout: "upstream connect error or disconnect/reset before headers. reset reason: connection
 *   failure" (or "… retried and the latest reset reason: …").
 * Those never reached the service: they are connect failures (breaker counts them, POSTs are replayed). A reset
 * *after* connecting ("connection termination", "remote reset", "protocol error", …) may have reached it: a reset.
 */
const PREFIX = "upstream connect error or disconnect/reset before headers.";
const NEVER_REACHED = /reset reason: (overflow|connection failure|local connection failure|remote connection failure|connection timeout)\b/;
/** Envoy's bodies are ~100 bytes; anything much larger is the service's own 503. */
export const ENVOY_REPLY_MAX_BYTES = 1024;

/** Could this response head be an Envoy local reply? (Then its short body decides, see envoyFailure.) */
export function mayBeEnvoyReply(res: IncomingMessage): boolean {
  if (res.statusCode !== 503) return false;
  const h = res.headers;
  if (h["x-envoy-overloaded"] === "true") return true;
  const length = h["content-length"];
  return (h["content-type"] ?? "").startsWith("text/plain") && (length === undefined || Number(length) <= ENVOY_REPLY_MAX_BYTES);
}

/** The failure an Envoy local reply stands for, or undefined when the 503 is the service's own answer. */
export function envoyFailure(res: IncomingMessage, body: string): FailureKind | undefined {
  if (res.headers["x-envoy-overloaded"] === "true") return "connect";
  if (!body.startsWith(PREFIX)) return undefined;
  const hasReason = body.includes("reset reason:");
  return !hasReason || NEVER_REACHED.test(body) ? "connect" : "reset";
}
