import type { Express } from "express";
import supertest from "supertest";
import { signToken } from "../../src/platform/auth/auth.js";
import { loadConfig, type AppConfig } from "../../src/platform/config/config.js";
import { createLogger } from "../../src/platform/logger/logger.js";
import { createRuntime, ensureTopics, type Runtime } from "../../src/roles/runtime.js";
import { createModulesApp } from "../../src/roles/serve.js";
import { wireModules, type Modules } from "../../src/roles/wire-modules.js";
import { createTestDatabase } from "./test-db.js";

export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123";

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
 * The monolith in-process (all modules, same wiring as the `monolith` role) on a fresh database,
 * with messaging started on the configured transport (in-process unless KAFKA_BROKERS is given).
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
  const modules = wireModules(rt);
  await ensureTopics(rt, [...modules.orders.topics, ...modules.inventory.topics]);
  await modules.orders.startMessaging(rt.transport);
  await modules.inventory.startMessaging(rt.transport);
  const app = createModulesApp(rt, "monolith", [modules.users, modules.inventory, modules.orders]);
  return {
    app,
    http: supertest(app),
    rt,
    modules,
    config,
    token: (role, sub = `${role}-1`) => signToken({ secret: TEST_JWT_SECRET, issuer: "strangler", sub, role }),
    async close() {
      await modules.orders.stopMessaging();
      await modules.inventory.stopMessaging();
      await rt.close();
      await db.drop();
    },
  };
}
