import { createHash } from "node:crypto";
import type { OrderItem, PlaceOrderInput } from "../contracts/order.dto.js";
import { conflictingUnitPrices, orderTotalTooLarge } from "./orders.errors.js";

/** Money in integer cents: totals are exact (no float sums). */
export const toCents = (amount: number): bigint => BigInt(Math.round(amount * 100));
export const fromCents = (cents: bigint): number => Number(cents) / 100;
export const centsToDecimal = (cents: bigint): string => {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
};

/** Merges duplicate productIds (quantities add up; their unit prices must agree), sorted by productId. */
export function mergeItems(items: OrderItem[]): OrderItem[] {
  const merged = new Map<string, OrderItem>();
  const conflicts: string[] = [];
  for (const item of items) {
    const seen = merged.get(item.productId);
    if (!seen) merged.set(item.productId, { ...item });
    else if (toCents(seen.unitPrice) !== toCents(item.unitPrice)) conflicts.push(item.productId);
    else seen.quantity += item.quantity;
  }
  if (conflicts.length) throw conflictingUnitPrices([...new Set(conflicts)]);
  const lines = [...merged.values()].sort((a, b) => (a.productId < b.productId ? -1 : 1));
  // Each line is within the schema's limits, but their product may not fit orders.total_amount (a 500 from PostgreSQL).
  if (totalCents(lines) > MAX_TOTAL_CENTS) throw orderTotalTooLarge(centsToDecimal(MAX_TOTAL_CENTS));
  return lines;
}

/** orders.total_amount is DECIMAL(14,2): the largest order total, in cents. */
export const MAX_TOTAL_CENTS = 99_999_999_999_999n;

export const totalCents = (items: OrderItem[]): bigint => items.reduce((sum, i) => sum + toCents(i.unitPrice) * BigInt(i.quantity), 0n);

/** `value` with every object's keys sorted, deeply; arrays keep their order (their order is meaningful). */
export const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value !== null && typeof value === "object"
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
      : value;

/**
 * Fingerprint of a (normalised) order request, to tell an Idempotency-Key replay from a reuse with another body.
 * Over the canonical form: the same body with its keys in another order is the same request.
 */
export const requestHash = (input: PlaceOrderInput): string => createHash("sha256").update(JSON.stringify(canonical(input))).digest("hex");
