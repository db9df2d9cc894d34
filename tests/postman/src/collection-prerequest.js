// Collection-level pre-request script: runs before every request of every folder.
// Globals assigned here (no let/const) are visible to every later script of the run. They must not use
// `pm`: each script gets its own `pm`, so helpers that need it take it (see helpers(pm) in collection-test.js).

// The error codes of the contract, in one place (requests use ERR.X, never the string).
ERR = {
  USERS_INVALID_BODY: "USERS.INVALID_BODY",
  USERS_NOT_FOUND: "USERS.NOT_FOUND",
  USERS_INVALID_ID: "USERS.INVALID_ID",
  USERS_CONFLICT: "USERS.CONFLICT",
  INVENTORY_INVALID_BODY: "INVENTORY.INVALID_BODY",
  INVENTORY_INVALID_QUERY: "INVENTORY.INVALID_QUERY",
  INVENTORY_NOT_FOUND: "INVENTORY.NOT_FOUND",
  INVENTORY_INSUFFICIENT_STOCK: "INVENTORY.INSUFFICIENT_STOCK",
  ORDERS_INVALID_BODY: "ORDERS.INVALID_BODY",
  ORDERS_INVALID_ID: "ORDERS.INVALID_ID",
  ORDERS_NOT_FOUND: "ORDERS.NOT_FOUND",
  ORDERS_USER_NOT_FOUND: "ORDERS.USER_NOT_FOUND",
  ORDERS_INSUFFICIENT_STOCK: "ORDERS.INSUFFICIENT_STOCK",
  ORDERS_INVALID_STATUS: "ORDERS.INVALID_STATUS",
  ORDERS_INVALID_TRANSITION: "ORDERS.INVALID_TRANSITION",
  ORDERS_STOCK_NOT_RESERVED: "ORDERS.STOCK_NOT_RESERVED",
  AUTH_UNAUTHORIZED: "AUTH.UNAUTHORIZED",
  AUTH_FORBIDDEN: "AUTH.FORBIDDEN",
  REQUEST_TOO_LARGE: "REQUEST.TOO_LARGE",
  REQUEST_INVALID_JSON: "REQUEST.INVALID_JSON",
};

uuid = () => "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) => (c ^ ((Math.random() * 16) >> (c / 4))).toString(16));
randomName = (prefix) => `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** HS256 JWT signed with CryptoJS: claims sub, role, iss "strangler", iat, exp. */
signJwt = (claims, secret) => {
  const CryptoJS = require("crypto-js");
  const b64url = (words) => CryptoJS.enc.Base64.stringify(words).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const part = (obj) => b64url(CryptoJS.enc.Utf8.parse(JSON.stringify(obj)));
  const now = Math.floor(Date.now() / 1000);
  const input = `${part({ alg: "HS256", typ: "JWT" })}.${part({ iss: "strangler", iat: now, exp: now + 3600, ...claims })}`;
  return `${input}.${b64url(CryptoJS.HmacSHA256(input, secret))}`;
};

// Tokens for this request, signed with the environment's jwtSecret (must equal the app's JWT_SECRET).
const secret = pm.variables.get("jwtSecret");
if (!secret) throw new Error("set the jwtSecret variable (environment file or --env-var jwtSecret=...) to the app's JWT_SECRET");
if (!pm.variables.get("customerSub")) pm.variables.set("customerSub", uuid());
pm.variables.set("staffToken", signJwt({ sub: "staff-postman", role: "staff" }, secret));
pm.variables.set("customerToken", signJwt({ sub: pm.variables.get("customerSub"), role: "customer" }, secret));
pm.variables.set("forgedToken", signJwt({ sub: "staff-postman", role: "staff" }, `${secret}-not-the-secret`));

// Every request carries a fresh X-Request-Id; the collection test checks that /api/* echoes it.
const requestId = uuid();
pm.variables.set("sentRequestId", requestId);
pm.request.headers.upsert({ key: "X-Request-Id", value: requestId });
