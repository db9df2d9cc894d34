import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ORDER_PLACED } from "../contracts/order-events.contract.js";
import { createFakeOrderStore } from "../domain/fake-order.store.js";
import { createPlaceOrder } from "../domain/place-order.use-case.js";
import { A, B, USER, appError, input, stockOf, usersWith } from "./order-fixtures.js";

function setup(levels: Record<string, number> = { [A]: 10, [B]: 10 }) {
  const repo = createFakeOrderStore();
  const inventory = stockOf(levels);
  let commits = 0;
  const placeOrder = createPlaceOrder({ repo, users: usersWith(USER), inventory, onCommitted: () => commits++ });
  return { repo, inventory, placeOrder, commits: () => commits };
}

describe("place order (in-memory store)", () => {
  it("when user and stock are there, then the order is stored Created/Pending with merged lines, its total and order-placed", async () => {
    const { repo, placeOrder, commits } = setup();
    const items = [{ productId: B, quantity: 1, unitPrice: 0.1 }, { productId: A, quantity: 1, unitPrice: 0.2 }, { productId: B, quantity: 2, unitPrice: 0.1 }];
    const { order, replayed } = await placeOrder(input(items));
    assert.equal(replayed, false);
    assert.deepEqual([order.status, order.stockStatus, order.totalAmount], ["Created", "Pending", 0.5]);
    assert.deepEqual(order.items, [{ productId: A, quantity: 1, unitPrice: 0.2 }, { productId: B, quantity: 3, unitPrice: 0.1 }]);
    assert.deepEqual(await repo.findById(order.id), order);
    assert.equal(repo.outbox.length, 1);
    assert.equal(repo.outbox[0]?.type, ORDER_PLACED);
    assert.deepEqual(repo.outbox[0]?.payload, { orderId: order.id, userId: USER, items: [{ productId: A, quantity: 1, price: 0.2 }, { productId: B, quantity: 3, price: 0.1 }], totalPrice: 0.5 });
    assert.equal(commits(), 1);
  });

  it("when the user does not exist, then 422 ORDERS.USER_NOT_FOUND and nothing is stored", async () => {
    const repo = createFakeOrderStore();
    const placeOrder = createPlaceOrder({ repo, users: usersWith(), inventory: stockOf({ [A]: 10 }), onCommitted: () => {} });
    await assert.rejects(placeOrder(input()), appError("ORDERS.USER_NOT_FOUND", 422));
    assert.equal(repo.orders.size, 0);
    assert.equal(repo.outbox.length, 0);
  });

  it("when items are short (unknown products too), then 409 ORDERS.INSUFFICIENT_STOCK lists each shortage, nothing is stored", async () => {
    const { repo, placeOrder, commits } = setup({ [A]: 1 });
    const err = await placeOrder(input([{ productId: A, quantity: 2, unitPrice: 1 }, { productId: B, quantity: 1, unitPrice: 1 }])).catch((e: unknown) => e);
    assert.ok(appError("ORDERS.INSUFFICIENT_STOCK", 409)(err as { code?: string }));
    assert.deepEqual((err as { details: unknown }).details, [
      { field: "items", message: "insufficient stock", productId: A, requested: 2, available: 1 },
      { field: "items", message: "insufficient stock", productId: B, requested: 1, available: 0 },
    ]);
    assert.equal(repo.orders.size, 0);
    assert.equal(commits(), 0);
  });

  it("when one productId comes with two prices, then 422 ORDERS.CONFLICTING_PRICES before any lookup", async () => {
    const { placeOrder, inventory } = setup();
    await assert.rejects(placeOrder(input([{ productId: A, quantity: 1, unitPrice: 1 }, { productId: A, quantity: 1, unitPrice: 2 }])), appError("ORDERS.CONFLICTING_PRICES", 422));
    assert.equal(inventory.calls, 0);
  });

  it("when an Idempotency-Key is replayed with the same body, then the first order comes back (replayed) and nothing new is stored", async () => {
    const { repo, placeOrder, inventory, commits } = setup();
    const first = await placeOrder(input(), "key-1");
    // The same request in another shape (a split line) is the same order.
    const again = await placeOrder(input([{ productId: A, quantity: 1, unitPrice: 1.5 }, { productId: A, quantity: 1, unitPrice: 1.5 }]), "key-1");
    assert.deepEqual(again, { order: first.order, replayed: true });
    assert.equal(repo.orders.size, 1);
    assert.equal(repo.outbox.length, 1);
    assert.equal(inventory.calls, 1);
    assert.equal(commits(), 1);
  });

  it("when an Idempotency-Key is replayed with the body's keys in another order (deeply), then it is a replay, not a reuse", async () => {
    const { repo, placeOrder } = setup();
    const body = input();
    const first = await placeOrder(body, "key-2");
    const { street, city, state, country, zipCode } = body.shippingAddress;
    const reordered = {
      items: body.items.map(({ productId, quantity, unitPrice }) => ({ unitPrice, quantity, productId })),
      shippingAddress: { zipCode, country, state, city, street },
      userId: body.userId,
    };
    assert.deepEqual(await placeOrder(reordered, "key-2"), { order: first.order, replayed: true });
    assert.equal(repo.orders.size, 1);
  });

  it("when an Idempotency-Key is reused with another body, then 422 ORDERS.IDEMPOTENCY_KEY_REUSED", async () => {
    const { repo, placeOrder } = setup();
    await placeOrder(input(), "key-1");
    await assert.rejects(placeOrder(input([{ productId: A, quantity: 3, unitPrice: 1.5 }]), "key-1"), appError("ORDERS.IDEMPOTENCY_KEY_REUSED", 422));
    assert.equal(repo.orders.size, 1);
  });

  it("when a concurrent request with the same key stored its order first, then this one answers like a replay of it", async () => {
    const { repo, placeOrder, commits } = setup();
    const insert = repo.insert;
    let winner: string | undefined;
    // The other request commits between this one's replay check and its insert.
    repo.insert = async (o) => {
      repo.insert = insert;
      await insert({ ...o, order: { ...o.order, id: "00000000-0000-4000-8000-0000000000ff" } });
      winner = "00000000-0000-4000-8000-0000000000ff";
      return insert(o);
    };
    const result = await placeOrder(input(), "key-1");
    assert.equal(result.replayed, true);
    assert.equal(result.order.id, winner);
    assert.equal(repo.orders.size, 1);
    assert.equal(commits(), 0);
  });

  it("when different keys are used, then each places its own order", async () => {
    const { repo, placeOrder } = setup();
    const one = await placeOrder(input(), "key-1");
    const two = await placeOrder(input(), "key-2");
    assert.notEqual(one.order.id, two.order.id);
    assert.equal(repo.orders.size, 2);
  });
});
