import { randomUUID } from "node:crypto";
import { createEnvelope } from "../../../platform/messaging/event-envelope.js";
import type { InventoryApi } from "../../inventory/contracts/inventory.dto.js";
import type { UsersApi } from "../../users/contracts/user.dto.js";
import type { OrderDto, PlaceOrderInput } from "../contracts/order.dto.js";
import { ORDER_PLACED, type OrderPlacedPayload } from "../contracts/order-events.contract.js";
import type { OrderStore } from "./order.store.js";
import { mergeItems, requestHash, totalCents, fromCents } from "./order-lines.js";
import { idempotencyKeyReused, insufficientStock, orderNotFound, userNotFound } from "./orders.errors.js";

export interface PlaceOrderResult {
  order: OrderDto;
  /** True when an Idempotency-Key replay returned the order created the first time. */
  replayed: boolean;
}

/**
 * Validates the user and checks stock through the users/inventory facades, then stores the order with its
 * order-placed event in one transaction. Stock is reserved asynchronously by inventory's consumer (the
 * authoritative, race-free step); this check only refuses orders that cannot possibly be served.
 */
export function createPlaceOrder(deps: { repo: OrderStore; users: UsersApi; inventory: InventoryApi; onCommitted: () => void }) {
  async function replay(key: string, hash: string): Promise<PlaceOrderResult | undefined> {
    const existing = await deps.repo.findIdempotencyKey(key);
    if (!existing) return undefined;
    if (existing.requestHash !== hash) throw idempotencyKeyReused();
    const order = await deps.repo.findById(existing.orderId);
    if (!order) throw orderNotFound(existing.orderId);
    return { order, replayed: true };
  }

  return async function placeOrder(raw: PlaceOrderInput, idempotencyKey?: string): Promise<PlaceOrderResult> {
    const input: PlaceOrderInput = { ...raw, items: mergeItems(raw.items) };
    const hash = requestHash(input);
    if (idempotencyKey) {
      const previous = await replay(idempotencyKey, hash);
      if (previous) return previous;
    }
    const [userExists, checks] = await Promise.all([deps.users.userExists(input.userId), deps.inventory.checkStock(input.items)]);
    if (!userExists) throw userNotFound(input.userId);
    const short = checks.filter((c) => !c.inStock);
    if (short.length) throw insufficientStock(short.map(({ productId, requested, available }) => ({ productId, requested, available })));

    const now = new Date().toISOString();
    const total = totalCents(input.items);
    const order: OrderDto = {
      id: randomUUID(),
      userId: input.userId,
      status: "Created",
      stockStatus: "Pending",
      shippingAddress: input.shippingAddress,
      items: input.items,
      totalAmount: fromCents(total),
      createdAt: now,
      updatedAt: now,
    };
    const payload: OrderPlacedPayload = {
      orderId: order.id,
      userId: order.userId,
      items: order.items.map((i) => ({ productId: i.productId, quantity: i.quantity, price: i.unitPrice })),
      totalPrice: order.totalAmount,
    };
    const event = createEnvelope(ORDER_PLACED, payload);
    const inserted = await deps.repo.insert({ order, event, idempotency: idempotencyKey ? { key: idempotencyKey, requestHash: hash } : undefined });
    if (!inserted) {
      // A concurrent request with the same key won the race: answer like a replay.
      const previous = await replay(idempotencyKey!, hash);
      if (previous) return previous;
    }
    deps.onCommitted();
    return { order, replayed: false };
  };
}
