import { createEnvelope } from "../../../platform/messaging/event-envelope.js";
import type { OrderDto, OrderStatus } from "../contracts/order.dto.js";
import { ORDER_CANCELLED, ORDER_DELIVERED, ORDER_SHIPPED, type OrderStatusChangedPayload } from "../contracts/order-events.contract.js";
import type { OrderStore } from "./order.store.js";
import { allowedNext, canTransition, stockStatusAfter } from "./order-status.js";
import { invalidTransition, orderNotFound, stockNotReserved } from "./orders.errors.js";

export const STATUS_TOPIC: Record<Exclude<OrderStatus, "Created">, string> = {
  Shipped: ORDER_SHIPPED,
  Delivered: ORDER_DELIVERED,
  Cancelled: ORDER_CANCELLED,
};

/** Applies the state machine and writes the status event in the same transaction as the change. */
export function createChangeStatus(deps: { repo: OrderStore; onCommitted: () => void }) {
  return async function changeStatus(id: string, to: Exclude<OrderStatus, "Created">): Promise<OrderDto> {
    // Optimistic: re-evaluated when a concurrent change got there first (bounded).
    for (let attempt = 0; attempt < 3; attempt++) {
      const order = await deps.repo.findById(id);
      if (!order) throw orderNotFound(id);
      if (!canTransition(order.status, to)) throw invalidTransition(order.status, to, allowedNext(order.status));
      if (to === "Shipped" && order.stockStatus !== "Reserved") throw stockNotReserved(id, order.stockStatus);
      const at = new Date().toISOString();
      const payload: OrderStatusChangedPayload = { orderId: id, userId: order.userId, status: to, occurredAt: at };
      const event = createEnvelope(STATUS_TOPIC[to], payload);
      const stockStatus = stockStatusAfter(to, order.stockStatus);
      if (await deps.repo.transition({ id, from: order.status, to, at, event, stockStatus })) {
        deps.onCommitted();
        return { ...order, status: to, stockStatus, updatedAt: at };
      }
    }
    const order = await deps.repo.findById(id);
    if (!order) throw orderNotFound(id);
    throw invalidTransition(order.status, to, allowedNext(order.status));
  };
}
