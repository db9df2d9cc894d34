import { createEnvelope, type EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import type { StockRejectedPayload, StockReservedPayload } from "../../inventory/contracts/stock-events.contract.js";
import { ORDER_CANCELLED, type OrderStatusChangedPayload } from "../contracts/order-events.contract.js";
import type { OrderStore } from "./order.store.js";

/** The cancel reason an order keeps when its stock was rejected (orders.cancel_reason holds 1000 characters). */
export const rejectionReason = (p: StockRejectedPayload) =>
  `${p.reason}: ${p.shortages.map((s) => `${s.productId} requested ${s.requested}, available ${s.available}`).join("; ")}`.slice(0, 1000);

/** Inventory's answer to order-placed: the stock is reserved, or the order is cancelled with a reason. */
export function createStockResults(deps: { repo: OrderStore; onCommitted: () => void }) {
  return {
    stockReserved: (event: EventEnvelope<StockReservedPayload>): Promise<void> => deps.repo.markStockReserved(event, event.payload.orderId),
    /** A batch of stock-reserved in one statement (same rules as `stockReserved`; duplicates change nothing). */
    stockReservedBatch: (events: EventEnvelope<StockReservedPayload>[]): Promise<void> =>
      deps.repo.markStockReservedMany(events.map((event) => ({ event, orderId: event.payload.orderId }))),

    /**
     * Cancels a Created order whose stock was rejected, with order-cancelled caused by `event`; an order already
     * past Created only records the rejection. Returns the reason when the order was cancelled now.
     */
    async stockRejected(event: EventEnvelope<StockRejectedPayload>): Promise<string | undefined> {
      const { orderId } = event.payload;
      const reason = rejectionReason(event.payload);
      let cancelled = false;
      await deps.repo.onceInTransaction(event, async (tx) => {
        const order = await tx.lock(orderId);
        if (!order) return;
        const at = new Date().toISOString();
        if (order.status !== "Created") return tx.rejectStock(orderId, at);
        await tx.rejectStock(orderId, at, { reason });
        const payload: OrderStatusChangedPayload = { orderId, userId: order.userId, status: "Cancelled", occurredAt: at, reason };
        await tx.writeEvent(orderId, createEnvelope(ORDER_CANCELLED, payload, event.eventId));
        cancelled = true;
      });
      if (!cancelled) return undefined;
      deps.onCommitted();
      return reason;
    },
  };
}

export type StockResults = ReturnType<typeof createStockResults>;
