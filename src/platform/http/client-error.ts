import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { errorBody } from "../errors/error-body.js";

/** The codes a server answers Node's parser refusals with (the app's `REQUEST.*`, the proxy's `PROXY.*`). */
export interface ClientErrorCodes {
  /** 400: a request that is not valid HTTP (and anything without a more specific answer). */
  readonly malformed: string;
  /** 431: URL plus headers over Node's limit. */
  readonly headersTooLarge: string;
  /** 408: headersTimeout / requestTimeout. */
  readonly timeout: string;
  /** 413: chunk extensions over Node's limit; without it, `malformed`. */
  readonly tooLarge?: string;
}

export const APP_CLIENT_ERROR_CODES: ClientErrorCodes = {
  malformed: "REQUEST.INVALID",
  headersTooLarge: "REQUEST.HEADERS_TOO_LARGE",
  timeout: "REQUEST.TIMEOUT",
  tooLarge: "REQUEST.TOO_LARGE",
};

/** Node's parser errors before a request exists, mapped like Node's default answer but with the contract's body. */
function describe(errorCode: string | undefined, codes: ClientErrorCodes): { status: number; code: string; message: string } {
  switch (errorCode) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, code: codes.headersTooLarge, message: "the URL and headers together exceed the server's limit (16 KiB)" };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      if (codes.tooLarge) return { status: 413, code: codes.tooLarge, message: "chunk extensions exceed the server's limit" };
      break;
    case "ERR_HTTP_REQUEST_TIMEOUT": // headersTimeout and requestTimeout both end here
      return { status: 408, code: codes.timeout, message: "the request was not received in time" };
  }
  return { status: 400, code: codes.malformed, message: "the request is not valid HTTP/1.1" };
}

/**
 * Writes one error answer with the contract's body straight to a connection that has no request object (a parser
 * refusal, CONNECT), then closes it. A fresh `X-Request-Id` is its correlationId.
 */
export function writeErrorAndClose(socket: Duplex, status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): void {
  const id = randomUUID();
  const body = JSON.stringify(errorBody(code, message, id));
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${id}\r\n${extra}Connection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/**
 * `server.on("clientError", …)`: Node answers a bare `400` / `431` / `408` with no body when it cannot parse a
 * request (malformed request line, URL or headers over the limit, a timeout); this answers the same status with the
 * contract's error body and closes the connection. Nothing is written once a response has started on this
 * connection (keep-alive), or to a socket the client already reset.
 */
export function createClientErrorHandler(options: { codes?: ClientErrorCodes; headers?: Readonly<Record<string, string>>; onRefused?: (status: number, code: string, parserError?: string) => void } = {}) {
  const codes = options.codes ?? APP_CLIENT_ERROR_CODES;
  return (err: NodeJS.ErrnoException, socket: Duplex): void => {
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy();
    const { status, code, message } = describe(err.code, codes);
    options.onRefused?.(status, code, err.code);
    writeErrorAndClose(socket, status, code, message, options.headers);
  };
}
