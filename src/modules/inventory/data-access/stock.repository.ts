import type { Database, Prisma } from "../../../platform/db/database.js";
import { recordInbox, writeOutbox, writeOutboxMany } from "../../../platform/outbox/outbox.js";
import { MAX_QUANTITY, type StockLevel } from "../contracts/inventory.dto.js";
import type { StockItem, StockStore, StockTransaction } from "../domain/stock.store.js";

/** Adds (`sign` 1) or takes (-1) each item's quantity, in one statement. */
async function adjustStock(tx: Prisma.TransactionClient, items: StockItem[], sign: 1 | -1): Promise<void> {
  await tx.$executeRaw`
    UPDATE inventory.stock s SET quantity = s.quantity + r.qty, updated_at = now()
    FROM unnest(${items.map((i) => i.productId)}::uuid[], ${items.map((i) => sign * i.quantity)}::int[]) AS r(pid, qty)
    WHERE s.product_id = r.pid`;
}

/** The transaction half of the port over a Prisma transaction client. */
const transactionOn = (tx: Prisma.TransactionClient): StockTransaction => ({
  async claimReservation(event, orderId, items) {
    // Inbox (per eventId) and reservation claim (per orderId) in one round trip: nothing is claimed for an
    // event seen before, and an order already reserved — or cancelled before it was placed — is not claimed again.
    const claimed = await tx.$executeRaw`
      WITH seen AS (
        INSERT INTO inventory.inbox (event_id, type) VALUES (${event.eventId}::uuid, ${event.type})
        ON CONFLICT (event_id) DO NOTHING RETURNING 1)
      INSERT INTO inventory.reservations (order_id, items, status)
      SELECT ${orderId}::uuid, ${JSON.stringify(items)}::jsonb, 'Reserved' WHERE EXISTS (SELECT 1 FROM seen)
      ON CONFLICT (order_id) DO NOTHING`;
    return claimed > 0;
  },
  async claimReservations(claims) {
    // The batch form of claimReservation: one multi-row inbox insert; of the new events, the first per order (batch
    // order) claims its reservation unless the order has one. Answers the eventIds that claimed.
    const rows = await tx.$queryRaw<{ event_id: string }[]>`
      WITH input AS (
        SELECT * FROM unnest(${claims.map((c) => c.event.eventId)}::uuid[], ${claims.map((c) => c.event.type)}::text[],
                             ${claims.map((c) => c.orderId)}::uuid[], ${claims.map((c) => JSON.stringify(c.items))}::jsonb[])
               WITH ORDINALITY AS t(event_id, type, order_id, items, n)),
      seen AS (
        INSERT INTO inventory.inbox (event_id, type) SELECT event_id, type FROM input
        ON CONFLICT (event_id) DO NOTHING RETURNING event_id),
      first_new AS (
        SELECT DISTINCT ON (input.order_id) input.event_id, input.order_id, input.items
        FROM input JOIN seen USING (event_id) ORDER BY input.order_id, input.n),
      claimed AS (
        INSERT INTO inventory.reservations (order_id, items, status) SELECT order_id, items, 'Reserved' FROM first_new
        ON CONFLICT (order_id) DO NOTHING RETURNING order_id)
      SELECT first_new.event_id::text FROM first_new JOIN claimed USING (order_id)`;
    return new Set(rows.map((r) => r.event_id));
  },
  recordInbox: (event) => recordInbox(tx, "inventory", event),
  async lockStock(productIds) {
    // Lock the rows in a fixed order so concurrent reservations cannot deadlock.
    const rows = await tx.$queryRaw<StockLevel[]>`
      SELECT product_id::text AS "productId", quantity FROM inventory.stock
      WHERE product_id = ANY(${productIds}::uuid[]) ORDER BY product_id FOR UPDATE`;
    return new Map(rows.map((r) => [r.productId, r.quantity]));
  },
  async lockReservation(orderId) {
    const rows = await tx.$queryRaw<{ items: StockItem[]; status: string }[]>`
      SELECT items, status FROM inventory.reservations WHERE order_id = ${orderId}::uuid FOR UPDATE`;
    return rows[0];
  },
  takeStock: (items) => adjustStock(tx, items, -1),
  returnStock: (items) => adjustStock(tx, items, 1),
  async releaseReservation(orderId, opts) {
    if (opts?.clearItems) await tx.$executeRaw`UPDATE inventory.reservations SET status = 'Released', items = '[]'::jsonb WHERE order_id = ${orderId}::uuid`;
    else await tx.$executeRaw`UPDATE inventory.reservations SET status = 'Released' WHERE order_id = ${orderId}::uuid`;
  },
  async rejectReservations(orderIds) {
    await tx.$executeRaw`UPDATE inventory.reservations SET status = 'Released', items = '[]'::jsonb WHERE order_id = ANY(${orderIds}::uuid[])`;
  },
  async recordEarlyRelease(orderId) {
    await tx.$executeRaw`INSERT INTO inventory.reservations (order_id, items, status) VALUES (${orderId}::uuid, '[]'::jsonb, 'Released')`;
  },
  writeEvent: (orderId, event) => writeOutbox(tx, "inventory", event.type, orderId, event),
  writeEvents: (events) => writeOutboxMany(tx, "inventory", events.map((e) => ({ key: e.orderId, event: e.event }))),
});

export function createStockRepository(db: Database): StockStore {
  const prisma = db.prisma;
  return {
    async applyDelta(productId, delta) {
      const rows =
        delta >= 0
          ? await prisma.$queryRaw<{ quantity: number }[]>`
              INSERT INTO inventory.stock (product_id, quantity) VALUES (${productId}::uuid, ${delta})
              ON CONFLICT (product_id) DO UPDATE SET quantity = stock.quantity + EXCLUDED.quantity, updated_at = now()
                WHERE stock.quantity::bigint + EXCLUDED.quantity <= ${MAX_QUANTITY}
              RETURNING quantity`
          : await prisma.$queryRaw<{ quantity: number }[]>`
              UPDATE inventory.stock SET quantity = quantity + ${delta}, updated_at = now()
              WHERE product_id = ${productId}::uuid AND quantity + ${delta} >= 0
              RETURNING quantity`;
      return rows[0]?.quantity;
    },
    async find(productId) {
      const rows = await prisma.$queryRaw<StockLevel[]>`
        SELECT product_id AS "productId", quantity FROM inventory.stock WHERE product_id = ${productId}::uuid`;
      return rows[0];
    },
    async findMany(productIds) {
      const rows = await prisma.$queryRaw<StockLevel[]>`
        SELECT product_id::text AS "productId", quantity FROM inventory.stock WHERE product_id = ANY(${productIds}::uuid[])`;
      return new Map(rows.map((r) => [r.productId, r.quantity]));
    },
    transaction: (work) => prisma.$transaction((tx) => work(transactionOn(tx))),
  };
}
