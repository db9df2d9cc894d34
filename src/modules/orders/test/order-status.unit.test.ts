import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEnvelope } from "../../../platform/messaging/event-envelope.js";
import { STOCK_REJECTED, STOCK_RESERVED } from "../../inventory/contracts/stock-events.contract.js";
import { ORDER_CANCELLED, ORDER_SHIPPED } from "../contracts/order-events.contract.js";
import { createChangeStatus } from "../domain/change-status.use-case.js";
import { createFakeOrderStore } from "../domain/fake-order.store.js";
import { createOrderQueries } from "../domain/order-queries.use-cases.js";
import { createStockResults } from "../domain/stock-results.use-case.js";
import { A, USER, anOrder, appError } from "./order-fixtures.js";

function setup(...orders: ReturnType<typeof anOrder>[]) {
  const repo = createFakeOrderStore(orders);
  let commits = 0;
  const onCommitted = () => commits++;
  return { repo, changeStatus: createChangeStatus({ repo, onCommitted }), stockResults: createStockResults({ repo, onCommitted }), commits: () => commits };
}

describe("change status (in-memory store)", () => {
  it("when a Reserved order ships, then it is Shipped with order-shipped written", async () => {
    const order = anOrder({ stockStatus: "Reserved" });
    const { repo, changeStatus, commits } = setup(order);
    const shipped = await changeStatus(order.id, "Shipped");
    assert.equal(shipped.status, "Shipped");
    assert.equal((await repo.findById(order.id))?.status, "Shipped");
    assert.deepEqual([repo.outbox[0]?.type, repo.outbox[0]?.payload], [ORDER_SHIPPED, { orderId: order.id, userId: USER, status: "Shipped", occurredAt: shipped.updatedAt }]);
    assert.equal(commits(), 1);
  });

  it("when the stock is still Pending, then shipping is 409 ORDERS.STOCK_NOT_RESERVED and nothing changes", async () => {
    const order = anOrder();
    const { repo, changeStatus } = setup(order);
    await assert.rejects(changeStatus(order.id, "Shipped"), appError("ORDERS.STOCK_NOT_RESERVED", 409));
    assert.equal((await repo.findById(order.id))?.status, "Created");
    assert.equal(repo.outbox.length, 0);
  });

  it("when the transition is not allowed, then 409 ORDERS.INVALID_TRANSITION names what is", async () => {
    const order = anOrder({ status: "Cancelled" });
    const { changeStatus } = setup(order);
    await assert.rejects(changeStatus(order.id, "Shipped"), (e: { code?: string; details?: { message: string }[] }) => e.code === "ORDERS.INVALID_TRANSITION" && e.details?.[0]?.message === "Cancelled is final");
  });

  for (const before of ["Reserved", "Pending"] as const)
    it(`when a ${before} order is cancelled, then its stockStatus is Released (answer and store) and a late stock-reserved keeps it so`, async () => {
      const order = anOrder({ stockStatus: before });
      const { repo, changeStatus, stockResults } = setup(order);
      assert.equal((await changeStatus(order.id, "Cancelled")).stockStatus, "Released");
      await stockResults.stockReserved(createEnvelope(STOCK_RESERVED, { orderId: order.id, items: [{ productId: A, quantity: 1 }] }));
      assert.deepEqual([(await repo.findById(order.id))?.status, (await repo.findById(order.id))?.stockStatus], ["Cancelled", "Released"]);
    });

  it("when the order does not exist, then 404 ORDERS.NOT_FOUND", async () => {
    await assert.rejects(setup().changeStatus("00000000-0000-4000-8000-000000000000", "Cancelled"), appError("ORDERS.NOT_FOUND", 404));
  });

  it("when a concurrent change got there first, then the request is re-evaluated against the new status", async () => {
    const order = anOrder();
    const { repo, changeStatus } = setup(order);
    const transition = repo.transition;
    repo.transition = async (change) => {
      repo.transition = transition;
      await transition({ ...change, to: "Cancelled" }); // the other request cancels first
      return transition(change);
    };
    await assert.rejects(changeStatus(order.id, "Cancelled"), appError("ORDERS.INVALID_TRANSITION", 409));
    assert.equal(repo.outbox.length, 1);
  });
});

describe("stock results (in-memory store)", () => {
  const rejected = (orderId: string) => createEnvelope(STOCK_REJECTED, { orderId, reason: "insufficient stock", shortages: [{ productId: A, requested: 2, available: 1 }] });

  it("when stock-reserved arrives (twice), then a Pending order is Reserved once", async () => {
    const order = anOrder();
    const { repo, stockResults } = setup(order);
    const event = createEnvelope(STOCK_RESERVED, { orderId: order.id, items: [{ productId: A, quantity: 1 }] });
    await stockResults.stockReserved(event);
    await stockResults.stockReserved(event);
    assert.equal((await repo.findById(order.id))?.stockStatus, "Reserved");
  });

  it("when stock-rejected arrives for a Created order, then it is Cancelled with the reason and order-cancelled, once", async () => {
    const order = anOrder();
    const { repo, stockResults, commits } = setup(order);
    const event = rejected(order.id);
    const reason = `insufficient stock: ${A} requested 2, available 1`;
    assert.equal(await stockResults.stockRejected(event), reason);
    assert.equal(await stockResults.stockRejected(event), undefined);
    const stored = await repo.findById(order.id);
    assert.deepEqual([stored?.status, stored?.stockStatus, stored?.cancelReason], ["Cancelled", "Rejected", reason]);
    assert.equal(repo.outbox.length, 1);
    assert.deepEqual([repo.outbox[0]?.type, repo.outbox[0]?.causationId, repo.outbox[0]?.payload], [ORDER_CANCELLED, event.eventId, { orderId: order.id, userId: USER, status: "Cancelled", occurredAt: stored?.updatedAt, reason }]);
    assert.equal(commits(), 1);
  });

  it("when stock-rejected arrives for an order past Created, then only its stock status records the rejection", async () => {
    const order = anOrder({ status: "Cancelled" });
    const { repo, stockResults, commits } = setup(order);
    assert.equal(await stockResults.stockRejected(rejected(order.id)), undefined);
    const stored = await repo.findById(order.id);
    assert.deepEqual([stored?.status, stored?.stockStatus, stored?.cancelReason], ["Cancelled", "Rejected", undefined]);
    assert.equal(repo.outbox.length, 0);
    assert.equal(commits(), 0);
  });

  it("when stock-rejected names an unknown order, then nothing happens", async () => {
    const { repo, stockResults } = setup();
    assert.equal(await stockResults.stockRejected(rejected("00000000-0000-4000-8000-000000000000")), undefined);
    assert.equal(repo.outbox.length, 0);
  });

  it("when a batch mixes stock results (a duplicate, a second rejection, an order past Created), then each order moves once by the same rules", async () => {
    const [reserved, rejectedOnce, shipped] = [anOrder(), anOrder(), anOrder({ status: "Shipped", stockStatus: "Reserved" })];
    const { repo, stockResults, commits } = setup(reserved, rejectedOnce, shipped);
    const ok = createEnvelope(STOCK_RESERVED, { orderId: reserved.id, items: [{ productId: A, quantity: 1 }] });
    await stockResults.stockReservedBatch([ok, ok]);
    const first = rejected(rejectedOnce.id);
    const cancelled = await stockResults.stockRejectedBatch([first, first, rejected(rejectedOnce.id), rejected(shipped.id)]);
    assert.deepEqual(cancelled, [{ orderId: rejectedOnce.id, reason: `insufficient stock: ${A} requested 2, available 1` }]);
    assert.deepEqual(await stockResults.stockRejectedBatch([first]), []); // redelivered: nothing again
    const [r, c, s] = await Promise.all([reserved, rejectedOnce, shipped].map((o) => repo.findById(o.id)));
    assert.deepEqual([r?.status, r?.stockStatus], ["Created", "Reserved"]);
    assert.deepEqual([c?.status, c?.stockStatus, c?.cancelReason], ["Cancelled", "Rejected", cancelled[0]?.reason]);
    assert.deepEqual([s?.status, s?.stockStatus], ["Shipped", "Rejected"]);
    assert.deepEqual(repo.outbox.map((e) => [e.type, e.causationId, e.correlationId]), [[ORDER_CANCELLED, first.eventId, first.correlationId]]);
    assert.equal(commits(), 1);
  });
});

describe("order queries (in-memory store)", () => {
  it("when orders are listed, then newest come first, filtered by user and paged; a missing order is 404", async () => {
    const other = "00000000-0000-4000-8000-0000000000b2";
    const old = anOrder({ createdAt: "2026-01-01T00:00:00.000Z" });
    const fresh = anOrder({ createdAt: "2026-02-01T00:00:00.000Z" });
    const theirs = anOrder({ userId: other });
    const queries = createOrderQueries({ repo: createFakeOrderStore([old, fresh, theirs]) });
    assert.deepEqual((await queries.listOrders({ userId: USER, limit: 10, offset: 0 })).map((o) => o.id), [fresh.id, old.id]);
    assert.deepEqual((await queries.listOrders({ userId: USER, limit: 1, offset: 1 })).map((o) => o.id), [old.id]);
    assert.equal((await queries.listOrders({ limit: 10, offset: 0 })).length, 3);
    assert.deepEqual(await queries.getOrder(fresh.id), fresh);
    await assert.rejects(queries.getOrder("00000000-0000-4000-8000-000000000000"), appError("ORDERS.NOT_FOUND", 404));
  });
});
