import { parseArgs } from "node:util";
import { signToken } from "../platform/auth/auth.js";
import { readRunSecret } from "../platform/auth/jwt-secret.js";
import type { AppConfig } from "../platform/config/config.js";

/** `strangler token --role staff [--sub ID] [--expires 12h]`: prints a signed HS256 token alone on its last line. */
export async function runToken(args: string[], config: AppConfig): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: "string" }, sub: { type: "string" }, expires: { type: "string", default: "12h" } } });
  if (values.role !== "staff" && values.role !== "customer") {
    console.error("strangler token: --role staff|customer is required");
    return 2;
  }
  const secret = config.jwt.secret ?? readRunSecret(config.dataDir);
  if (!secret) {
    console.error(`strangler token: set JWT_SECRET (or start the system first: embedded mode writes ${config.dataDir}/jwt-secret)`);
    return 1;
  }
  const sub = values.sub ?? `${values.role}-${Date.now()}`;
  console.log(await signToken({ secret, issuer: config.jwt.issuer, audience: config.jwt.audience, sub, role: values.role, expiresIn: values.expires }));
  return 0;
}
