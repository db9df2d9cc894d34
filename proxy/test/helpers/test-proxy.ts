import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger } from "../../../src/platform/logger/logger.js";
import { runProxy } from "../../src/index.js";

export interface TestRoute {
  prefix: string;
  module: string;
  flag: string;
  url: string;
  maxConcurrent?: number;
  timeoutMs?: number;
  breaker?: Record<string, number>;
  shadow?: { ignore: string[] };
}

export interface TestProxy {
  readonly url: string;
  /** The admin server: status page, /_strangler/status, /metrics, /health/details. */
  readonly adminUrl: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Writes a routes file in a temp dir and returns the env pointing at it (and at that dir as DATA_DIR). */
export function testProxyEnv(monolithUrl: string, routes: TestRoute[], env: NodeJS.ProcessEnv = {}, dataDir?: string): NodeJS.ProcessEnv {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), "strangler-proxy-"));
  const routesFile = path.join(dir, "routes.json");
  writeFileSync(routesFile, JSON.stringify({ monolith: { url: monolithUrl }, routes }, null, 2));
  return {
    PATH: process.env.PATH,
    PORT: "0",
    ADMIN_PORT: "0",
    HOST: "127.0.0.1",
    ROUTES_FILE: routesFile,
    DATA_DIR: dir,
    FLAGS_REFRESH_MS: "1000",
    HEALTH_POLL_MS: "500",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
    ...env,
  };
}

/** Runs the proxy in this process (runProxy, exactly as the `proxy` role does) on free ports (public and admin). */
export async function startTestProxy(env: NodeJS.ProcessEnv): Promise<TestProxy> {
  const logger = createLogger({ level: env.LOG_LEVEL ?? "error", service: "proxy-test" });
  const proxy = await runProxy(env, logger);
  return { url: proxy.url, adminUrl: proxy.adminUrl, dataDir: env.DATA_DIR!, env, close: () => proxy.close() };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
