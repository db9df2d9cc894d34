import { createEnvelope, type EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import { STOCK_REJECTED, STOCK_RESERVED, type StockRejectedPayload, type StockReservedPayload } from "../contracts/stock-events.contract.js";
import { findShortages } from "./find-shortages.js";
import type { StockItem, StockStore } from "./stock.store.js";

export type ReservationOutcome = "reserved" | "rejected" | "duplicate";

/** Inventory's side of an order: reserve its stock when placed, give it back when cancelled. */
export function createStockReservations(deps: { repo: StockStore }) {
  return {
    /**
     * Reserves every item of an order or none, once per order: inbox (per eventId) and the reservation row
     * (per orderId) make redelivery and replay harmless. Emits stock-reserved or stock-rejected in the same transaction.
     */
    reserveForOrder: (event: EventEnvelope<{ orderId: string; items: StockItem[] }>): Promise<ReservationOutcome> =>
      deps.repo.transaction(async (tx) => {
        const { orderId, items } = event.payload;
        if (!(await tx.claimReservation(event, orderId, items))) return "duplicate";
        const shortages = findShortages(items, await tx.lockStock(items.map((i) => i.productId)));
        if (shortages.length) {
          await tx.releaseReservation(orderId, { clearItems: true });
          const payload: StockRejectedPayload = { orderId, reason: "insufficient stock", shortages };
          await tx.writeEvent(orderId, createEnvelope(STOCK_REJECTED, payload, event.eventId));
          return "rejected";
        }
        await tx.takeStock(items);
        const payload: StockReservedPayload = { orderId, items };
        await tx.writeEvent(orderId, createEnvelope(STOCK_RESERVED, payload, event.eventId));
        return "reserved";
      }),

    /** Gives a cancelled order's reserved stock back (once); remembers a cancel that arrives before the placement. */
    releaseForOrder: (event: EventEnvelope<{ orderId: string }>): Promise<"released" | "nothing" | "duplicate"> =>
      deps.repo.transaction(async (tx) => {
        if (!(await tx.recordInbox(event))) return "duplicate";
        const { orderId } = event.payload;
        const reservation = await tx.lockReservation(orderId);
        if (!reservation) {
          await tx.recordEarlyRelease(orderId);
          return "nothing";
        }
        if (reservation.status !== "Reserved") return "nothing";
        await tx.returnStock(reservation.items);
        await tx.releaseReservation(orderId);
        return "released";
      }),
  };
}

export type StockReservations = ReturnType<typeof createStockReservations>;
