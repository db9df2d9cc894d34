import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { createClientErrorHandler, writeErrorAndClose } from "../../../src/platform/http/client-error.js";
import type { ProxyErrorCode } from "./proxy-error.js";

const codes: Record<"malformed" | "headersTooLarge" | "timeout", ProxyErrorCode> = {
  malformed: "PROXY.BAD_REQUEST",
  headersTooLarge: "PROXY.HEADERS_TOO_LARGE",
  timeout: "PROXY.REQUEST_TIMEOUT",
};
const headers = { "X-Upstream": "proxy", "Cache-Control": "no-store" };

/** The proxy server's 'clientError' handler: node's bare 400/431/408 with the contract's body and the proxy's codes. */
export const answerClientError = createClientErrorHandler({ codes, headers });

/** The server's 'connect' handler: the proxy is no tunnel, so CONNECT (an authority-form target) is a bad request. */
export function refuseConnect(req: IncomingMessage, socket: Duplex): void {
  const target = JSON.stringify((req.url ?? "").slice(0, 200));
  writeErrorAndClose(socket, 400, codes.malformed, `${req.method} ${target}: the proxy does not tunnel`, headers);
}
