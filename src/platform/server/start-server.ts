import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestListener } from "node:http";
import type { Logger } from "../logger/logger.js";
import { createClientErrorHandler } from "../http/client-error.js";

export interface RunningServer {
  readonly server: http.Server;
  readonly port: number;
  readonly url: string;
  /**
   * Starts draining: still accepting and serving, but every response from now on carries `Connection: close`,
   * so clients (the proxy's keep-alive pool) move to other endpoints instead of reusing a socket to this one.
   */
  drain(): void;
  /** Stops accepting, lets in-flight requests finish (bounded by `timeoutMs`), then resolves. */
  close(timeoutMs?: number): Promise<void>;
}

/** Listens on host:port (0 = any free port) with keep-alive tuned to sit behind a proxy. */
export async function startServer(app: RequestListener, options: { port: number; host: string; logger: Logger; name: string }): Promise<RunningServer> {
  let draining = false;
  const server = http.createServer((req, res) => {
    if (draining) res.setHeader("Connection", "close");
    app(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than common proxy idle timeouts, so the proxy closes first
  server.headersTimeout = 66_000;
  server.on(
    "clientError",
    createClientErrorHandler({ onRefused: (status, code, parserError) => options.logger.debug("request rejected by the HTTP parser", { status, code, parserError }) }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  options.logger.info(`${options.name} listening`, { port, host: options.host });
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    drain() {
      draining = true;
    },
    close(timeoutMs = 10_000) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
