import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEnvelope } from "../../../platform/messaging/event-envelope.js";
import { MAX_QUANTITY } from "../contracts/inventory.dto.js";
import { STOCK_REJECTED, STOCK_RESERVED } from "../contracts/stock-events.contract.js";
import { createFakeStockStore } from "../domain/fake-stock.store.js";
import { createInventoryUseCases } from "../domain/inventory.use-cases.js";
import { createStockReservations } from "../domain/stock-reservations.use-case.js";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const ORDER = "00000000-0000-4000-8000-0000000000c1";
const placed = (items: { productId: string; quantity: number }[], orderId = ORDER) => createEnvelope("order-placed", { orderId, items });
const cancelled = (orderId = ORDER) => createEnvelope("order-cancelled", { orderId });
const appError = (code: string, httpStatus: number) => (e: { code?: string; httpStatus?: number }) => e.code === code && e.httpStatus === httpStatus;

describe("stock levels (in-memory store)", () => {
  it("when a delta is applied, then a missing product is created and an existing one adds up", async () => {
    const useCases = createInventoryUseCases(createFakeStockStore());
    assert.deepEqual(await useCases.updateStock({ productId: A, quantity: 5 }), { productId: A, quantity: 5 });
    assert.deepEqual(await useCases.updateStock({ productId: A, quantity: -2 }), { productId: A, quantity: 3 });
    assert.deepEqual(await useCases.getQuantity(A), { productId: A, quantity: 3 });
  });

  it("when a delta would go below zero, then 409 INVENTORY.INSUFFICIENT_STOCK with what is available, nothing changes", async () => {
    const store = createFakeStockStore({ [A]: 2 });
    const useCases = createInventoryUseCases(store);
    await assert.rejects(useCases.updateStock({ productId: A, quantity: -3 }), (e: { code?: string; details?: { available?: number }[] }) =>
      e.code === "INVENTORY.INSUFFICIENT_STOCK" && e.details?.[0]?.available === 2);
    await assert.rejects(useCases.updateStock({ productId: B, quantity: -1 }), (e: { details?: { available?: number }[] }) => e.details?.[0]?.available === 0);
    assert.equal(store.stock.get(A), 2);
    assert.equal(store.stock.has(B), false);
  });

  it("when a delta would pass the maximum, then 409 INVENTORY.LIMIT_EXCEEDED", async () => {
    const useCases = createInventoryUseCases(createFakeStockStore({ [A]: MAX_QUANTITY }));
    await assert.rejects(useCases.updateStock({ productId: A, quantity: 1 }), appError("INVENTORY.LIMIT_EXCEEDED", 409));
  });

  it("when an unknown product is asked for, then 404 INVENTORY.NOT_FOUND; checkStock says known:false with 0 available", async () => {
    const useCases = createInventoryUseCases(createFakeStockStore({ [A]: 2 }));
    await assert.rejects(useCases.getQuantity(B), appError("INVENTORY.NOT_FOUND", 404));
    assert.deepEqual(await useCases.checkStock([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }]), [
      { productId: A, requested: 2, available: 2, inStock: true, known: true },
      { productId: B, requested: 1, available: 0, inStock: false, known: false },
    ]);
  });
});

describe("stock reservations (in-memory store)", () => {
  const setup = (seed: Record<string, number>) => {
    const store = createFakeStockStore(seed);
    return { store, ...createStockReservations({ repo: store }) };
  };

  it("when every item is in stock, then all are taken and stock-reserved is written, once per event and per order", async () => {
    const { store, reserveForOrder } = setup({ [A]: 5, [B]: 1 });
    const event = placed([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }]);
    assert.equal(await reserveForOrder(event), "reserved");
    assert.equal(await reserveForOrder(event), "duplicate");
    assert.equal(await reserveForOrder(placed(event.payload.items)), "duplicate"); // a replayed placement, new eventId
    assert.deepEqual([store.stock.get(A), store.stock.get(B)], [3, 0]);
    assert.equal(store.outbox.length, 1);
    assert.deepEqual([store.outbox[0]?.type, store.outbox[0]?.causationId, store.outbox[0]?.payload], [STOCK_RESERVED, event.eventId, event.payload]);
    assert.equal(store.reservations.get(ORDER)?.status, "Reserved");
  });

  it("when any item is short, then nothing is taken and stock-rejected lists the shortages", async () => {
    const { store, reserveForOrder } = setup({ [A]: 5 });
    assert.equal(await reserveForOrder(placed([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }])), "rejected");
    assert.equal(store.stock.get(A), 5);
    assert.deepEqual([store.outbox[0]?.type, store.outbox[0]?.payload], [STOCK_REJECTED, { orderId: ORDER, reason: "insufficient stock", shortages: [{ productId: B, requested: 1, available: 0 }] }]);
    assert.deepEqual(store.reservations.get(ORDER), { items: [], status: "Released" });
  });

  it("when a reserved order is cancelled, then its stock comes back once", async () => {
    const { store, reserveForOrder, releaseForOrder } = setup({ [A]: 5 });
    await reserveForOrder(placed([{ productId: A, quantity: 2 }]));
    const cancel = cancelled();
    assert.equal(await releaseForOrder(cancel), "released");
    assert.equal(await releaseForOrder(cancel), "duplicate");
    assert.equal(await releaseForOrder(cancelled()), "nothing"); // another event, reservation already released
    assert.equal(store.stock.get(A), 5);
    assert.equal(store.reservations.get(ORDER)?.status, "Released");
  });

  it("when a rejected order is cancelled, then nothing is given back", async () => {
    const { store, reserveForOrder, releaseForOrder } = setup({ [A]: 1 });
    await reserveForOrder(placed([{ productId: A, quantity: 2 }]));
    assert.equal(await releaseForOrder(cancelled()), "nothing");
    assert.equal(store.stock.get(A), 1);
  });

  it("when the cancel arrives before the placement, then the placement reserves nothing", async () => {
    const { store, reserveForOrder, releaseForOrder } = setup({ [A]: 5 });
    assert.equal(await releaseForOrder(cancelled()), "nothing");
    assert.equal(await reserveForOrder(placed([{ productId: A, quantity: 2 }])), "duplicate");
    assert.equal(store.stock.get(A), 5);
    assert.equal(store.outbox.length, 0);
  });

  it("when a batch mixes an order that fits, one that does not and a duplicate, then each is decided in order, all or nothing per order", async () => {
    const { store, reserveBatch } = setup({ [A]: 3, [B]: 1 });
    const [O1, O2, O3] = ["00000000-0000-4000-8000-0000000000d1", "00000000-0000-4000-8000-0000000000d2", "00000000-0000-4000-8000-0000000000d3"];
    const fits = placed([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }], O1);
    const short = placed([{ productId: A, quantity: 1 }, { productId: B, quantity: 1 }], O2); // B is gone after O1
    const third = placed([{ productId: A, quantity: 1 }], O3); // fits in what O1 left (O2 took nothing)
    const outcomes = await reserveBatch([fits, short, fits, placed(fits.payload.items, O1), third]);
    assert.deepEqual(outcomes, ["reserved", "rejected", "duplicate", "duplicate", "reserved"]);
    assert.deepEqual([store.stock.get(A), store.stock.get(B)], [0, 0]);
    assert.deepEqual(store.outbox.map((e) => [e.type, (e.payload as { orderId: string }).orderId, e.causationId, e.correlationId]), [
      [STOCK_RESERVED, O1, fits.eventId, fits.correlationId],
      [STOCK_REJECTED, O2, short.eventId, short.correlationId],
      [STOCK_RESERVED, O3, third.eventId, third.correlationId],
    ]);
    assert.deepEqual(store.outbox[1]?.payload, { orderId: O2, reason: "insufficient stock", shortages: [{ productId: B, requested: 1, available: 0 }] });
    assert.deepEqual(store.reservations.get(O2), { items: [], status: "Released" });
    assert.equal(store.reservations.get(O1)?.status, "Reserved");
    assert.deepEqual(await reserveBatch([fits, third]), ["duplicate", "duplicate"]); // redelivered batch: nothing again
    assert.equal(store.outbox.length, 3);
  });

  it("when a batch holds an order cancelled before its placement, then that order reserves nothing", async () => {
    const { store, reserveBatch, releaseForOrder } = setup({ [A]: 5 });
    await releaseForOrder(cancelled());
    assert.deepEqual(await reserveBatch([placed([{ productId: A, quantity: 2 }])]), ["duplicate"]);
    assert.equal(store.stock.get(A), 5);
    assert.equal(store.outbox.length, 0);
  });
});
