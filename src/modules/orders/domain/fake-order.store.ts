import type { EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import type { OrderDto } from "../contracts/order.dto.js";
import type { OrderStore, OrderTransaction } from "./order.store.js";

/**
 * In-memory `OrderStore` for unit tests (dependency-cruiser keeps it out of production code). `outbox` holds the
 * events written, in order. Single-threaded, so a transaction is just the work run against the same maps.
 */
export function createFakeOrderStore(seed: OrderDto[] = []) {
  const orders = new Map(seed.map((o) => [o.id, structuredClone(o)]));
  const idempotencyKeys = new Map<string, { requestHash: string; orderId: string }>();
  const outbox: EventEnvelope[] = [];
  const inbox = new Set<string>();
  const copy = (o: OrderDto | undefined) => o && structuredClone(o);
  const recordInbox = (event: EventEnvelope) => !inbox.has(event.eventId) && !!inbox.add(event.eventId);

  const tx: OrderTransaction = {
    lock: async (orderId) => {
      const o = orders.get(orderId);
      return o && { userId: o.userId, status: o.status };
    },
    async rejectStock(orderId, at, cancel) {
      const o = orders.get(orderId);
      if (!o) return;
      Object.assign(o, { stockStatus: "Rejected", updatedAt: at }, cancel && { status: "Cancelled", cancelReason: cancel.reason });
    },
    writeEvent: async (_orderId, event) => void outbox.push(event),
    lockMany: async (orderIds) => {
      const locked = new Map<string, { userId: string; status: OrderDto["status"] }>();
      for (const id of orderIds) {
        const o = await tx.lock(id);
        if (o) locked.set(id, o);
      }
      return locked;
    },
    async rejectStockMany(changes) {
      for (const { orderId, at, cancel } of changes) await tx.rejectStock(orderId, at, cancel);
    },
    writeEvents: async (events) => void outbox.push(...events.map((e) => e.event)),
  };

  const store: OrderStore = {
    async insert({ order, event, idempotency }) {
      if (idempotency && idempotencyKeys.has(idempotency.key)) return false;
      orders.set(order.id, structuredClone(order));
      outbox.push(event);
      if (idempotency) idempotencyKeys.set(idempotency.key, { requestHash: idempotency.requestHash, orderId: order.id });
      return true;
    },
    findIdempotencyKey: async (key) => idempotencyKeys.get(key),
    findById: async (id) => copy(orders.get(id)),
    list: async ({ userId, limit, offset }) =>
      [...orders.values()]
        .filter((o) => !userId || o.userId === userId)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
        .slice(offset, offset + limit)
        .map((o) => structuredClone(o)),
    async transition({ id, from, to, at, event, reason, stockStatus }) {
      const o = orders.get(id);
      if (!o || o.status !== from || (to === "Shipped" && o.stockStatus !== "Reserved")) return false;
      Object.assign(o, { status: to, updatedAt: at }, reason && { cancelReason: reason }, stockStatus && { stockStatus });
      outbox.push(event);
      return true;
    },
    async markStockReserved(event, orderId) {
      const o = orders.get(orderId);
      if (recordInbox(event) && o?.stockStatus === "Pending") Object.assign(o, { stockStatus: "Reserved", updatedAt: new Date().toISOString() });
    },
    async markStockReservedMany(results) {
      for (const { event, orderId } of results) await store.markStockReserved(event, orderId);
    },
    async onceEachInTransaction(events, work) {
      await work(events.filter(recordInbox), tx);
    },
    async onceInTransaction(event, work) {
      if (!recordInbox(event)) return false;
      await work(tx);
      return true;
    },
  };
  return Object.assign(store, { orders, outbox });
}

export type FakeOrderStore = ReturnType<typeof createFakeOrderStore>;
