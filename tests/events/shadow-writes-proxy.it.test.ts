import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runFlagsCommand } from "../../proxy/src/flags/admin/flags.command.js";
import { removeDir, startTestProxy, testProxyEnv, type TestProxy } from "../../proxy/test/helpers/test-proxy.js";
import { SHADOW_HEADER, signShadow } from "../../src/platform/http/shadow-signature.js";
import {
  address, createTestDatabase, createUser, dropNamespace, eventState, eventually, freePort, kafkaEnv, newNamespace, poolQuery, settled,
  type StartedProcess, startProcess, stockProduct,
} from "#test-support";

const SECRET = "shadow-secret-shadow-secret-shadow-secret-02";
const CLIENT_POSTS = 40;
const quiet = { out: () => undefined, err: (l: string) => console.error(l) };

interface Shadow { percent: number | null; compared: number; matched: number; mismatched: number; noise: number; errors: number; dropped: number; noiseFields: string[]; samples: unknown[] }

// Through the proxy: the monolith answers every client (orders flag at 0 %), the orders shadow at 100 % mirrors
// each POST to `service orders`, which runs it dry. Real processes, real PostgreSQL and Kafka; the proxy in-process.
// A POST with an Idempotency-Key reaches the service after the monolith committed that key, so the service answers
// it as a replay — the monolith's order as it is by then, whose stockStatus the inventory consumer may already have
// moved to Reserved: that field is ignored here (README "Shadow traffic").
describe("shadowed writes through the proxy: the monolith writes, the service only answers", { timeout: 300_000 }, () => {
  const ns = newNamespace("shadowproxy");
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let q: ReturnType<typeof poolQuery>;
  let monolith: StartedProcess | undefined;
  let orders: StartedProcess | undefined;
  let proxy: TestProxy | undefined;
  const shadowOf = async (): Promise<Shadow> =>
    ((await (await fetch(`${proxy!.adminUrl}/_strangler/status`)).json()) as { routes: { module: string; shadow: Shadow }[] }).routes.find((r) => r.module === "orders")!.shadow;

  before(async () => {
    db = await createTestDatabase();
    q = poolQuery(db.databaseUrl!);
    const env = kafkaEnv(ns, { DATABASE_URL: db.databaseUrl!, SHADOW_SECRET: SECRET, LOG_LEVEL: "warn" });
    monolith = await startProcess({ entry: "source", role: ["monolith"], env, readyPath: "/ready" });
    orders = await startProcess({ entry: "source", role: ["service", "orders"], env: { ...env, PORT: String(await freePort()) }, readyPath: "/ready" });
    proxy = await startTestProxy(
      testProxyEnv(monolith.url, [{ prefix: "/api/orders", module: "orders", flag: "strangler.orders", url: orders.url, shadow: { ignore: ["/stockStatus"] } }], { SHADOW_SECRET: SECRET, SHADOW_CONCURRENCY: "4" }),
    );
    assert.equal(await runFlagsCommand(["shadow", "orders", "100"], proxy.env, quiet), 0);
    await eventually(async () => (await shadowOf()).percent === 100, "orders shadow at 100 %", 10_000);
  });
  after(async () => {
    await proxy?.close();
    await Promise.allSettled([monolith?.stop(), orders?.stop()]);
    if (proxy) removeDir(proxy.dataDir);
    await q?.end();
    await db?.drop();
    await dropNamespace(ns);
  });

  it(`when ${CLIENT_POSTS} clients POST orders, then each is created once (by the monolith) and every shadow matches`, async () => {
    const user = await createUser(monolith!);
    const product = await stockProduct(monolith!, 10_000);
    const ids: string[] = [];
    for (let i = 0; i < CLIENT_POSTS; i++) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (i % 2 === 1) headers["idempotency-key"] = `proxy-key-${i}`;
      const res = await fetch(`${proxy!.url}/api/orders`, { method: "POST", headers, body: JSON.stringify({ userId: user.id, shippingAddress: address, items: [{ productId: product, quantity: 1, unitPrice: 4 }] }) });
      const body = (await res.json()) as { id: string };
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.equal(res.headers.get("x-upstream"), "monolith");
      ids.push(body.id);
    }
    await eventually(async () => (await shadowOf()).compared >= CLIENT_POSTS, `${CLIENT_POSTS} shadows compared`, 60_000);
    const s = await shadowOf();
    assert.deepEqual([s.compared, s.mismatched, s.errors, s.dropped], [CLIENT_POSTS, 0, 0, 0], JSON.stringify(s.samples));
    // Unkeyed: the service creates its own (rolled-back) order, fresh id, Location and times = noise. Keyed: a replay
    // of the monolith's very order — an exact match, or noise when its reservation already moved updatedAt.
    assert.equal(s.matched, CLIENT_POSTS);
    assert.ok(s.noise >= CLIENT_POSTS / 2 && s.noise <= CLIENT_POSTS, `noise ${s.noise}`);
    for (const field of ["/id", "/createdAt", "header location"]) assert.ok(s.noiseFields.includes(field), `noise fields: ${s.noiseFields.join(", ")}`);

    await eventually(async () => settled(await eventState(q, ids)), "the monolith's orders reserved", 60_000);
    const [counts] = await q<{ orders: number; outbox: number; keys: number; reservations: number }>(
      `SELECT (SELECT count(*)::int FROM orders.orders) AS orders, (SELECT count(*)::int FROM orders.outbox WHERE topic LIKE '%order-placed') AS outbox,
              (SELECT count(*)::int FROM orders.idempotency_keys) AS keys, (SELECT count(*)::int FROM inventory.reservations) AS reservations`,
    );
    assert.deepEqual(counts, { orders: CLIENT_POSTS, outbox: CLIENT_POSTS, keys: CLIENT_POSTS / 2, reservations: CLIENT_POSTS }, "only the monolith's writes");
    const stored = await q<{ id: string }>(`SELECT id::text FROM orders.orders`);
    assert.deepEqual(stored.map((r) => r.id).sort(), [...ids].sort(), "exactly the orders the clients were answered with");
  });

  it("when a client sends its own X-Strangler-Shadow, then the proxy strips it (the monolith, which refuses shadows, answers normally)", async () => {
    const body = JSON.stringify({ username: `strip_${Date.now()}`, email: `strip${Date.now()}@example.com`, firstName: "S", lastName: "T" });
    // Even a correctly signed one: only the proxy's own shadow stage may send it.
    const forged = signShadow(SECRET, { method: "POST", url: "/api/users", body: Buffer.from(body) });
    const res = await fetch(`${proxy!.url}/api/users`, { method: "POST", headers: { "content-type": "application/json", [SHADOW_HEADER]: forged }, body });
    assert.equal(res.status, 201, await res.clone().text());
    const direct = await fetch(`${monolith!.url}/api/users`, { method: "POST", headers: { "content-type": "application/json", [SHADOW_HEADER]: forged }, body });
    assert.equal(direct.status, 403, "sent past the proxy, the monolith refuses it: so the 201 above means it was stripped");
  });
});
