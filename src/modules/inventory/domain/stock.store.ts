import type { EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import type { StockLevel } from "../contracts/inventory.dto.js";

export interface StockItem {
  productId: string;
  quantity: number;
}

/**
 * The inventory module's storage port, owned by the domain: implemented by the Prisma repository
 * (data-access/stock.repository.ts) and, for unit tests, by the in-memory `createFakeStockStore`.
 */
export interface StockStore {
  /** Applies a delta atomically (creating the product for a delta ≥ 0); undefined when the result would leave 0..MAX. */
  applyDelta(productId: string, delta: number): Promise<number | undefined>;
  find(productId: string): Promise<StockLevel | undefined>;
  /** Available quantity per known product among `productIds`. */
  findMany(productIds: string[]): Promise<Map<string, number>>;
  /** Runs `work` in one transaction: all it wrote commits, or none. */
  transaction<T>(work: (tx: StockTransaction) => Promise<T>): Promise<T>;
}

/** What a use case may do inside `StockStore.transaction`. */
export interface StockTransaction {
  /**
   * Records `event` in the inbox and claims the order's reservation (status Reserved, `items`) in one step; false
   * (nothing written) when the event was seen before or the order already has a reservation row — reserved before,
   * or cancelled before it was placed.
   */
  claimReservation(event: EventEnvelope, orderId: string, items: StockItem[]): Promise<boolean>;
  /**
   * The batch form of `claimReservation`, in one statement: every event recorded in the inbox, and the eventIds that
   * claimed their order (new event, no reservation row before; of several new events of one order, the first).
   * `claims` must not repeat an eventId.
   */
  claimReservations(claims: { event: EventEnvelope; orderId: string; items: StockItem[] }[]): Promise<Set<string>>;
  /** Records `event` in the inbox; false when it was seen before. */
  recordInbox(event: EventEnvelope): Promise<boolean>;
  /** Available quantity per known product, rows locked in a fixed order (concurrent reservations cannot deadlock). */
  lockStock(productIds: string[]): Promise<Map<string, number>>;
  /** The order's reservation, locked; undefined when there is none. */
  lockReservation(orderId: string): Promise<{ items: StockItem[]; status: string } | undefined>;
  /** Takes each item's quantity; `items` must not repeat a productId (one statement). */
  takeStock(items: StockItem[]): Promise<void>;
  returnStock(items: StockItem[]): Promise<void>;
  /** Marks the reservation Released; `clearItems` when it never held stock. */
  releaseReservation(orderId: string, opts?: { clearItems: boolean }): Promise<void>;
  /** Marks the reservations of `orderIds` Released with no items (rejected: they never held stock), in one statement. */
  rejectReservations(orderIds: string[]): Promise<void>;
  /** Remembers a cancel that arrived before the order's placement: a Released reservation without items. */
  recordEarlyRelease(orderId: string): Promise<void>;
  /** Writes `event` to the outbox, keyed by `orderId`. */
  writeEvent(orderId: string, event: EventEnvelope): Promise<void>;
  /** Writes the events to the outbox in the given order (one multi-row insert), each keyed by its orderId. */
  writeEvents(events: { orderId: string; event: EventEnvelope }[]): Promise<void>;
}
