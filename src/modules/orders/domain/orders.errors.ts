import { AppError } from "../../../platform/errors/app-error.js";
import type { ErrorDetail } from "../../../platform/errors/app-error.js";
import type { OrderStatus } from "../contracts/order.dto.js";

/**
 * 422 for a body every field of which is valid (it matches the OpenAPI schema) but whose lines together are not:
 * what only the domain can see, so a schema-valid request is never a 400.
 */
const unprocessableOrder = (code: string, message: string, details: ErrorDetail[]) => new AppError({ code, httpStatus: 422, message, details });

export const conflictingUnitPrices = (productIds: string[]) =>
  unprocessableOrder(
    "ORDERS.CONFLICTING_PRICES",
    "one productId appears with different unitPrice values",
    productIds.map((productId) => ({ field: "items", message: `productId ${productId} appears with different unitPrice values`, productId })),
  );

export const orderTotalTooLarge = (max: string) =>
  unprocessableOrder("ORDERS.TOTAL_TOO_LARGE", `the order total exceeds ${max}`, [{ field: "items", message: `the order total exceeds ${max}` }]);

export const orderNotFound = (id: string) => new AppError({ code: "ORDERS.NOT_FOUND", httpStatus: 404, message: `order ${id} not found` });

export const userNotFound = (userId: string) =>
  new AppError({ code: "ORDERS.USER_NOT_FOUND", httpStatus: 422, message: `user ${userId} does not exist`, details: [{ field: "userId", message: "user not found" }] });

export const insufficientStock = (shortages: { productId: string; requested: number; available: number }[]) =>
  new AppError({
    code: "ORDERS.INSUFFICIENT_STOCK",
    httpStatus: 409,
    message: "not enough stock for some items",
    details: shortages.map((s) => ({ field: "items", message: "insufficient stock", ...s })),
  });

export const invalidTransition = (from: OrderStatus, to: string, allowed: readonly string[]) =>
  new AppError({
    code: "ORDERS.INVALID_TRANSITION",
    httpStatus: 409,
    message: `cannot change status from ${from} to ${to}`,
    details: [{ field: "status", message: allowed.length ? `allowed from ${from}: ${allowed.join(", ")}` : `${from} is final`, from, to }],
  });

export const stockNotReserved = (id: string, stockStatus: string) =>
  new AppError({
    code: "ORDERS.STOCK_NOT_RESERVED",
    httpStatus: 409,
    message: `order ${id} cannot ship before its stock is reserved (stock status ${stockStatus}); retry shortly`,
    details: [{ field: "status", message: "stock not reserved yet", stockStatus }],
  });

export const idempotencyKeyReused = () =>
  new AppError({ code: "ORDERS.IDEMPOTENCY_KEY_REUSED", httpStatus: 422, message: "this Idempotency-Key was already used with a different request body" });
