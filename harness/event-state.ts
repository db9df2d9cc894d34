import pg from "pg";

/** What appQuery needs of an in-process app (tests/support TestApp): its Prisma client. */
type InProcessApp = { readonly rt: { readonly db: { readonly prisma: { $queryRawUnsafe<T>(sql: string, ...params: unknown[]): Promise<T> } } } };

/** A raw SQL query against the app's database: through the in-process app, or a pg pool next to a child process. */
export type Query = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => Promise<T[]>;

export const appQuery = (t: InProcessApp): Query => (sql, ...params) => t.rt.db.prisma.$queryRawUnsafe(sql, ...params);

export function poolQuery(databaseUrl: string): Query & { end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // An idle client's error (e.g. the database dropped WITH (FORCE)) is not a test failure; query errors still reject.
  pool.on("error", () => {});
  let open = 0;
  pool.on("connect", () => open++).on("remove", () => open--);
  const query = (async (sql: string, ...params: unknown[]) => (await pool.query(sql, params)).rows) as Query;
  return Object.assign(query, {
    // pool.end() resolves before its connections are closed: wait (bounded) until they are, so a DROP DATABASE may follow.
    async end() {
      await pool.end();
      for (let i = 0; open > 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 20));
    },
  });
}

export interface EventState {
  /** Unpublished outbox rows per module. */
  ordersBacklog: number;
  inventoryBacklog: number;
  /** Orders (of `orderIds`) per stock status. */
  stockStatus: Record<string, number>;
  /** inventory.reservations per status, for `orderIds`. */
  reservations: Record<string, number>;
  /** Distinct order-placed events inventory handled (its inbox). */
  placedInInbox: number;
}

/** Where the asynchronous side of `orderIds` stands: outboxes, stock status, reservations, inventory inbox. */
export async function eventState(q: Query, orderIds: string[]): Promise<EventState> {
  const [[backlog], stock, reservations, [inbox]] = await Promise.all([
    q<{ orders: number; inventory: number }>(`SELECT
       (SELECT count(*)::int FROM orders.outbox WHERE sent_at IS NULL) AS orders,
       (SELECT count(*)::int FROM inventory.outbox WHERE sent_at IS NULL) AS inventory`),
    q<{ status: string; n: number }>(`SELECT stock_status AS status, count(*)::int AS n FROM orders.orders WHERE id = ANY($1::uuid[]) GROUP BY 1`, orderIds),
    q<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM inventory.reservations WHERE order_id = ANY($1::uuid[]) GROUP BY 1`, orderIds),
    q<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.inbox WHERE type = 'order-placed'`),
  ]);
  const byStatus = (rows: { status: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.status, r.n]));
  return {
    ordersBacklog: backlog?.orders ?? -1,
    inventoryBacklog: backlog?.inventory ?? -1,
    stockStatus: byStatus(stock),
    reservations: byStatus(reservations),
    placedInInbox: inbox?.n ?? -1,
  };
}

/** True when nothing is in flight: both outboxes drained and no order of `orderIds` still Pending. */
export const settled = (s: EventState) => s.ordersBacklog === 0 && s.inventoryBacklog === 0 && !s.stockStatus.Pending;

export async function stockLevels(q: Query, productIds: string[]): Promise<Map<string, number>> {
  const rows = await q<{ id: string; quantity: number }>(`SELECT product_id::text AS id, quantity FROM inventory.stock WHERE product_id = ANY($1::uuid[])`, productIds);
  return new Map(rows.map((r) => [r.id, r.quantity]));
}
