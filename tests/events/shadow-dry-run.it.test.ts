import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { SHADOW_HEADER, signShadow } from "../../src/platform/http/shadow-signature.js";
import {
  address, createTestDatabase, createUser, dropNamespace, eventState, eventually, freePort, kafkaEnv, newNamespace, placeOrder, poolQuery, settled,
  type StartedProcess, startProcess, stockProduct, TEST_JWT_SECRET, withAdmin,
} from "#test-support";

const SECRET = "shadow-secret-shadow-secret-shadow-secret-01";
const SHADOWS = 1_000;
const IN_FLIGHT = 8;

type Query = ReturnType<typeof poolQuery>;

/** Every table of every module schema: row count and an md5 of all its rows, in a stable order. */
async function tableSnapshot(q: Query): Promise<Record<string, string>> {
  const tables = await q<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
     WHERE table_schema IN ('users', 'orders', 'inventory') AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
  );
  assert.ok(tables.length >= 8, `module tables found: ${tables.map((x) => x.t).join(", ")}`);
  const out: Record<string, string> = {};
  for (const { s, t } of tables) {
    const [row] = await q<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${s}"."${t}" x`);
    out[`${s}.${t}`] = `${row!.n} rows, ${row!.h}`;
  }
  return out;
}

/** A snapshot once the tables stopped changing (events of real writes handled): two in a row, a second apart, agree. */
async function quietSnapshot(q: Query): Promise<Record<string, string>> {
  let last = await tableSnapshot(q);
  return eventually(async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = await tableSnapshot(q);
    const same = JSON.stringify(now) === JSON.stringify(last);
    last = now;
    return same ? now : undefined;
  }, "the tables at rest", 30_000);
}

/** Every topic of the namespace: its partitions' end offsets. */
const topicOffsets = (ns: string) =>
  withAdmin(async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ns)).sort();
    const out: Record<string, string> = {};
    for (const t of topics) out[t] = (await admin.fetchTopicOffsets(t)).sort((a, b) => a.partition - b.partition).map((p) => `${p.partition}:${p.high}`).join(",");
    return out;
  });

interface Write {
  readonly kind: string;
  readonly method: "POST" | "PUT";
  readonly path: string;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** Sends a write to `base`, signed as a shadow unless `signature` says otherwise; the answer's status and JSON body. */
async function send(base: string, w: Write, signature: string | null | undefined = undefined) {
  const body = Buffer.from(JSON.stringify(w.body));
  const headers: Record<string, string> = { "content-type": "application/json", ...w.headers };
  const sig = signature === undefined ? signShadow(SECRET, { method: w.method, url: w.path, body }) : signature;
  if (sig !== null) headers[SHADOW_HEADER] = sig;
  const res = await fetch(new URL(w.path, base), { method: w.method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const VOLATILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/i;
/** A body with its fresh ids and timestamps masked (they differ between any two runs) and the request id dropped. */
const shape = (body: unknown): unknown =>
  JSON.parse(JSON.stringify(body ?? null, (k, v) => (k === "requestId" ? undefined : typeof v === "string" && VOLATILE.test(v) ? "<fresh>" : v)));

describe("shadowed writes run dry on the extracted services (issue 14)", { timeout: 600_000 }, () => {
  const ns = newNamespace("dryrun");
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let q: Query;
  let monolith: StartedProcess | undefined;
  let unkeyed: StartedProcess | undefined;
  const services: Partial<Record<"users" | "inventory" | "orders", StartedProcess>> = {};
  let staff = "";
  before(async () => {
    db = await createTestDatabase();
    q = poolQuery(db.databaseUrl!);
    const env = kafkaEnv(ns, { DATABASE_URL: db.databaseUrl!, SHADOW_SECRET: SECRET, LOG_LEVEL: "warn" });
    monolith = await startProcess({ entry: "source", role: ["monolith"], env, readyPath: "/ready" });
    for (const m of ["users", "inventory", "orders"] as const)
      services[m] = await startProcess({ entry: "source", role: ["service", m], env: { ...env, PORT: String(await freePort()) }, readyPath: "/ready" });
    // The same service without the secret: it must refuse every shadow.
    const { SHADOW_SECRET: _, ...noSecret } = env;
    unkeyed = await startProcess({ entry: "source", role: ["service", "users"], env: { ...noSecret, PORT: String(await freePort()) }, readyPath: "/ready" });
    staff = await new SignJWT({ role: "staff" }).setProtectedHeader({ alg: "HS256" }).setSubject("staff-1").setIssuer("strangler").setIssuedAt().setExpirationTime("1h").sign(new TextEncoder().encode(TEST_JWT_SECRET));
  });
  after(async () => {
    await Promise.allSettled([monolith?.stop(), unkeyed?.stop(), ...Object.values(services).map((s) => s.stop())]);
    await q?.end();
    await db?.drop();
    await dropNamespace(ns);
  });

  it(`when ${SHADOWS} signed writes run dry, then every table and topic is unchanged and each answer is a real run's`, async (ctx) => {
    // Real state first (through the monolith): users, stock, an order placed under an Idempotency-Key, one to cancel.
    const user = await createUser(monolith!);
    const taken = await createUser(monolith!);
    const product = await stockProduct(monolith!, 1_000_000);
    const scarce = await stockProduct(monolith!, 1);
    const item = { productId: product, quantity: 2, unitPrice: 5 };
    const order = { userId: user.id, shippingAddress: address, items: [item] };
    const keyed = await monolith!.http.post("/api/orders").set("Idempotency-Key", "dry-run-known-key").send(order);
    assert.equal(keyed.status, 201, JSON.stringify(keyed.body));
    const toCancel = await placeOrder(monolith!, user.id, [item]);
    assert.equal(toCancel.status, 201);
    await eventually(async () => settled(await eventState(q, [keyed.body.id, toCancel.body.id])), "fixtures' events published and handled", 60_000);

    const writes = (i: number): Write => {
      const suffix = `${i}_${randomUUID().slice(0, 6)}`;
      switch (i % 8) {
        case 0: return { kind: "order", method: "POST", path: "/api/orders", body: order };
        case 1: return { kind: "order, new key", method: "POST", path: "/api/orders", body: order, headers: { "idempotency-key": `dry-${suffix}` } };
        case 2: return { kind: "order, known key (replay)", method: "POST", path: "/api/orders", body: order, headers: { "idempotency-key": "dry-run-known-key" } };
        case 3: return { kind: "order, out of stock", method: "POST", path: "/api/orders", body: { ...order, items: [{ productId: scarce, quantity: 5, unitPrice: 1 }] } };
        case 4: return { kind: "user", method: "POST", path: "/api/users", body: { username: `dry_${suffix}`, email: `d${suffix}@example.com`, firstName: "Dry", lastName: "Run" } };
        case 5: return { kind: "user, taken", method: "POST", path: "/api/users", body: { username: taken.username, email: `t${suffix}@example.com`, firstName: "Dry", lastName: "Run" } };
        case 6: return { kind: "stock update", method: "POST", path: "/api/inventory/update", body: { productId: i % 16 === 6 ? product : randomUUID(), quantity: 7 } };
        default: return { kind: "cancel order", method: "PUT", path: `/api/orders/${toCancel.body.id}/status`, body: { status: "Cancelled" }, headers: { authorization: `Bearer ${staff}` } };
      }
    };
    const serviceOf = (w: Write) => services[w.path.split("/")[2] as "users" | "inventory" | "orders"]!.url;

    const tablesBefore = await tableSnapshot(q);
    const topicsBefore = await topicOffsets(ns);
    assert.ok(Object.keys(topicsBefore).length >= 4, `topics: ${Object.keys(topicsBefore).join(", ")}`);

    const answers: { w: Write; status: number; body: unknown }[] = new Array(SHADOWS);
    let nextIndex = 0;
    const worker = async () => {
      for (let i = nextIndex++; i < SHADOWS; i = nextIndex++) {
        const w = writes(i);
        const res = await send(serviceOf(w), w);
        answers[i] = { w, status: res.status, body: res.body };
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    ctx.diagnostic(`${SHADOWS} dry runs in ${Math.round(performance.now() - started)} ms (${IN_FLIGHT} in flight)`);

    // Give a relay that was (wrongly) woken time to publish, then compare everything.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(await tableSnapshot(q), tablesBefore, "every table of every module schema unchanged");
    assert.deepEqual(await topicOffsets(ns), topicsBefore, "every topic's end offsets unchanged");

    // Each kind's dry answers agree with each other; then one real run of each kind must answer the same.
    const byKind = new Map<string, { status: number; body: unknown }>();
    for (const a of answers) {
      const seen = byKind.get(a.w.kind);
      if (seen === undefined) byKind.set(a.w.kind, { status: a.status, body: shape(a.body) });
      else assert.equal(a.status, seen.status, `${a.w.kind}: every dry run answers alike (${JSON.stringify(a.body)})`);
    }
    const summary: Record<string, number> = {};
    for (let i = 0; i < 8; i++) {
      // The very request that ran dry (its new user, its new key) now runs for real; from the second round, whose
      // stock update is of a new product (earlier real orders change the shared product's stock).
      const { w, status, body } = answers[8 + i]!;
      const dry = { status, body: shape(body) };
      const real = await send(serviceOf(w), w, null);
      summary[w.kind] = real.status;
      assert.equal(dry.status, real.status, `${w.kind}: the dry run's status is the real run's (${JSON.stringify(real.body)})`);
      assert.deepEqual(dry.body, shape(real.body), `${w.kind}: the dry run's body is the real run's, fresh ids and times aside`);
    }
    ctx.diagnostic(`statuses by kind: ${JSON.stringify(summary)}`);
    assert.deepEqual(summary, {
      order: 201, "order, new key": 201, "order, known key (replay)": 201, "order, out of stock": 409,
      user: 201, "user, taken": 409, "stock update": 200, "cancel order": 200,
    });
    assert.notDeepEqual(await tableSnapshot(q), tablesBefore, "a real run does change the tables (the snapshot can see a write)");
  });

  it("when the shadow header is forged, stale, sent to the monolith or to a service without SHADOW_SECRET, then 403 and nothing is written", async () => {
    const w: Write = { kind: "user", method: "POST", path: "/api/users", body: { username: `forged_${randomUUID().slice(0, 6)}`, email: `f${randomUUID().slice(0, 6)}@example.com`, firstName: "F", lastName: "G" } };
    const body = Buffer.from(JSON.stringify(w.body));
    const tablesBefore = await quietSnapshot(q); // the first test's real runs have events still in flight
    const cases: [string, string, string][] = [
      ["a signature with another secret", services.users!.url, signShadow("not-the-secret-not-the-secret-not-the-secret", { method: "POST", url: w.path, body })],
      ["a signature of another body", services.users!.url, signShadow(SECRET, { method: "POST", url: w.path, body: Buffer.from("{}") })],
      ["a stale signature (2 minutes old)", services.users!.url, signShadow(SECRET, { method: "POST", url: w.path, body }, Math.floor(Date.now() / 1000) - 120)],
      ["garbage", services.users!.url, "yes please"],
      ["a valid signature sent to the monolith", monolith!.url, signShadow(SECRET, { method: "POST", url: w.path, body })],
      ["a valid signature sent to a service without SHADOW_SECRET", unkeyed!.url, signShadow(SECRET, { method: "POST", url: w.path, body })],
    ];
    for (const [name, base, sig] of cases) {
      const res = await send(base, w, sig);
      assert.equal(res.status, 403, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body?.code, "SHADOW.INVALID_SIGNATURE", `${name}: ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual(await tableSnapshot(q), tablesBefore, "nothing written by a refused shadow");
  });
});
