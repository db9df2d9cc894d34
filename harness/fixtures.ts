import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { eventually } from "./wait.js";

/** What the fixtures need: an HTTP client of a monolith (in-process, or a real process via supertest(url)). */
type App = { readonly http: ReturnType<typeof supertest> };

export const address = { street: "1 Main St", city: "Springfield", state: "IL", country: "US", zipCode: "62701" };

export async function createUser(t: App, overrides: Record<string, unknown> = {}) {
  const suffix = randomUUID().slice(0, 8);
  const res = await t.http.post("/api/users").send({ username: `user_${suffix}`, email: `u${suffix}@example.com`, firstName: "Ada", lastName: "Lovelace", ...overrides });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; username: string; email: string };
}

export async function stockProduct(t: App, quantity: number, productId = randomUUID()) {
  const res = await t.http.post("/api/inventory/update").send({ productId, quantity });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return productId;
}

export function placeOrder(t: App, userId: string, items: { productId: string; quantity: number; unitPrice: number }[]) {
  return t.http.post("/api/orders").send({ userId, shippingAddress: address, items });
}

export async function reservedOrder(t: App, qty = 1) {
  const user = await createUser(t);
  const productId = await stockProduct(t, qty + 5);
  const res = await placeOrder(t, user.id, [{ productId, quantity: qty, unitPrice: 10 }]);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  await eventually(async () => (await t.http.get(`/api/orders/${id}`)).body.stockStatus === "Reserved", `order ${id} reserved`);
  return { id, userId: user.id, productId };
}
