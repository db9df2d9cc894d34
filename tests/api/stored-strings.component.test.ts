import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp, address, createUser, stockProduct } from "#test-support";

/** What PostgreSQL text cannot store: NUL (error 22021) and lone surrogates (silently replaced by U+FFFD). */
const UNSTORABLE: [string, (s: string) => string][] = [
  ["NUL", (s) => `${s}\u0000x`],
  ["lone high surrogate", (s) => `${s}\ud800`],
  ["lone low surrogate", (s) => `\udc00${s}`],
];

describe("strings the database cannot store are a 400 naming the field (every text column)", () => {
  let t: TestApp;
  before(async () => (t = await createTestApp()));
  after(() => t.close());

  const user = () => {
    const s = randomUUID().slice(0, 8);
    return { username: `user_${s}`, email: `u${s}@example.com`, firstName: "Ada", lastName: "Lovelace" } as Record<string, string>;
  };

  for (const [kind, spoil] of UNSTORABLE) {
    for (const field of ["username", "email", "firstName", "lastName"]) {
      it(`when users.${field} contains a ${kind}, then 400 USERS.INVALID_BODY naming ${field} and no row`, async () => {
        const body = user();
        body[field] = spoil(body[field]!);
        const res = await t.http.post("/api/users").send(body);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.code, "USERS.INVALID_BODY");
        assert.deepEqual(res.body.details.map((d: { field: string }) => d.field), [field]);
        assert.equal(await t.rt.db.prisma.user.count({ where: { username: body.username!.replace(/[\u0000\ud800-\udfff]/g, "") } }), 0);
      });
    }

    for (const field of Object.keys(address)) {
      it(`when shippingAddress.${field} contains a ${kind}, then 400 ORDERS.INVALID_BODY naming it`, async () => {
        const { id } = await createUser(t);
        const productId = await stockProduct(t, 5);
        const res = await t.http
          .post("/api/orders")
          .send({ userId: id, shippingAddress: { ...address, [field]: spoil("Main") }, items: [{ productId, quantity: 1, unitPrice: 1 }] });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.code, "ORDERS.INVALID_BODY");
        assert.deepEqual(res.body.details.map((d: { field: string }) => d.field), [`shippingAddress.${field}`]);
      });
    }
  }

  it("when a NUL hides in an unknown field or key, then it is stripped like any unknown field (never stored, never a 500)", async () => {
    const res = await t.http.post("/api/inventory/update").send({ productId: randomUUID(), quantity: 1, note: { deep: ["ok", "a\u0000"] } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.note, undefined);
    const key = await t.http.post("/api/users").send({ ...user(), ["k\u0000"]: 1 });
    assert.equal(key.status, 201, JSON.stringify(key.body));
  });

  it("when a query parameter carries a NUL or an invalid UTF-8 escape, then 400, never 500", async () => {
    for (const q of ["%00", "a%00b", "%ED%A0%80", "%C0%80"]) {
      const res = await t.http.get(`/api/users?limit=10&offset=0&x=${q}`);
      assert.ok(res.status === 200 || res.status === 400, `${q} → ${res.status}`);
      const check = await t.http.get(`/api/inventory/check?productId=${q}&quantity=1`);
      assert.equal(check.status, 400, `${q}: ${JSON.stringify(check.body)}`);
    }
  });
});
