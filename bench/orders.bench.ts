import { randomUUID } from "node:crypto";
import path from "node:path";
import { fmt, type BenchSettings, type ResultRow } from "./bench-types.js";
import { THREAD_ROTATION, luaList, runWrk, type WrkResult } from "./wrk.js";
import { call, type Stack } from "#harness";

const ADDRESS = `{"street":"1 Main St","city":"Springfield","state":"IL","country":"US","zipCode":"62701"}`;

/** POST /api/orders rotating over `users` × `products`, one item of quantity 1 each. */
export const orderScript = (users: string[], products: string[]) => `${THREAD_ROTATION}
local users = ${luaList(users)}
local products = ${luaList(products)}
local headers = { ["Content-Type"] = "application/json" }
request = function()
  i = i + 1
  local body = '{"userId":"' .. users[(i % #users) + 1] .. '","shippingAddress":${ADDRESS},"items":[{"productId":"' ..
    products[(i % #products) + 1] .. '","quantity":1,"unitPrice":9.99}]}'
  return wrk.format("POST", "/api/orders", headers, body)
end
`;

/** Users and products (plenty of stock) for one order run. */
export async function seedOrders(baseUrl: string, userCount: number, productCount: number) {
  const users: string[] = [];
  for (let i = 0; i < userCount; i++) {
    const tag = randomUUID().slice(0, 8);
    const res = await call("POST", `${baseUrl}/api/users`, { username: `bench_${tag}`, email: `b${tag}@example.com`, firstName: "Bench", lastName: "User" });
    if (res.status !== 201) throw new Error(`seeding a user: ${res.status} ${JSON.stringify(res.body)}`);
    users.push(res.body.id);
  }
  const products = Array.from({ length: productCount }, () => randomUUID());
  for (const p of products) await call("POST", `${baseUrl}/api/inventory/update`, { productId: p, quantity: 1_000_000_000 });
  return { users, products };
}

export interface OrderRun {
  readonly label: string;
  readonly wrk: WrkResult;
  /** Set when the pipeline was observed (PostgreSQL): orders placed, reserved, how fast reservations went. */
  readonly drain?: { placed: number; reserved: number; pending: number; drainRate: number; tailS: number; loadS: number };
}

/** wrk against POST /api/orders at fixed concurrency; with SQL access, then waits until every order is Reserved. */
export async function runOrderLoad(stack: Pick<Stack, "monolith" | "query">, s: BenchSettings, label: string, productCount: number, observe: boolean): Promise<OrderRun> {
  const { users, products } = await seedOrders(stack.monolith.url, 20, productCount);
  const lua = orderScript(users, products);
  const scriptFile = path.join(s.runDir, `orders-${productCount}-products.lua`);
  const wrk = await runWrk({ url: stack.monolith.url, lua, scriptFile, threads: s.threads, connections: s.orderConnections, durationS: s.wrkS });
  if (!observe) return { label, wrk };
  type Row = { placed: number; pending: number; reserved: number; first: Date; last: Date; reserved_last: Date | null };
  const sql = `SELECT count(*)::int AS placed, count(*) FILTER (WHERE o.stock_status = 'Pending')::int AS pending,
      count(*) FILTER (WHERE o.stock_status = 'Reserved')::int AS reserved, min(o.created_at) AS first, max(o.created_at) AS last,
      max(r.created_at) AS reserved_last
    FROM orders.orders o LEFT JOIN inventory.reservations r ON r.order_id = o.id AND r.status = 'Reserved'
    WHERE o.user_id = ANY($1::uuid[])`;
  const deadline = Date.now() + 300_000;
  let row: Row;
  for (;;) {
    [row] = (await stack.query<Row>(sql, users)) as [Row];
    if (row.pending === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const first = new Date(row.first).getTime();
  const end = row.reserved_last ? new Date(row.reserved_last).getTime() : NaN;
  const drain = {
    placed: row.placed,
    reserved: row.reserved,
    pending: row.pending,
    drainRate: row.reserved / ((end - first) / 1000),
    tailS: (end - new Date(row.last).getTime()) / 1000,
    loadS: (new Date(row.last).getTime() - first) / 1000,
  };
  return { label, wrk, drain };
}

export function orderRows(run: OrderRun, section: string, reproduce: string, target = true): ResultRow[] {
  const { wrk, drain } = run;
  const rows: ResultRow[] = [
    {
      section,
      what: `${run.label}: orders/s · p50 · p99`,
      value: `${fmt(wrk.rps)} /s · ${fmt(wrk.p50Ms, 1)} ms · ${fmt(wrk.p99Ms, 1)} ms${wrk.errors ? ` · ${wrk.errors} errors/non-201` : ""}`,
      ...(target ? { target: "≥ 1,000 orders/s", pass: wrk.rps >= 1000 && wrk.errors === 0 } : {}),
      reproduce: `${reproduce} → \`${wrk.command}\``,
    },
  ];
  if (drain)
    rows.push({
      section,
      what: `${run.label}: reservation pipeline (outbox → Kafka → inventory → Reserved)`,
      value: `${fmt(drain.reserved)}/${fmt(drain.placed)} Reserved${drain.pending ? ` (${drain.pending} still Pending!)` : ""}; drained at ${fmt(drain.drainRate)} orders/s; last one ${fmt(drain.tailS, 1)} s after the load ended`,
      pass: drain.pending === 0 && drain.reserved === drain.placed,
      target: "every order Reserved",
      reproduce: `${reproduce} (SQL: orders.orders.created_at vs inventory.reservations.created_at)`,
    });
  return rows;
}
