import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Router } from "express";
import supertest from "supertest";
import { createTestApp, type TestApp } from "#test-support";
import { createHttpApp } from "../http/create-http-app.js";
import { createShadowDryRun } from "../http/shadow-dry-run.js";
import { SHADOW_HEADER, signShadow } from "../http/shadow-signature.js";

const SECRET = "shadow-secret-shadow-secret-shadow-secret-03";

// The dry-run stage on a real database, around a probe handler that writes a user, reads it back in the same
// request, and holds its request open for `holdMs` (to fill the dry-run slots).
describe("shadow dry run (middleware + rolled-back transaction, real database)", () => {
  let t: TestApp;
  let ran = 0;
  const appWith = (o: { honour: boolean; maxInFlight: number }) => {
    const probe = Router().post("/probe", async (req, res) => {
      ran++;
      const id = randomUUID();
      await t.rt.db.prisma.$executeRaw`INSERT INTO users.users (id, username, email, first_name, last_name) VALUES (${id}::uuid, ${id}, ${`${id}@example.com`}, 'P', 'Q')`;
      const seen = await t.rt.db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM users.users WHERE id = ${id}::uuid`;
      await new Promise((r) => setTimeout(r, Number(req.body.holdMs ?? 0)));
      res.status(201).json({ id, seenInsideRequest: seen[0]!.n });
    });
    const shadow = createShadowDryRun({ secret: SECRET, honour: o.honour, db: t.rt.db, logger: t.rt.logger, maxInFlight: o.maxInFlight, limits: { timeoutMs: 5_000, maxWaitMs: 150 } });
    return supertest(createHttpApp({ logger: t.rt.logger, bodyLimit: "10kb", routers: [probe], shadow }));
  };
  const post = (http: ReturnType<typeof supertest>, body: object, signed = true) => {
    const text = JSON.stringify(body);
    const r = http.post("/probe").set("content-type", "application/json");
    if (signed) r.set(SHADOW_HEADER, signShadow(SECRET, { method: "POST", url: "/probe", body: Buffer.from(text) }));
    return r.send(text);
  };
  const users = async () => (await t.rt.db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM users.users`)[0]!.n;

  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it("when a signed request runs dry, then its handler sees its own write, answers as usual, and nothing stays", async () => {
    const http = appWith({ honour: true, maxInFlight: 2 });
    const before = await users();
    const res = await post(http, {});
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.seenInsideRequest, 1, "the write is visible inside the dry run's transaction");
    assert.equal(await users(), before, "rolled back");
    const real = await post(http, {}, false);
    assert.equal(real.status, 201);
    assert.equal(await users(), before + 1, "the same handler unsigned writes for real (the count can see a write)");
  });

  it("when more shadows arrive than SHADOW_DRY_RUN_MAX, then the next waits, and past maxWait it is 503 SHADOW.BUSY, not run", async () => {
    const http = appWith({ honour: true, maxInFlight: 1 });
    const before = await users();
    ran = 0;
    const [held, waited] = await Promise.all([post(http, { holdMs: 600 }), new Promise((r) => setTimeout(r, 100)).then(() => post(http, {}))]);
    assert.equal(held.status, 201);
    assert.equal(waited.status, 503, JSON.stringify(waited.body));
    assert.equal(waited.body.code, "SHADOW.BUSY");
    assert.equal(ran, 1, "the refused shadow's handler never ran");
    const [a, b] = await Promise.all([post(http, { holdMs: 50 }), post(http, {})]);
    assert.deepEqual([a.status, b.status], [201, 201], "within maxWait the second waits its turn");
    assert.equal(await users(), before);
  });

  it("when the server does not honour shadows (the monolith), then even a valid one is 403 and its handler never runs", async () => {
    const http = appWith({ honour: false, maxInFlight: 1 });
    ran = 0;
    const res = await post(http, {});
    assert.equal(res.status, 403);
    assert.equal(res.body.code, "SHADOW.INVALID_SIGNATURE");
    assert.equal(ran, 0);
  });
});
