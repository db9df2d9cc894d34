import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const fileIn = (dataDir: string) => path.join(dataDir, "jwt-secret");

/**
 * Embedded mode without JWT_SECRET: a fresh secret per run, written to DATA_DIR/jwt-secret (0600) so that
 * `strangler token` on the same machine signs tokens the running system accepts.
 */
export function generateRunSecret(dataDir: string): string {
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(fileIn(dataDir), secret, { mode: 0o600 });
  return secret;
}

export function readRunSecret(dataDir: string): string | undefined {
  try {
    return readFileSync(fileIn(dataDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
