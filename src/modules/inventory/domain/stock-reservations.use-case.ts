import { createEnvelope, type EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import { STOCK_REJECTED, STOCK_RESERVED, type StockRejectedPayload, type StockReservedPayload } from "../contracts/stock-events.contract.js";
import { findShortages } from "./find-shortages.js";
import type { StockItem, StockStore } from "./stock.store.js";

export type ReservationOutcome = "reserved" | "rejected" | "duplicate";

type OrderPlaced = EventEnvelope<{ orderId: string; items: StockItem[] }>;

/** Sums quantities per product (a multi-row UPDATE applies one row per product). */
function perProduct(items: StockItem[]): StockItem[] {
  const sums = new Map<string, number>();
  for (const { productId, quantity } of items) sums.set(productId, (sums.get(productId) ?? 0) + quantity);
  return [...sums].map(([productId, quantity]) => ({ productId, quantity }));
}

/** Which events are the first of their eventId (a later copy in the same batch is a duplicate). */
function firstOccurrences(events: OrderPlaced[]): boolean[] {
  const eventIds = new Set<string>();
  return events.map(({ eventId }) => !eventIds.has(eventId) && !!eventIds.add(eventId));
}

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

    /**
     * `reserveForOrder` for a batch, set-based in ONE transaction: one inbox + reservation claim for all, the stock
     * rows locked once (by product id), each order decided in the batch's order (= partition order) against what the
     * orders before it left, all or nothing per order; then one stock update, one release of the rejected claims and
     * one outbox insert. Outcomes in the events' order. A failure rolls back the whole batch (nothing half-done).
     * Every new eventId is recorded in the inbox; a second placement of an order (new eventId) is a duplicate.
     */
    reserveBatch: (events: OrderPlaced[]): Promise<ReservationOutcome[]> =>
      deps.repo.transaction(async (tx) => {
        const kept = firstOccurrences(events);
        const candidates = events.filter((_, i) => kept[i]);
        const outcomes: ReservationOutcome[] = events.map(() => "duplicate"); // by index: a redelivered event may be the same object
        const claimed = candidates.length
          ? await tx.claimReservations(candidates.map((e) => ({ event: e, orderId: e.payload.orderId, items: e.payload.items })))
          : new Set<string>();
        const claimedAt = events.flatMap((e, i) => (kept[i] && claimed.has(e.eventId) ? [i] : []));
        const claimedEvents = claimedAt.map((i) => events[i]!);
        const productIds = [...new Set(claimedEvents.flatMap((e) => e.payload.items.map((i) => i.productId)))];
        const available = productIds.length ? await tx.lockStock(productIds) : new Map<string, number>();

        const taken: StockItem[] = [];
        const rejected: string[] = [];
        const written: { orderId: string; event: EventEnvelope }[] = [];
        const answer = (cause: OrderPlaced, type: string, payload: StockReservedPayload | StockRejectedPayload) =>
          // correlationId set explicitly: a batch has no single request context to take it from.
          written.push({ orderId: cause.payload.orderId, event: { ...createEnvelope(type, payload, cause.eventId), correlationId: cause.correlationId } });
        for (const i of claimedAt) {
          const event = events[i]!;
          const { orderId, items } = event.payload;
          const shortages = findShortages(perProduct(items), available);
          if (shortages.length) {
            rejected.push(orderId);
            answer(event, STOCK_REJECTED, { orderId, reason: "insufficient stock", shortages });
            outcomes[i] = "rejected";
            continue;
          }
          for (const { productId, quantity } of items) available.set(productId, available.get(productId)! - quantity);
          taken.push(...items);
          answer(event, STOCK_RESERVED, { orderId, items });
          outcomes[i] = "reserved";
        }
        if (taken.length) await tx.takeStock(perProduct(taken));
        if (rejected.length) await tx.rejectReservations(rejected);
        if (written.length) await tx.writeEvents(written);
        return outcomes;
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
