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

    /**
     * `stockRejected` for a batch in one transaction: the new events' orders locked once, each decided in the
     * batch's order (a second rejection of an order cancelled by the first only records it), one update for all and
     * one outbox insert of the order-cancelled events. Returns the cancelled orders with their reasons.
     */
    async stockRejectedBatch(events: EventEnvelope<StockRejectedPayload>[]): Promise<{ orderId: string; reason: string }[]> {
      const cancelled: { orderId: string; reason: string }[] = [];
      await deps.repo.onceEachInTransaction(events, async (fresh, tx) => {
        const orders = await tx.lockMany([...new Set(fresh.map((e) => (e.payload as StockRejectedPayload).orderId))]);
        const changes = new Map<string, { orderId: string; at: string; cancel?: { reason: string } }>();
        const written: { orderId: string; event: EventEnvelope }[] = [];
        for (const event of fresh as EventEnvelope<StockRejectedPayload>[]) {
          const { orderId } = event.payload;
          const order = orders.get(orderId);
          if (!order) continue;
          const at = new Date().toISOString();
          if (order.status !== "Created") {
            if (!changes.has(orderId)) changes.set(orderId, { orderId, at });
            continue;
          }
          const reason = rejectionReason(event.payload);
          order.status = "Cancelled"; // what the next event of this order in the batch sees
          changes.set(orderId, { orderId, at, cancel: { reason } });
          const payload: OrderStatusChangedPayload = { orderId, userId: order.userId, status: "Cancelled", occurredAt: at, reason };
          written.push({ orderId, event: { ...createEnvelope(ORDER_CANCELLED, payload, event.eventId), correlationId: event.correlationId } });
          cancelled.push({ orderId, reason });
        }
        if (changes.size) await tx.rejectStockMany([...changes.values()]);
        if (written.length) await tx.writeEvents(written);
      });
      if (cancelled.length) deps.onCommitted();
      return cancelled;
    },
  };
}

export type StockResults = ReturnType<typeof createStockResults>;
