import type { EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import { MAX_QUANTITY } from "../contracts/inventory.dto.js";
import type { StockItem, StockStore, StockTransaction } from "./stock.store.js";

/**
 * In-memory `StockStore` for unit tests (dependency-cruiser keeps it out of production code). `outbox` holds the
 * events written, in order. Single-threaded, so a transaction is just the work run against the same maps.
 */
export function createFakeStockStore(seed: Record<string, number> = {}) {
  const stock = new Map(Object.entries(seed));
  const reservations = new Map<string, { items: StockItem[]; status: "Reserved" | "Released" }>();
  const inbox = new Set<string>();
  const outbox: EventEnvelope[] = [];
  const known = (ids: string[]) => new Map(ids.filter((id) => stock.has(id)).map((id) => [id, stock.get(id)!]));
  const adjust = (items: StockItem[], sign: 1 | -1) => {
    for (const { productId, quantity } of items) if (stock.has(productId)) stock.set(productId, stock.get(productId)! + sign * quantity);
  };

  const tx: StockTransaction = {
    async claimReservation(event, orderId, items) {
      if (inbox.has(event.eventId)) return false;
      inbox.add(event.eventId);
      if (reservations.has(orderId)) return false;
      reservations.set(orderId, { items: structuredClone(items), status: "Reserved" });
      return true;
    },
    async claimReservations(claims) {
      const claimed = new Set<string>();
      for (const { event, orderId, items } of claims) if (await tx.claimReservation(event, orderId, items)) claimed.add(event.eventId);
      return claimed;
    },
    recordInbox: async (event) => !inbox.has(event.eventId) && !!inbox.add(event.eventId),
    lockStock: async (ids) => known(ids),
    lockReservation: async (orderId) => structuredClone(reservations.get(orderId)),
    takeStock: async (items) => adjust(items, -1),
    returnStock: async (items) => adjust(items, 1),
    async releaseReservation(orderId, opts) {
      const r = reservations.get(orderId);
      if (r) Object.assign(r, { status: "Released" }, opts?.clearItems && { items: [] });
    },
    async rejectReservations(orderIds) {
      for (const orderId of orderIds) await tx.releaseReservation(orderId, { clearItems: true });
    },
    recordEarlyRelease: async (orderId) => void reservations.set(orderId, { items: [], status: "Released" }),
    writeEvent: async (_orderId, event) => void outbox.push(event),
    writeEvents: async (events) => void outbox.push(...events.map((e) => e.event)),
  };

  const store: StockStore = {
    async applyDelta(productId, delta) {
      const current = stock.get(productId);
      if (current === undefined && delta < 0) return undefined;
      const next = (current ?? 0) + delta;
      if (next < 0 || next > MAX_QUANTITY) return undefined;
      stock.set(productId, next);
      return next;
    },
    find: async (productId) => (stock.has(productId) ? { productId, quantity: stock.get(productId)! } : undefined),
    findMany: async (ids) => known(ids),
    transaction: (work) => work(tx),
  };
  return Object.assign(store, { stock, reservations, outbox });
}
