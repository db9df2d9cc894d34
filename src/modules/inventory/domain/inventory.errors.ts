import { AppError } from "../../../platform/errors/app-error.js";

export const productNotFound = (productId: string) =>
  new AppError({ code: "INVENTORY.NOT_FOUND", httpStatus: 404, message: `product ${productId} has no inventory record` });

export const insufficientStock = (productId: string, available: number, delta: number) =>
  new AppError({
    code: "INVENTORY.INSUFFICIENT_STOCK",
    httpStatus: 409,
    message: `stock of ${productId} cannot go below zero (available ${available}, change ${delta}); nothing changed`,
    details: [{ field: "quantity", message: "result would be below zero", productId, available, requested: delta }],
  });

export const stockLimitExceeded = (productId: string) =>
  new AppError({ code: "INVENTORY.LIMIT_EXCEEDED", httpStatus: 409, message: `stock of ${productId} would exceed 2147483647; nothing changed` });
