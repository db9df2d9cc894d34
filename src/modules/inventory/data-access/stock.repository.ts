import type { Database, Prisma } from "../../../platform/db/database.js";
import { recordInbox, writeOutbox } from "../../../platform/outbox/outbox.js";
import { createEnvelope, type EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import { findShortages } from "../domain/find-shortages.js";
import { MAX_QUANTITY, type StockLevel } from "../contracts/inventory.dto.js";
import { STOCK_REJECTED, STOCK_RESERVED, type StockRejectedPayload, type StockReservedPayload } from "../contracts/stock-events.contract.js";

export type ReservationOutcome = "reserved" | "rejected" | "duplicate";

export function createStockRepository(db: Database) {
  const prisma = db.prisma;
  return {
    /** Applies a delta in one statement; undefined when the result would leave 0..MAX (nothing changes). */
    async applyDelta(productId: string, delta: number): Promise<number | undefined> {
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
    async find(productId: string): Promise<StockLevel | undefined> {
      const rows = await prisma.$queryRaw<StockLevel[]>`
        SELECT product_id AS "productId", quantity FROM inventory.stock WHERE product_id = ${productId}::uuid`;
      return rows[0];
    },
    async findMany(productIds: string[]): Promise<Map<string, number>> {
      const rows = await prisma.$queryRaw<StockLevel[]>`
        SELECT product_id::text AS "productId", quantity FROM inventory.stock WHERE product_id = ANY(${productIds}::uuid[])`;
      return new Map(rows.map((r) => [r.productId, r.quantity]));
    },

    /**
     * Reserves every item of an order or none, once per order: inbox (per eventId) and the reservation row
     * (per orderId) make redelivery and replay harmless. Emits stock-reserved or stock-rejected in the same transaction.
     */
    reserveForOrder(event: EventEnvelope<{ orderId: string; items: { productId: string; quantity: number }[] }>): Promise<ReservationOutcome> {
      return prisma.$transaction(async (tx) => {
        const { orderId, items } = event.payload;
        // Inbox (per eventId) and reservation claim (per orderId) in one round trip: nothing is claimed for an
        // event seen before, and an order already reserved — or cancelled before it was placed — is not claimed again.
        const claimed = await tx.$executeRaw`
          WITH seen AS (
            INSERT INTO inventory.inbox (event_id, type) VALUES (${event.eventId}::uuid, ${event.type})
            ON CONFLICT (event_id) DO NOTHING RETURNING 1)
          INSERT INTO inventory.reservations (order_id, items, status)
          SELECT ${orderId}::uuid, ${JSON.stringify(items)}::jsonb, 'Reserved' WHERE EXISTS (SELECT 1 FROM seen)
          ON CONFLICT (order_id) DO NOTHING`;
        if (claimed === 0) return "duplicate";
        const ids = items.map((i) => i.productId);
        // Lock the rows in a fixed order so concurrent reservations cannot deadlock.
        const rows = await tx.$queryRaw<StockLevel[]>`
          SELECT product_id::text AS "productId", quantity FROM inventory.stock
          WHERE product_id = ANY(${ids}::uuid[]) ORDER BY product_id FOR UPDATE`;
        const shortages = findShortages(items, new Map(rows.map((r) => [r.productId, r.quantity])));
        if (shortages.length) {
          await tx.$executeRaw`UPDATE inventory.reservations SET status = 'Released', items = '[]'::jsonb WHERE order_id = ${orderId}::uuid`;
          const payload: StockRejectedPayload = { orderId, reason: "insufficient stock", shortages };
          await writeOutbox(tx, "inventory", STOCK_REJECTED, orderId, createEnvelope(STOCK_REJECTED, payload, event.eventId));
          return "rejected";
        }
        await tx.$executeRaw`
          UPDATE inventory.stock s SET quantity = s.quantity - r.qty, updated_at = now()
          FROM unnest(${ids}::uuid[], ${items.map((i) => i.quantity)}::int[]) AS r(pid, qty)
          WHERE s.product_id = r.pid`;
        const payload: StockReservedPayload = { orderId, items };
        await writeOutbox(tx, "inventory", STOCK_RESERVED, orderId, createEnvelope(STOCK_RESERVED, payload, event.eventId));
        return "reserved";
      });
    },

    /** Gives a cancelled order's reserved stock back (once); remembers a cancel that arrives before the placement. */
    releaseForOrder(event: EventEnvelope<{ orderId: string }>): Promise<"released" | "nothing" | "duplicate"> {
      return prisma.$transaction(async (tx: Prisma.TransactionClient) => {
        if (!(await recordInbox(tx, "inventory", event))) return "duplicate";
        const { orderId } = event.payload;
        const rows = await tx.$queryRaw<{ items: { productId: string; quantity: number }[]; status: string }[]>`
          SELECT items, status FROM inventory.reservations WHERE order_id = ${orderId}::uuid FOR UPDATE`;
        const reservation = rows[0];
        if (!reservation) {
          await tx.$executeRaw`INSERT INTO inventory.reservations (order_id, items, status) VALUES (${orderId}::uuid, '[]'::jsonb, 'Released')`;
          return "nothing";
        }
        if (reservation.status !== "Reserved") return "nothing";
        await tx.$executeRaw`
          UPDATE inventory.stock s SET quantity = s.quantity + r.qty, updated_at = now()
          FROM unnest(${reservation.items.map((i) => i.productId)}::uuid[], ${reservation.items.map((i) => i.quantity)}::int[]) AS r(pid, qty)
          WHERE s.product_id = r.pid`;
        await tx.$executeRaw`UPDATE inventory.reservations SET status = 'Released' WHERE order_id = ${orderId}::uuid`;
        return "released";
      });
    },
  };
}

export type StockRepository = ReturnType<typeof createStockRepository>;
