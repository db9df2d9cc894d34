import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, createUser, dropNamespace, eventState, type EventState, eventually, freePort, kafkaEnv, newNamespace, placeOrder, poolQuery, settled, type StartedProcess, startProcess, stockLevels, stockProduct, withAdmin } from "#test-support";

/** `order-placed handled` log lines of one process: which orders its inventory consumer reserved. */
const handled = (role: StartedProcess) =>
  role.logs.filter((l) => l.message === "order-placed handled").map((l) => ({ orderId: String(l.orderId), outcome: String(l.outcome) }));

describe("inventory extracted: `monolith` and `service inventory` on one database and one broker", { timeout: 180_000 }, () => {
  const ns = newNamespace("extracted");
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let q: ReturnType<typeof poolQuery>;
  let inventory: StartedProcess | undefined;
  let monolith: StartedProcess | undefined;
  before(async () => {
    db = await createTestDatabase();
    q = poolQuery(db.databaseUrl!);
    const env = kafkaEnv(ns, { DATABASE_URL: db.databaseUrl! });
    const inventoryPort = await freePort();
    // The service first, alone on a fresh namespace: it must create the topics it consumes, not wait for the
    // monolith to. Then the monolith, which reaches inventory over HTTP, as in production.
    inventory = await startProcess({ entry: "source", role: ["service", "inventory"], env: { ...env, PORT: String(inventoryPort) }, readyPath: "/ready" });
    monolith = await startProcess({ entry: "source", role: ["monolith"], env: { ...env, INVENTORY_SERVICE_URL: `http://127.0.0.1:${inventoryPort}` }, readyPath: "/ready" });
  });
  after(async () => {
    await Promise.allSettled([monolith?.stop(), inventory?.stop()]);
    await q?.end();
    await db?.drop();
    await dropNamespace(ns);
  });

  it("when orders are placed, then each order-placed is handled once, by one of the two group members, and stock drops once", async (ctx) => {
    const group = `${ns}strangler.inventory`;
    await eventually(
      () => withAdmin(async (a) => (await a.describeGroups([group])).groups.find((g) => g.state === "Stable" && g.members.length === 2)),
      "both processes in the one inventory consumer group",
      60_000,
    );
    const INITIAL = 500;
    const ORDERS = 30;
    const user = await createUser(monolith!);
    const products = [await stockProduct(inventory!, INITIAL), await stockProduct(inventory!, INITIAL), await stockProduct(inventory!, INITIAL)];
    const placed: { id: string; productId: string; quantity: number }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const item = { productId: products[i % products.length]!, quantity: 1 + (i % 2), unitPrice: 3 };
      const res = await placeOrder(monolith!, user.id, [item]);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      placed.push({ id: res.body.id, productId: item.productId, quantity: item.quantity });
    }
    const ids = placed.map((p) => p.id);
    let state: EventState | undefined;
    await eventually(async () => settled((state = await eventState(q, ids))), "every order reserved", 60_000).catch((e) => {
      throw new Error(`${e.message}; last state ${JSON.stringify(state)}`);
    });
    assert.deepEqual(state!.stockStatus, { Reserved: ORDERS });
    assert.deepEqual(state!.reservations, { Reserved: ORDERS });
    assert.equal(state!.placedInInbox, ORDERS, "inventory's inbox holds each order-placed event once");

    const byMonolith = handled(monolith!);
    const byService = handled(inventory!);
    ctx.diagnostic(`order-placed handled by the monolith: ${byMonolith.length}, by service inventory: ${byService.length}`);
    const reservedBy = [...byMonolith, ...byService].filter((h) => h.outcome === "reserved").map((h) => h.orderId);
    assert.deepEqual(reservedBy.sort(), [...ids].sort(), "each order reserved by exactly one process");
    assert.ok(byMonolith.length > 0 && byService.length > 0, "the group shares the partitions between both processes");

    const expected = new Map<string, number>(products.map((p) => [p, INITIAL]));
    for (const p of placed) expected.set(p.productId, expected.get(p.productId)! - p.quantity);
    assert.deepEqual(await stockLevels(q, products), expected);
    for (const p of products) assert.equal((await inventory!.http.get(`/api/inventory/quantity?productId=${p}`)).body.quantity, expected.get(p));
  });
});
