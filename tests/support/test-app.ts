import type { Express } from "express";
import supertest from "supertest";
import { TEST_JWT_SECRET, createTestDatabase } from "#harness";
import { signToken } from "../../src/platform/auth/auth.js";
import { loadConfig, type AppConfig } from "../../src/platform/config/config.js";
import { createLogger } from "../../src/platform/logger/logger.js";
import { wireMonolith } from "../../src/roles/roles.js";
import { createRuntime, type Runtime } from "../../src/roles/runtime.js";
import type { Modules } from "../../src/roles/wire-modules.js";

export interface TestApp {
  app: Express;
  http: ReturnType<typeof supertest>;
  rt: Runtime;
  modules: Modules;
  config: AppConfig;
  token(role: "staff" | "customer", sub?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The monolith in-process on a fresh database: the `monolith` role's own wiring (wireMonolith), driven with
 * supertest instead of a port, with messaging started on the configured transport (in-process unless KAFKA_BROKERS
 * is given; then it waits for the broker instead of retrying in the background).
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: db.dataDir,
    OUTBOX_POLL_MS: "200",
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...env,
  });
  const logger = createLogger({ level: config.logLevel, service: "test" });
  const rt = await createRuntime(config, logger);
  const wired = await wireMonolith(rt, { awaitBroker: true }).catch(async (e: unknown) => {
    await rt.close().catch(() => undefined);
    await db.drop();
    throw e;
  });
  const { app, modules, stopMessaging } = wired;
  return {
    app,
    http: supertest(app),
    rt,
    modules,
    config,
    token: (role, sub = `${role}-1`) => signToken({ secret: TEST_JWT_SECRET, issuer: "strangler", sub, role }),
    async close() {
      await stopMessaging();
      await rt.close();
      await db.drop();
    },
  };
}
