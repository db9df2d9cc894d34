import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from "jose";
import type { RequestHandler } from "express";
import { AppError } from "../errors/app-error.js";

export type Role = "staff" | "customer";

export interface Principal {
  readonly sub: string;
  readonly role: string;
}

export interface AuthOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** Or verify with the keys of an identity provider. */
  jwksUrl?: string;
  issuer: string;
  audience?: string;
}

const unauthorized = (message: string) => new AppError({ code: "AUTH.UNAUTHORIZED", httpStatus: 401, message });
/** 403 AUTH.FORBIDDEN: a valid token that may not do this. */
export const forbidden = (message: string) => new AppError({ code: "AUTH.FORBIDDEN", httpStatus: 403, message });

/**
 * Verifies `Authorization: Bearer <jwt>` (HS256 secret or JWKS) and requires one of `roles`: 401 without a valid
 * token (a token must expire: no `exp` is a 401), 403 with another role.
 */
export function createAuth(options: AuthOptions) {
  if (!options.secret && !options.jwksUrl) throw new Error("auth needs a JWT secret or a JWKS URL");
  // An identity provider's keys sign tokens for many applications: without an audience any of them would pass here.
  if (options.jwksUrl && !options.audience) throw new Error("auth with a JWKS URL needs an audience (JWT_AUDIENCE)");
  const key: Uint8Array | JWTVerifyGetKey = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : new TextEncoder().encode(options.secret);

  async function verify(header: string | undefined): Promise<Principal> {
    const match = header && /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("a Bearer token is required");
    try {
      const { payload } = await jwtVerify(match[1]!, key as Uint8Array, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.jwksUrl ? undefined : ["HS256"],
        requiredClaims: ["exp"],
      });
      return { sub: String(payload.sub ?? ""), role: typeof payload.role === "string" ? payload.role : "" };
    } catch {
      throw unauthorized("the token is invalid or expired");
    }
  }

  const requireRole =
    (...roles: Role[]): RequestHandler =>
    async (req, res, next) => {
      const principal = await verify(req.headers.authorization);
      if (!roles.includes(principal.role as Role))
        throw forbidden(`requires role ${roles.join(" or ")}`);
      res.locals.principal = principal;
      next();
    };

  return { verify, requireRole };
}

export type Auth = ReturnType<typeof createAuth>;

/** Signs an HS256 token, as `strangler token` prints it. */
export async function signToken(args: { secret: string; issuer: string; audience?: string; sub: string; role: string; expiresIn?: string }): Promise<string> {
  const jwt = new SignJWT({ role: args.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(args.sub)
    .setIssuer(args.issuer)
    .setIssuedAt()
    .setExpirationTime(args.expiresIn ?? "12h");
  if (args.audience) jwt.setAudience(args.audience);
  return jwt.sign(new TextEncoder().encode(args.secret));
}
