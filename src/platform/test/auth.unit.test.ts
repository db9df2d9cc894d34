import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignJWT } from "jose";
import { createAuth, signToken } from "../auth/auth.js";
import { announceRunSecret } from "../auth/jwt-secret.js";
import { ConfigError, loadConfig } from "../config/config.js";
import type { Logger } from "../logger/logger.js";

const SECRET = "unit-secret-unit-secret-unit-secret-0123";
const key = new TextEncoder().encode(SECRET);

type Line = { level: string; message: string; meta?: Record<string, unknown> };
function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, meta });
  const logger: Logger = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), child: () => logger };
  return logger;
}

describe("auth", () => {
  const auth = createAuth({ secret: SECRET, issuer: "strangler" });

  it("when a token has no exp, then it is refused (401) like an expired one; with exp it passes", async () => {
    const forever = await new SignJWT({ role: "staff" }).setProtectedHeader({ alg: "HS256" }).setSubject("s").setIssuer("strangler").setIssuedAt().sign(key);
    await assert.rejects(auth.verify(`Bearer ${forever}`), (e: { httpStatus?: number; code?: string }) => e.httpStatus === 401 && e.code === "AUTH.UNAUTHORIZED");
    const expiring = await signToken({ secret: SECRET, issuer: "strangler", sub: "s", role: "staff" });
    assert.deepEqual(await auth.verify(`Bearer ${expiring}`), { sub: "s", role: "staff" });
  });

  it("when a JWKS URL comes without an audience, then start-up fails: in the config and in createAuth", () => {
    assert.throws(() => createAuth({ jwksUrl: "https://idp.example.com/.well-known/jwks.json", issuer: "https://idp.example.com" }), /audience/);
    assert.doesNotThrow(() => createAuth({ jwksUrl: "https://idp.example.com/.well-known/jwks.json", issuer: "https://idp.example.com", audience: "strangler" }));
    assert.throws(
      () => loadConfig({ JWT_JWKS_URL: "https://idp.example.com/.well-known/jwks.json" }),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => /JWT_AUDIENCE is required with JWT_JWKS_URL/.test(p)),
    );
    assert.equal(loadConfig({ JWT_JWKS_URL: "https://idp.example.com/.well-known/jwks.json", JWT_AUDIENCE: "strangler" }).jwt.audience, "strangler");
    assert.doesNotThrow(() => loadConfig({ JWT_SECRET: SECRET }), "an HS256 secret needs no audience");
  });

  it("when a run secret is generated under NODE_ENV=production, then no token is logged, only how to make one", async () => {
    const lines: Line[] = [];
    await announceRunSecret({ secret: SECRET, nodeEnv: "production", issuer: "strangler", logger: recordingLogger(lines) });
    assert.equal(lines.length, 1);
    const text = JSON.stringify(lines);
    assert.doesNotMatch(text, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, "no JWT in the log");
    assert.match(text, /strangler token --role staff/);
  });

  it("when a run secret is generated in development, then a working staff token is logged (the quickstart)", async () => {
    const lines: Line[] = [];
    await announceRunSecret({ secret: SECRET, nodeEnv: "development", issuer: "strangler", logger: recordingLogger(lines) });
    const token = lines[0]?.meta?.staffToken as string;
    assert.equal((await auth.verify(`Bearer ${token}`)).role, "staff");
  });
});
