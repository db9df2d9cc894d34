import type { EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import type { OrderDto, OrderStatus, StockStatus } from "../contracts/order.dto.js";

export interface NewOrder {
  order: OrderDto;
  event: EventEnvelope;
  idempotency?: { key: string; requestHash: string };
}

export interface OrderTransition {
  id: string;
  from: OrderStatus;
  to: OrderStatus;
  at: string;
  event: EventEnvelope;
  reason?: string;
  /** The stock status to store with the move (a cancel: Released); unchanged when omitted. */
  stockStatus?: StockStatus;
}

export interface OrderQuery {
  userId?: string;
  limit: number;
  offset: number;
}

/**
 * The orders module's storage port, owned by the domain: implemented by the Prisma repository
 * (data-access/order.repository.ts) and, for unit tests, by the in-memory `createFakeOrderStore`.
 * Every state change writes its event to the module's outbox atomically with the change.
 */
export interface OrderStore {
  /** Stores the order, its event and the idempotency key, all or nothing; false when the key already exists. */
  insert(order: NewOrder): Promise<boolean>;
  findIdempotencyKey(key: string): Promise<{ requestHash: string; orderId: string } | undefined>;
  findById(id: string): Promise<OrderDto | undefined>;
  /** Newest first (createdAt descending, then id). */
  list(query: OrderQuery): Promise<OrderDto[]>;
  /**
   * Moves the order from `from` to `to` with its event, only if it is still in `from` (and, for Shipped, its
   * stock is reserved); false when that no longer holds (a concurrent change).
   */
  transition(change: OrderTransition): Promise<boolean>;
  /** Records `event` in the inbox and marks a Pending order's stock Reserved, atomically; a duplicate changes nothing. */
  markStockReserved(event: EventEnvelope, orderId: string): Promise<void>;
  /** `markStockReserved` for a batch, in one statement (one multi-row inbox insert, one update): atomic for all. */
  markStockReservedMany(results: { event: EventEnvelope; orderId: string }[]): Promise<void>;
  /** Runs `work` in one transaction after recording `event` in the inbox; false (and `work` skipped) for a duplicate. */
  onceInTransaction(event: EventEnvelope, work: (tx: OrderTransaction) => Promise<void>): Promise<boolean>;
  /**
   * The batch form: records `events` in the inbox (one multi-row insert) and runs `work` with those not seen before
   * (in the given order, each eventId once), all in one transaction.
   */
  onceEachInTransaction(events: EventEnvelope[], work: (fresh: EventEnvelope[], tx: OrderTransaction) => Promise<void>): Promise<void>;
}

/** What a use case may do inside `OrderStore.onceInTransaction`. */
export interface OrderTransaction {
  /** The order's owner and status, locked until the transaction ends; undefined when there is no such order. */
  lock(orderId: string): Promise<{ userId: string; status: OrderStatus } | undefined>;
  /** Sets stockStatus Rejected and, when `cancel` is given, status Cancelled with its reason. */
  rejectStock(orderId: string, at: string, cancel?: { reason: string }): Promise<void>;
  /** Writes `event` to the outbox, keyed by `orderId`. */
  writeEvent(orderId: string, event: EventEnvelope): Promise<void>;
  /** `lock` for several orders in one statement (locked in id order, so concurrent batches cannot deadlock). */
  lockMany(orderIds: string[]): Promise<Map<string, { userId: string; status: OrderStatus }>>;
  /** `rejectStock` for several orders in one statement (`orderIds` unique). */
  rejectStockMany(changes: { orderId: string; at: string; cancel?: { reason: string } }[]): Promise<void>;
  /** Writes the events to the outbox in the given order (one multi-row insert), each keyed by its orderId. */
  writeEvents(events: { orderId: string; event: EventEnvelope }[]): Promise<void>;
}
