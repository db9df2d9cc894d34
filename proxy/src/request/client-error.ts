import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { errorBody } from "../../../src/platform/errors/error-body.js";
import type { ProxyErrorCode } from "./proxy-error.js";

/** Node's parser and timeout errors → the status node itself would send, and the proxy's code for it. */
const ANSWERS: Record<string, { status: number; reason: string; code: ProxyErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: "Request Header Fields Too Large", code: "PROXY.HEADERS_TOO_LARGE", message: "the request line or headers are over the size limit" },
  // node's headersTimeout and requestTimeout both end in this error
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: "Request Timeout", code: "PROXY.REQUEST_TIMEOUT", message: "the request did not arrive in time" },
};
const MALFORMED = { status: 400, reason: "Bad Request", code: "PROXY.BAD_REQUEST" as const, message: "the request is not valid HTTP/1.1" };

/**
 * The server's 'clientError' handler: what node answers with a bare status line (400 for a malformed request or
 * target, 431 for an overlong URL or headers, 408 for a timeout) gets the contract's error body instead, then the
 * connection closes. Nothing is written once a response has started, or to a socket the client already reset.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const answer = ANSWERS[error.code ?? ""] ?? MALFORMED;
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy();
  writeAndClose(socket, answer.status, answer.reason, answer.code, answer.message);
}

/** The server's 'connect' handler: the proxy is no tunnel, so CONNECT (an authority-form target) is a bad request. */
export function refuseConnect(req: IncomingMessage, socket: Duplex): void {
  writeAndClose(socket, 400, "Bad Request", "PROXY.BAD_REQUEST", `${req.method} ${JSON.stringify((req.url ?? "").slice(0, 200))}: the proxy does not tunnel`);
}

function writeAndClose(socket: Duplex, status: number, reason: string, code: ProxyErrorCode, message: string): void {
  const body = JSON.stringify(errorBody(code, message, undefined));
  const head = `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Upstream: proxy\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
