import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../logger/logger.js";
import { signToken } from "./auth.js";

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

/**
 * Says at start-up that a run secret was generated. Outside production it logs a ready-to-paste staff token (the
 * quickstart); under NODE_ENV=production never: a token in the logs is a credential anyone with log access could
 * use, so it says how to make one instead.
 */
export async function announceRunSecret(args: { secret: string; nodeEnv: string; issuer: string; audience?: string; logger: Logger }): Promise<void> {
  const message = "JWT_SECRET not set: generated a secret for this run (DATA_DIR/jwt-secret); `strangler token --role staff` signs with it";
  if (args.nodeEnv === "production") {
    args.logger.warn(message, {
      makeAToken: "strangler token --role staff (node bin/strangler.js …; in the image: docker exec <container> node bin/strangler.js token --role staff), same DATA_DIR",
    });
    return;
  }
  const staffToken = await signToken({ secret: args.secret, issuer: args.issuer, audience: args.audience, sub: "staff-console", role: "staff" });
  args.logger.warn(message, { staffToken });
}

export function readRunSecret(dataDir: string): string | undefined {
  try {
    return readFileSync(fileIn(dataDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
