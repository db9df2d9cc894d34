import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { reportFigures } from "./support/figures.js";
import { placeOne, seedShop } from "./support/order-ledger.js";
import { runCli, type Stack, STACK_JWT_SECRET, startStack } from "#test-support";

/** `strangler token --role <role>`: the command users type, signed with the stack's JWT_SECRET. */
async function cliToken(role: "staff" | "customer"): Promise<string> {
  const res = await runCli(["token", "--role", role], { JWT_SECRET: STACK_JWT_SECRET });
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.trim().split("\n").at(-1)!;
}

const sign = (claims: Record<string, unknown>, secret: string, exp: string | number = "1h", issuer = "strangler") =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject("mallory").setIssuer(issuer).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("status changes need a staff token (real monolith, and through the proxy)", { timeout: 120_000 }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ label: "faults-auth", services: ["inventory"], proxy: { inventory: 50 } });
  });
  after(() => stack?.close());

  it("when the token is missing, forged, tampered, expired or a customer's, then 401/403 and the order is untouched; staff → 200", async (t) => {
    const { userIds, productIds } = await seedShop(stack.monolith.url, 1, 1, 100);
    const staff = await cliToken("staff");
    const customer = await cliToken("customer");
    const [, customerBody, customerSig] = customer.split(".");
    const tamperedBody = b64({ ...JSON.parse(Buffer.from(customerBody!, "base64url").toString()), role: "staff" });
    const cases: [string, string | undefined, number][] = [
      ["no token", undefined, 401],
      ["customer token", customer, 403],
      ["forged signature (staff claims, another secret)", await sign({ role: "staff" }, "not-the-secret-not-the-secret-not-the-secret"), 401],
      ["tampered payload (customer token re-labelled staff)", `${customer.split(".")[0]}.${tamperedBody}.${customerSig}`, 401],
      ['alg "none"', `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "mallory", role: "staff", iss: "strangler" })}.`, 401],
      ["expired staff token", await sign({ role: "staff" }, STACK_JWT_SECRET, Math.floor(Date.now() / 1000) - 60), 401],
      ["staff token of another issuer", await sign({ role: "staff" }, STACK_JWT_SECRET, "1h", "someone-else"), 401],
      ["staff token without exp (never expires)", await new SignJWT({ role: "staff" }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject("mallory").setIssuer("strangler").sign(new TextEncoder().encode(STACK_JWT_SECRET)), 401],
      ["not a JWT", "garbage", 401],
    ];
    const seen: string[] = [];
    for (const [where, base] of [["monolith", stack.monolith.url], ["proxy", stack.proxy!.url]] as const) {
      const order = await placeOne(base, userIds[0]!, productIds[0]!, 1);
      assert.equal(order.status, 201);
      const put = (token: string | undefined) =>
        fetch(`${base}/api/orders/${order.order!.id}/status`, {
          method: "PUT",
          headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
          body: JSON.stringify({ status: "Cancelled" }),
        });
      for (const [name, token, want] of cases) {
        const res = await put(token);
        const body = (await res.json()) as { code?: string };
        seen.push(`${where}/${name}: ${res.status}`);
        assert.equal(res.status, want, `${where}: ${name} → ${res.status} ${JSON.stringify(body)}`);
        assert.equal(body.code, want === 401 ? "AUTH.UNAUTHORIZED" : "AUTH.FORBIDDEN", `${where}: ${name}`);
      }
      const untouched = (await (await fetch(`${base}/api/orders/${order.order!.id}`)).json()) as { status: string };
      assert.equal(untouched.status, "Created", `${where}: no rejected call changed the order`);
      const ok = await put(staff);
      assert.equal(ok.status, 200, `${where}: the staff token from \`strangler token --role staff\` works`);
      assert.equal(((await ok.json()) as { status: string }).status, "Cancelled");
    }
    reportFigures(t, "auth", {
      load: `${seen.length} unauthorised status changes (${cases.length} kinds × monolith and proxy) + 2 staff ones`,
      faults: "missing, customer, forged, tampered, alg none, expired, no exp, wrong issuer, garbage tokens",
      requestsFailed: "0 (every unauthorised call refused with the documented code)",
      eventsLost: "n/a",
      duplicates: "n/a",
    });
  });

  it("when a customer lists orders through the proxy, then only with their own userId (sub); all orders need staff", async () => {
    const { userIds, productIds } = await seedShop(stack.monolith.url, 2, 1, 100);
    const [me, other] = userIds as [string, string];
    const mine = await placeOne(stack.proxy!.url, me, productIds[0]!, 1);
    await placeOne(stack.proxy!.url, other, productIds[0]!, 1);
    const myToken = (await runCli(["token", "--role", "customer", "--sub", me], { JWT_SECRET: STACK_JWT_SECRET })).stdout.trim().split("\n").at(-1)!;
    const list = (path: string, token?: string) => fetch(`${stack.proxy!.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const own = await list(`/api/orders?userId=${me}`, myToken);
    assert.equal(own.status, 200);
    assert.deepEqual(((await own.json()) as { id: string }[]).map((o) => o.id), [mine.order!.id]);
    assert.equal((await list(`/api/orders?userId=${other}`, myToken)).status, 403);
    assert.equal((await list("/api/orders", myToken)).status, 403);
    assert.equal((await list("/api/orders")).status, 401);
    const all = await list("/api/orders?limit=500", await cliToken("staff"));
    assert.equal(all.status, 200);
    assert.ok(((await all.json()) as { userId: string }[]).some((o) => o.userId === other), "staff see every user's orders");
  });
});
