import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { STATUS_CODES } from "node:http";
import { errorBody } from "../errors/error-body.js";
import type { Logger } from "../logger/logger.js";

/** Node's parser errors before a request exists, mapped like Node's default answer but with the contract's body. */
function describe(code: string | undefined): { status: number; code: string; message: string } {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, code: "REQUEST.HEADERS_TOO_LARGE", message: "the URL and headers together exceed the server's limit (16 KiB)" };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, code: "REQUEST.TOO_LARGE", message: "chunk extensions exceed the server's limit" };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, code: "REQUEST.TIMEOUT", message: "the request was not received in time" };
    default:
      return { status: 400, code: "REQUEST.INVALID", message: "the request is not valid HTTP" };
  }
}

/**
 * `server.on("clientError", …)` for the app roles: Node answers a bare `431` / `400` with no body when it cannot
 * parse a request (URL or headers over the limit, malformed request line); this answers the same status with the
 * error body, a fresh `X-Request-Id` as its correlationId, and closes the connection.
 */
export function createClientErrorHandler(logger: Logger) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    // A response already started on this connection (keep-alive): nothing can be written cleanly any more.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight) {
      socket.destroy();
      return;
    }
    const { status, code, message } = describe(err.code);
    const id = randomUUID();
    const body = JSON.stringify(errorBody(code, message, id));
    logger.debug("request rejected by the HTTP parser", { status, code, parserError: err.code });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
