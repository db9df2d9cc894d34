import supertest from "supertest";
import { address, createUser, eventState, type EventState, eventually, type Query, settled, stockLevels, stockProduct } from "#test-support";

export interface PlacedOrder {
  id: string;
  productId: string;
  quantity: number;
}

/** Users and stocked products on a real process, through the same fixtures the component tests use. */
export async function seedShop(baseUrl: string, users: number, products: number, stock: number) {
  const http = { http: supertest(baseUrl) };
  const userIds: string[] = [];
  for (let i = 0; i < users; i++) userIds.push((await createUser(http)).id);
  const productIds: string[] = [];
  for (let i = 0; i < products; i++) productIds.push(await stockProduct(http, stock));
  return { userIds, productIds };
}

/** POST /api/orders with one item over fetch (keep-alive): status, and the order when it was created. */
export async function placeOne(baseUrl: string, userId: string, productId: string, quantity: number): Promise<{ status: number; order?: PlacedOrder }> {
  const res = await fetch(`${baseUrl}/api/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId, shippingAddress: address, items: [{ productId, quantity, unitPrice: 3.5 }] }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as { id?: string };
  return { status: res.status, order: res.status === 201 ? { id: body.id!, productId, quantity } : undefined };
}

/** What the database says about a set of placed orders once nothing is in flight. */
export interface Ledger {
  state: EventState;
  /** 201 orders that did not end Reserved (their event was lost or never applied). */
  lost: number;
  /** Units taken from stock beyond what the Reserved orders account for (double reductions), summed over products. */
  doubleReduced: number;
  /** Products whose stock is not initial − reserved. */
  mismatches: string[];
}

/**
 * Waits (bounded) until both outboxes drained and no order is Pending, then counts against the database:
 * every order Reserved once, one reservation each, inventory's inbox saw each order-placed once, and
 * stock = initial − the reserved quantities, exactly.
 */
export async function auditOrders(q: Query, placed: PlacedOrder[], initial: number, timeoutMs: number): Promise<Ledger> {
  const ids = placed.map((p) => p.id);
  let state = await eventState(q, ids);
  await eventually(async () => settled((state = await eventState(q, ids))), "outboxes drained and no order Pending", timeoutMs).catch((e: Error) => {
    throw new Error(`${e.message}; last state ${JSON.stringify(state)}`);
  });
  const reservedRows = await q<{ id: string }>(`SELECT id::text FROM orders.orders WHERE id = ANY($1::uuid[]) AND stock_status = 'Reserved'`, ids);
  const reserved = new Set(reservedRows.map((r) => r.id));
  const expected = new Map<string, number>();
  for (const p of placed) expected.set(p.productId, (expected.get(p.productId) ?? initial) - (reserved.has(p.id) ? p.quantity : 0));
  const actual = await stockLevels(q, [...expected.keys()]);
  const mismatches: string[] = [];
  let doubleReduced = 0;
  for (const [productId, want] of expected) {
    const got = actual.get(productId);
    if (got !== want) mismatches.push(`${productId}: stock ${got}, expected ${want}`);
    if (got !== undefined && got < want) doubleReduced += want - got;
  }
  return { state, lost: placed.length - reserved.size, doubleReduced, mismatches };
}
