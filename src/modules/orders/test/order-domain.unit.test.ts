import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ORDER_STATUSES } from "../contracts/order.dto.js";
import { centsToDecimal, mergeItems, totalCents, fromCents } from "../domain/order-lines.js";
import { canTransition } from "../domain/order-status.js";

describe("order state machine", () => {
  const allowed = new Set(["Created>Shipped", "Shipped>Delivered", "Created>Cancelled"]);
  for (const from of ORDER_STATUSES)
    for (const to of ORDER_STATUSES)
      it(`${from} → ${to} is ${allowed.has(`${from}>${to}`) ? "allowed" : "refused"}`, () => {
        assert.equal(canTransition(from, to), allowed.has(`${from}>${to}`));
      });
});

describe("order lines", () => {
  it("merges duplicate productIds and sorts by productId", () => {
    const merged = mergeItems([
      { productId: "b", quantity: 1, unitPrice: 2 },
      { productId: "a", quantity: 2, unitPrice: 1 },
      { productId: "b", quantity: 4, unitPrice: 2 },
    ]);
    assert.deepEqual(merged, [{ productId: "a", quantity: 2, unitPrice: 1 }, { productId: "b", quantity: 5, unitPrice: 2 }]);
  });
  it("refuses one productId with two prices", () => {
    assert.throws(() => mergeItems([{ productId: "a", quantity: 1, unitPrice: 1 }, { productId: "a", quantity: 1, unitPrice: 1.01 }]), (e: { details?: { message: string }[] }) => /different unitPrice/.test(e.details?.[0]?.message ?? ""));
  });
  it("refuses an order whose total does not fit DECIMAL(14,2)", () => {
    mergeItems([{ productId: "a", quantity: 100, unitPrice: 9_999_999_999.99 }]); // 999,999,999,999.00: fits
    assert.throws(() => mergeItems([{ productId: "a", quantity: 1_000, unitPrice: 9_999_999_999.99 }]), (e: { httpStatus?: number; details?: { message: string }[] }) => e.httpStatus === 422 && /total exceeds 999999999999.99/.test(e.details?.[0]?.message ?? ""));
  });
  it("sums in cents, exactly", () => {
    const total = totalCents([{ productId: "a", quantity: 3, unitPrice: 0.1 }, { productId: "b", quantity: 1, unitPrice: 0.2 }]);
    assert.equal(total, 50n);
    assert.equal(fromCents(total), 0.5);
    assert.equal(fromCents(totalCents([{ productId: "a", quantity: 1_000_000, unitPrice: 9_999_999.99 }])), 9_999_999_990_000);
    assert.equal(centsToDecimal(123456n), "1234.56");
    assert.equal(centsToDecimal(5n), "0.05");
  });
});
