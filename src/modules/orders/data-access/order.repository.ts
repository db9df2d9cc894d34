import type { Database, Prisma } from "../../../platform/db/database.js";
import { isUniqueViolation } from "../../../platform/db/db-errors.js";
import type { EventEnvelope } from "../../../platform/messaging/event-envelope.js";
import { recordInbox, writeOutbox, writeOutboxMany } from "../../../platform/outbox/outbox.js";
import type { OrderDto, OrderStatus, ShippingAddress } from "../contracts/order.dto.js";
import { centsToDecimal, toCents } from "../domain/order-lines.js";
import type { NewOrder, OrderQuery, OrderStore, OrderTransaction, OrderTransition } from "../domain/order.store.js";

type Row = {
  id: string; user_id: string; status: OrderStatus; stock_status: OrderDto["stockStatus"]; cancel_reason: string | null;
  shipping_address: ShippingAddress; total_amount: string; created_at: Date; updated_at: Date;
  items: { productId: string; quantity: number; unitPrice: string }[];
};

const SELECT_ORDERS = `
  SELECT o.id::text, o.user_id::text, o.status, o.stock_status, o.cancel_reason, o.shipping_address, o.total_amount::text,
         o.created_at, o.updated_at,
         COALESCE((SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity, 'unitPrice', i.unit_price::text) ORDER BY i.product_id)
                   FROM orders.order_items i WHERE i.order_id = o.id), '[]'::json) AS items
  FROM orders.orders o`;

const toDto = (r: Row): OrderDto => ({
  id: r.id,
  userId: r.user_id,
  status: r.status,
  stockStatus: r.stock_status,
  ...(r.cancel_reason ? { cancelReason: r.cancel_reason } : {}),
  // jsonb reorders keys; answer in the documented order
  shippingAddress: { street: r.shipping_address.street, city: r.shipping_address.city, state: r.shipping_address.state, country: r.shipping_address.country, zipCode: r.shipping_address.zipCode },
  items: r.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPrice: Number(i.unitPrice) })),
  totalAmount: Number(r.total_amount),
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The transaction half of the port over a Prisma transaction client. */
const transactionOn = (tx: Prisma.TransactionClient): OrderTransaction => ({
  async lock(orderId) {
    const rows = await tx.$queryRaw<{ user_id: string; status: OrderStatus }[]>`
      SELECT user_id::text, status FROM orders.orders WHERE id = ${orderId}::uuid FOR UPDATE`;
    return rows[0] && { userId: rows[0].user_id, status: rows[0].status };
  },
  async rejectStock(orderId, at, cancel) {
    if (!cancel) await tx.$executeRaw`UPDATE orders.orders SET stock_status = 'Rejected', updated_at = ${at}::timestamptz WHERE id = ${orderId}::uuid`;
    else
      await tx.$executeRaw`
        UPDATE orders.orders SET status = 'Cancelled', stock_status = 'Rejected', cancel_reason = ${cancel.reason}, updated_at = ${at}::timestamptz
        WHERE id = ${orderId}::uuid`;
  },
  writeEvent: (orderId, event) => writeOutbox(tx, "orders", event.type, orderId, event),
  async lockMany(orderIds) {
    const rows = await tx.$queryRaw<{ id: string; user_id: string; status: OrderStatus }[]>`
      SELECT id::text, user_id::text, status FROM orders.orders WHERE id = ANY(${orderIds}::uuid[]) ORDER BY id FOR UPDATE`;
    return new Map(rows.map((r) => [r.id, { userId: r.user_id, status: r.status }]));
  },
  async rejectStockMany(changes) {
    // A row without a reason only records the rejection; one with a reason also cancels (as rejectStock).
    await tx.$executeRaw`
      UPDATE orders.orders o SET stock_status = 'Rejected', updated_at = c.at,
        status = CASE WHEN c.reason IS NULL THEN o.status ELSE 'Cancelled' END, cancel_reason = COALESCE(c.reason, o.cancel_reason)
      FROM unnest(${changes.map((c) => c.orderId)}::uuid[], ${changes.map((c) => c.at)}::timestamptz[], ${changes.map((c) => c.cancel?.reason ?? null)}::text[]) AS c(id, at, reason)
      WHERE o.id = c.id`;
  },
  writeEvents: (events) => writeOutboxMany(tx, "orders", events.map((e) => ({ key: e.orderId, event: e.event }))),
});

export function createOrderRepository(db: Database): OrderStore {
  const prisma = db.prisma;
  return {
    /**
     * Inserts the order, its items, the order-placed outbox row and the idempotency key in ONE statement
     * (data-modifying CTEs): all of it commits, or none. Returns false when the idempotency key already exists.
     */
    async insert({ order, event, idempotency }: NewOrder): Promise<boolean> {
      try {
        await prisma.$executeRawUnsafe(
          `WITH o AS (
             INSERT INTO orders.orders (id, user_id, status, stock_status, shipping_address, total_amount, created_at, updated_at)
             VALUES ($1::uuid, $2::uuid, 'Created', 'Pending', $3::jsonb, $4::numeric, $5::timestamptz, $5::timestamptz)),
           i AS (
             INSERT INTO orders.order_items (order_id, product_id, quantity, unit_price)
             SELECT $1::uuid, t.p, t.q, t.u FROM unnest($6::uuid[], $7::int[], $8::numeric[]) AS t(p, q, u)),
           ob AS (
             INSERT INTO orders.outbox (event_id, topic, key, envelope) VALUES ($9::uuid, $10, $1::text, $11::jsonb)),
           ik AS (
             INSERT INTO orders.idempotency_keys (key, request_hash, order_id) SELECT $12::text, $13::text, $1::uuid WHERE $12::text IS NOT NULL)
           SELECT 1`,
          order.id, order.userId, JSON.stringify(order.shippingAddress), centsToDecimal(toCents(order.totalAmount)), order.createdAt,
          order.items.map((i) => i.productId), order.items.map((i) => i.quantity), order.items.map((i) => centsToDecimal(toCents(i.unitPrice))),
          event.eventId, event.type, JSON.stringify(event), idempotency?.key ?? null, idempotency?.requestHash ?? null,
        );
        return true;
      } catch (e) {
        if (idempotency && isUniqueViolation(e, "idempotency_keys")) return false;
        throw e;
      }
    },
    async findIdempotencyKey(key: string): Promise<{ requestHash: string; orderId: string } | undefined> {
      const rows = await prisma.$queryRaw<{ request_hash: string; order_id: string }[]>`
        SELECT request_hash, order_id::text FROM orders.idempotency_keys WHERE key = ${key}`;
      return rows[0] && { requestHash: rows[0].request_hash, orderId: rows[0].order_id };
    },
    async findById(id: string): Promise<OrderDto | undefined> {
      const rows = await prisma.$queryRawUnsafe<Row[]>(`${SELECT_ORDERS} WHERE o.id = $1::uuid`, id);
      return rows[0] && toDto(rows[0]);
    },
    async list(q: OrderQuery): Promise<OrderDto[]> {
      const rows = q.userId
        ? await prisma.$queryRawUnsafe<Row[]>(`${SELECT_ORDERS} WHERE o.user_id = $1::uuid ORDER BY o.created_at DESC, o.id LIMIT $2 OFFSET $3`, q.userId, q.limit, q.offset)
        : await prisma.$queryRawUnsafe<Row[]>(`${SELECT_ORDERS} ORDER BY o.created_at DESC, o.id LIMIT $1 OFFSET $2`, q.limit, q.offset);
      return rows.map(toDto);
    },
    /**
     * Moves `id` from `from` to `to` and writes its event, atomically and only if the order is still in `from`
     * (and, for Shipped, its stock is reserved). Returns false when that no longer holds (a concurrent change).
     */
    async transition(args: OrderTransition): Promise<boolean> {
      const rows = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `WITH u AS (
           UPDATE orders.orders SET status = $2, updated_at = $4::timestamptz, cancel_reason = COALESCE($8, cancel_reason), stock_status = COALESCE($9, stock_status)
           WHERE id = $1::uuid AND status = $3 AND ($2 <> 'Shipped' OR stock_status = 'Reserved') RETURNING id),
         ob AS (INSERT INTO orders.outbox (event_id, topic, key, envelope) SELECT $5::uuid, $6, $1::text, $7::jsonb FROM u)
         SELECT count(*) AS n FROM u`,
        args.id, args.to, args.from, args.at, args.event.eventId, args.event.type, JSON.stringify(args.event), args.reason ?? null, args.stockStatus ?? null,
      );
      return Number(rows[0]?.n ?? 0) === 1;
    },
    async onceInTransaction(event: EventEnvelope, work: (tx: OrderTransaction) => Promise<void>): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        if (!(await recordInbox(tx, "orders", event))) return false;
        await work(transactionOn(tx));
        return true;
      });
    },
    async onceEachInTransaction(events, work): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ event_id: string }[]>`
          INSERT INTO orders.inbox (event_id, type)
          SELECT * FROM unnest(${events.map((e) => e.eventId)}::uuid[], ${events.map((e) => e.type)}::text[])
          ON CONFLICT (event_id) DO NOTHING RETURNING event_id::text`;
        const fresh = new Set(rows.map((r) => r.event_id));
        // Each new eventId once, in the batch's order (a duplicate within the batch was inserted only once).
        await work(events.filter((e) => fresh.delete(e.eventId)), transactionOn(tx));
      });
    },
    /**
     * Records `event` in the inbox and marks the order's stock Reserved in ONE statement (one round trip, atomic):
     * a redelivered event changes nothing.
     */
    async markStockReserved(event: EventEnvelope, orderId: string): Promise<void> {
      await prisma.$executeRaw`
        WITH seen AS (
          INSERT INTO orders.inbox (event_id, type) VALUES (${event.eventId}::uuid, ${event.type})
          ON CONFLICT (event_id) DO NOTHING RETURNING 1)
        UPDATE orders.orders SET stock_status = 'Reserved', updated_at = now()
        WHERE id = ${orderId}::uuid AND stock_status = 'Pending' AND EXISTS (SELECT 1 FROM seen)`;
    },
    /**
     * The batch form: one multi-row inbox insert, and one UPDATE … FROM over the events that were new. Same rule as
     * above: only a Pending stock status becomes Reserved (a cancelled order stays Released).
     */
    async markStockReservedMany(results): Promise<void> {
      await prisma.$executeRaw`
        WITH input AS (
          SELECT * FROM unnest(${results.map((r) => r.event.eventId)}::uuid[], ${results.map((r) => r.event.type)}::text[],
                               ${results.map((r) => r.orderId)}::uuid[]) AS t(event_id, type, order_id)),
        seen AS (
          INSERT INTO orders.inbox (event_id, type) SELECT DISTINCT ON (event_id) event_id, type FROM input
          ON CONFLICT (event_id) DO NOTHING RETURNING event_id)
        UPDATE orders.orders o SET stock_status = 'Reserved', updated_at = now()
        FROM input JOIN seen USING (event_id)
        WHERE o.id = input.order_id AND o.stock_status = 'Pending'`;
    },
  };
}
