import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { address, call, createTestDatabase, eventually, runCli, type StartedProcess, startProcess } from "#test-support";

const JWT_SECRET = "e2e-secret-e2e-secret-e2e-secret-e2e-secret";

/** The API.md curl flow: create user → stock → order → Shipped with a staff token → Delivered. */
async function curlFlow(base: string, staffToken: string) {
  const user = await call("POST", `${base}/api/users`, { username: `e2e_${randomUUID().slice(0, 8)}`, email: `${randomUUID()}@example.com`, firstName: "E", lastName: "Two" });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  const productId = randomUUID();
  assert.equal((await call("POST", `${base}/api/inventory/update`, { productId, quantity: 10 })).status, 200);
  const order = await call("POST", `${base}/api/orders`, { userId: user.body.id, shippingAddress: address, items: [{ productId, quantity: 2, unitPrice: 1000 }] });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  await eventually(async () => (await call("GET", `${base}/api/inventory/quantity?productId=${productId}`)).body.quantity === 8, "stock dropped to 8");
  await eventually(async () => (await call("GET", `${base}/api/orders/${order.body.id}`)).body.stockStatus === "Reserved", "stock reserved");
  const auth = { authorization: `Bearer ${staffToken}` };
  assert.equal((await call("PUT", `${base}/api/orders/${order.body.id}/status`, { status: "Shipped" }, auth)).body.status, "Shipped");
  assert.equal((await call("PUT", `${base}/api/orders/${order.body.id}/status`, { status: "Delivered" }, auth)).body.status, "Delivered");
  return { userId: user.body.id as string, productId };
}

async function staffToken(env: Record<string, string>) {
  const { code, stdout } = await runCli(["token", "--role", "staff", "--sub", "e2e"], env);
  assert.equal(code, 0);
  return stdout.trim().split("\n").at(-1)!;
}

describe("roles as real processes (built bin) on real PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  const running: StartedProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.databaseUrl!, JWT_SECRET };
  });
  after(async () => {
    await Promise.all(running.map((p) => p.kill()));
    await db.drop();
  });

  it("when the monolith role runs, then the curl flow works and SIGTERM stops it cleanly (exit 0)", async () => {
    const monolith = await startProcess({ entry: "bin", role: ["monolith"], env, readyPath: "/health" });
    running.push(monolith);
    await curlFlow(monolith.url, await staffToken(env));
    assert.equal((await call("GET", `${monolith.url}/ready`)).status, 200);
    assert.equal(await monolith.stop(), 0);
  });

  it("when users and inventory are extracted, then a monolith pointed at them places orders, also when one is down (the in-process module answers)", async () => {
    const users = await startProcess({ entry: "bin", role: ["service", "users"], env, readyPath: "/health" });
    const inventory = await startProcess({ entry: "bin", role: ["service", "inventory"], env, readyPath: "/health" });
    const monolith = await startProcess({ entry: "bin", role: ["monolith"], env: { ...env, USERS_SERVICE_URL: users.url, INVENTORY_SERVICE_URL: inventory.url, SERVICE_TIMEOUT_MS: "1000" }, readyPath: "/health" });
    running.push(users, inventory, monolith);
    // each service serves only its own module
    assert.equal((await call("GET", `${users.url}/api/orders?userId=${randomUUID()}`)).status, 404);
    const { userId, productId } = await curlFlow(monolith.url, await staffToken(env));
    await users.kill();
    const asProxied = { "x-strangler-extracted": "users,inventory" }; // what the proxy sends when both flags route this user
    const down = await call("POST", `${monolith.url}/api/orders`, { userId, shippingAddress: address, items: [{ productId, quantity: 1, unitPrice: 1 }] }, asProxied);
    assert.equal(down.status, 201, JSON.stringify(down.body));
  });

  it("when the configuration is invalid, then the process lists every problem and exits 1", async () => {
    const { code, stderr } = await runCli(["monolith"], { DATABASE_URL: "mysql://nope", PORT: "70000", JWT_SECRET: "short" });
    assert.equal(code, 1);
    for (const key of ["DATABASE_URL", "PORT", "JWT_SECRET"]) assert.match(stderr, new RegExp(key));
  });

  it("when an unknown role is given, then usage and exit 2", async () => {
    const { code, stderr } = await runCli(["nonsense"], {});
    assert.equal(code, 2);
    assert.match(stderr, /usage: strangler/);
  });
});
