import path from "node:path";

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, "..");

/** The JWT secret of processes and in-process apps started by the tests (the `source` entry's default). */
export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123";

/**
 * The one env-cleaning list: settings a developer's shell may have exported (`. scripts/services/env.sh`) that a
 * started process must not inherit by accident. Empty = unset (config); a test that wants one passes it in `env`.
 */
export const CLEAN_ENV: Readonly<Record<string, string>> = {
  DATABASE_URL: "",
  KAFKA_BROKERS: "",
  KAFKA_NAMESPACE: "",
  USERS_SERVICE_URL: "",
  INVENTORY_SERVICE_URL: "",
  ORDERS_SERVICE_URL: "",
  JWT_JWKS_URL: "",
  UNLEASH_URL: "",
  ROUTES_FILE: "",
};
