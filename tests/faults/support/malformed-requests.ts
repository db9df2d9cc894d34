import fc from "fast-check";

/** A request as sent on the wire by the fuzzer (fetch: header values must stay Latin-1, bodies anything). */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | ArrayBuffer;
}

/** Real rows, so part of the inputs pass validation and reach the domain and the database. */
export interface FuzzContext {
  userId: string;
  productId: string;
  orderId: string;
  staffToken: string;
  customerToken: string;
}

const MAX_INT = 2_147_483_647;
const nasty = fc.constantFrom(
  "", " ", "null", "undefined", "0", "-1", "1e309", "NaN", "Infinity", "../../etc/passwd", "%00", "%ZZ", "%", "' OR 1=1 --", "<script>alert(1)</script>",
  "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "3F1C2A9E-6D1B-4F7A-9C3E-2B8D5E4A7F10", "3f1c2a9e6d1b4f7a9c3e2b8d5e4a7f10",
  "{}", "[]", "𝕌𝕟𝕚𝕔𝕠𝕕𝕖 ✓ 🚀", "\u0000", "\ud800", "x".repeat(5_000), "é".repeat(300),
);
/** Strings of every kind: random, full-unicode (graphemes, lone surrogates), the classics above, UUIDs. */
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary", maxLength: 40 }), nasty, fc.uuid(), fc.integer().map(String));
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 0.001, 1.005, MAX_INT, MAX_INT + 1, -MAX_INT - 1, 2 ** 53 + 1, 1e12, 99_999_999_999.99, 1e308, -1e308));
/** Any JSON value: the wrong type for whatever field it lands in. */
const anyValue = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.array(number, { maxLength: 3 }));
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, anyValue);
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) => fc.record(shape, { requiredKeys: [] });

/** encodeURIComponent, with lone surrogates (which it refuses) replaced first. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));

/** A value for a URL path segment or query parameter: usually encoded, sometimes raw (broken %-escapes). */
const urlPart = (valid: string) =>
  fc.oneof(fc.constant(valid), fc.uuid(), text.map(encode), fc.constantFrom("%ZZ", "%", "%E0%A4%A", "..", "a/b", "%2F", "x".repeat(20_000)));

function bodies(ctx: FuzzContext) {
  const address = partial({ street: field(fc.string()), city: field(fc.string()), state: field(fc.string()), country: field(fc.string()), zipCode: field(fc.string()) });
  const item = partial({
    productId: field(fc.constantFrom(ctx.productId)),
    quantity: field(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(MAX_INT, MAX_INT + 1, 10_000_000))),
    unitPrice: field(fc.oneof(fc.constantFrom(0.01, 1, 9.99, 99_999_999_999.99, 1e15, 0.001), fc.double())),
  });
  return {
    "/api/users": partial({ username: field(fc.string()), email: field(fc.emailAddress()), firstName: field(fc.string()), lastName: field(fc.string()) }),
    "/api/inventory/update": partial({ productId: field(fc.oneof(fc.constant(ctx.productId), fc.uuid())), quantity: field(fc.integer({ min: -MAX_INT - 10, max: MAX_INT + 10 })) }),
    "/api/orders": partial({
      userId: field(fc.oneof(fc.constant(ctx.userId), fc.uuid())),
      shippingAddress: field(address),
      items: field(fc.oneof(fc.array(item, { maxLength: 4 }), fc.array(item, { minLength: 200, maxLength: 400 }))),
    }),
    /** Valid but for extreme numbers: reaches stock checks, totals and the DECIMAL columns. */
    edgeOrder: fc.record({
      userId: fc.constant(ctx.userId),
      shippingAddress: fc.constant({ street: "1 Main St", city: "Springfield", state: "IL", country: "US", zipCode: "62701" }),
      items: fc.array(
        fc.record({
          productId: fc.oneof(fc.constant(ctx.productId), fc.uuid()),
          quantity: fc.constantFrom(1, 100, 1_000, MAX_INT),
          unitPrice: fc.constantFrom(0.01, 0.005, 1.005, 9_999_999.99, 99_999_999_999.99, 1e13, 1e15),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    status: partial({ status: field(fc.constantFrom("Shipped", "Delivered", "Cancelled", "Created", "shipped")) }),
  };
}

/** How the body goes on the wire: JSON of the (malformed) object, broken JSON, huge, binary, deep. */
const encodings = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? "null") },
    { weight: 2, arbitrary: fc.constantFrom('{"a":', "{", "[", "{'a':1}", '{"a":1,}', "\u0000", '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', "1e99999", "nul", '"str"', "[]", "true") },
    { weight: 1, arbitrary: fc.constantFrom(150_000, 2_000_000).map((n) => `{"username":"${"x".repeat(n)}"}`) },
    { weight: 1, arbitrary: fc.constantFrom(2_000, 40_000).map((n) => "[".repeat(n) + "]".repeat(n)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((a) => a.slice().buffer) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme" }) },
  );

const contentType = fc.constantFrom(
  "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=latin1", "application/json; charset=bogus",
  "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/vnd.api+json", "",
);
const latin1 = fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, "?"));
const optionalHeaders = partial({
  "content-encoding": fc.constantFrom("gzip", "deflate", "br", "identity", "bogus"),
  "idempotency-key": fc.oneof(latin1, fc.constant("k".repeat(300))),
  "x-request-id": latin1,
}) as fc.Arbitrary<Record<string, string>>;

/**
 * Malformed requests against every endpoint of API.md: wrong types, missing fields, invalid UUIDs, unicode,
 * broken %-escapes, bad and huge JSON, wrong content types and encodings, wrong methods, bad tokens.
 */
export function malformedRequest(ctx: FuzzContext): fc.Arbitrary<RawRequest> {
  const b = bodies(ctx);
  const auth = fc.constantFrom<Record<string, string>>({}, { authorization: `Bearer ${ctx.staffToken}` }, { authorization: `Bearer ${ctx.customerToken}` }, { authorization: "Bearer x.y.z" }, { authorization: "Basic Zm9vOmJhcg==" });
  const withBody = (method: string, path: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>, extra: fc.Arbitrary<Record<string, string>> = fc.constant({})) =>
    fc.record({ method: fc.constant(method), path, body: encodings(value), ct: contentType, h: optionalHeaders, extra }).map(({ method, path, body, ct, h, extra }) => ({
      method,
      path,
      headers: { ...(ct ? { "content-type": ct } : {}), ...h, ...extra },
      body,
    }));
  const get = (path: fc.Arbitrary<string>) => fc.record({ method: fc.constant("GET"), path, headers: optionalHeaders });
  return fc.oneof(
    withBody("POST", fc.constant("/api/users"), b["/api/users"]),
    withBody("POST", fc.constant("/api/inventory/update"), b["/api/inventory/update"]),
    withBody("POST", fc.constant("/api/orders"), b["/api/orders"]),
    b.edgeOrder.map((o) => ({ method: "POST", path: "/api/orders", headers: { "content-type": "application/json" }, body: JSON.stringify(o) })),
    withBody("PUT", fc.oneof(fc.constant(ctx.orderId), fc.uuid(), urlPart(ctx.orderId)).map((id) => `/api/orders/${id}/status`), b.status, auth),
    get(urlPart(ctx.userId).map((id) => `/api/users/${id}`)),
    get(urlPart(ctx.orderId).map((id) => `/api/orders/${id}`)),
    // listing orders needs a token: with one (staff, customer, bad) so that the query reaches validation
    fc.record({ method: fc.constant("GET"), path: fc.tuple(urlPart(ctx.userId), urlPart("10"), urlPart("0")).map(([u, l, o]) => `/api/orders?userId=${u}&limit=${l}&offset=${o}`), headers: fc.tuple(optionalHeaders, auth).map(([h, a]) => ({ ...h, ...a })) }),
    get(fc.tuple(urlPart("50"), urlPart("0")).map(([l, o]) => `/api/users?limit=${l}&offset=${o}&limit=${o}`)),
    get(urlPart(ctx.userId).map((id) => `/api/users/validate?id=${id}`)),
    get(urlPart(ctx.productId).map((id) => `/api/inventory/quantity?productId=${id}`)),
    get(fc.tuple(urlPart(ctx.productId), urlPart("1")).map(([p, q]) => `/api/inventory/check?productId=${p}&quantity=${q}`)),
    fc.record({ method: fc.constantFrom("DELETE", "PATCH", "OPTIONS", "HEAD", "PUT", "POST"), path: fc.constantFrom("/api/users", `/api/orders/${ctx.orderId}`, "/api/inventory/check", "/api/nope", "/"), headers: optionalHeaders }),
  );
}
