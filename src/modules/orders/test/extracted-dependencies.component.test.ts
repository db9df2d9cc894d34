import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { createTestApp, createUser, freePort, placeOrder, stockProduct, type TestApp } from "#test-support";
import { EXTRACTED_HEADER } from "../../../platform/http/extracted-modules.js";

/**
 * Orders with USERS_SERVICE_URL / INVENTORY_SERVICE_URL set: a service is asked only for requests the proxy routes
 * to it too (X-Strangler-Extracted, set as the proxy sets it), and the in-process modules (same code, same data)
 * answer otherwise or whenever a service gives no domain answer. The "services" here are plain node:http servers on
 * 127.0.0.1 that answer as a broken or misaddressed service would, and count calls.
 */
type Answer = (req: IncomingMessage, body: string) => { status: number; body: unknown };

async function fakeService(answer: Answer): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      calls.push(`${req.method} ${req.url?.split("?")[0]}`);
      const a = answer(req, body);
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function withServices(answer: Answer, run: (t: TestApp, calls: string[]) => Promise<void>): Promise<void> {
  const service = await fakeService(answer);
  const t = await createTestApp({ USERS_SERVICE_URL: service.url, INVENTORY_SERVICE_URL: service.url, SERVICE_TIMEOUT_MS: "500" });
  try {
    await run(t, service.calls);
  } finally {
    await t.close();
    await service.close();
  }
}

/** An order as the proxy forwards it when both users and inventory are extracted for its user. */
const placeViaProxy = (t: TestApp, userId: string, lines: { productId: string; quantity: number; unitPrice: number }[], extracted = "users,inventory") =>
  placeOrder(t, userId, lines).set(EXTRACTED_HEADER, extracted);

const threeLines = async (t: TestApp) => {
  const lines = [];
  for (let i = 1; i <= 3; i++) lines.push({ productId: await stockProduct(t, 100), quantity: i, unitPrice: 1 });
  return lines;
};

describe("orders with extracted users and inventory services", () => {
  it("when both services are unreachable, then orders are still placed, in-process", async () => {
    const closedPort = await freePort();
    const t = await createTestApp({ USERS_SERVICE_URL: `http://127.0.0.1:${closedPort}`, INVENTORY_SERVICE_URL: `http://127.0.0.1:${closedPort}`, SERVICE_TIMEOUT_MS: "500" });
    try {
      const user = await createUser(t);
      const res = await placeViaProxy(t, user.id, await threeLines(t));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal((await placeViaProxy(t, randomUUID(), await threeLines(t))).body.code, "ORDERS.USER_NOT_FOUND");
    } finally {
      await t.close();
    }
  });

  it("when a service URL answers 404s that are not the contract (a wrong URL), then they are not read as unknown user or product, and an order makes one call to each", async () => {
    await withServices(() => ({ status: 404, body: { message: "Cannot find that" } }), async (t, calls) => {
      const user = await createUser(t);
      const res = await placeViaProxy(t, user.id, await threeLines(t));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(calls.sort(), ["GET /api/users/validate", "POST /api/inventory/check"]);
    });
  });

  it("when the proxy does not route the user to a service (its flag off), then no call reaches it, however broken", async () => {
    await withServices(() => ({ status: 500, body: { code: "INTERNAL" } }), async (t, calls) => {
      const user = await createUser(t);
      assert.equal((await placeOrder(t, user.id, await threeLines(t))).status, 201, "no proxy header: nothing extracted");
      assert.equal((await placeViaProxy(t, user.id, await threeLines(t), "")).status, 201, "the proxy says none");
      assert.equal((await placeViaProxy(t, user.id, await threeLines(t), "users")).status, 201, "only users");
      assert.deepEqual(calls, ["GET /api/users/validate"]);
    });
  });

  it("when a service keeps failing, then its breaker opens and calls stop reaching it, while every order is placed", async () => {
    await withServices(() => ({ status: 500, body: { code: "INTERNAL" } }), async (t, calls) => {
      const user = await createUser(t);
      const lines = await threeLines(t);
      for (let i = 0; i < 12; i++) assert.equal((await placeViaProxy(t, user.id, lines.map((l) => ({ ...l, quantity: 1 })))).status, 201);
      const checks = calls.filter((c) => c === "POST /api/inventory/check").length;
      assert.ok(checks >= 5 && checks < 12, `breaker opened after the volume threshold: ${checks} of 12 calls reached the service`);
    });
  });

  it("when the services give domain answers, then those answers decide", async () => {
    const answer: Answer = (req, body) => {
      if (req.url?.startsWith("/api/users/validate")) return { status: 404, body: { code: "USERS.NOT_FOUND", message: "user not found" } };
      const { items } = JSON.parse(body) as { items: { productId: string; quantity: number }[] };
      return { status: 200, body: { items: items.map((i) => ({ productId: i.productId, requested: i.quantity, available: 0, inStock: false, known: true })) } };
    };
    await withServices(answer, async (t) => {
      const user = await createUser(t); // exists in-process, but the users service says it does not
      assert.equal((await placeViaProxy(t, user.id, await threeLines(t))).body.code, "ORDERS.USER_NOT_FOUND");
    });
    await withServices((req, body) => (req.url?.startsWith("/api/users") ? { status: 200, body: { valid: true } } : answer(req, body)), async (t) => {
      const res = await placeViaProxy(t, randomUUID(), await threeLines(t)); // stocked in-process, out of stock per the service
      assert.equal(res.body.code, "ORDERS.INSUFFICIENT_STOCK", JSON.stringify(res.body));
    });
  });
});
