import { randomUUID } from "node:crypto";
import type { InventoryApi } from "../../inventory/contracts/inventory.dto.js";
import type { UsersApi } from "../../users/contracts/user.dto.js";
import type { OrderDto, PlaceOrderInput } from "../contracts/order.dto.js";

/** Shared by the orders unit tests: inputs, and in-memory stand-ins for the users and inventory facades. */
export const USER = "00000000-0000-4000-8000-0000000000a1";
export const A = "00000000-0000-4000-8000-00000000000a";
export const B = "00000000-0000-4000-8000-00000000000b";

export const address = { street: "1 Main St", city: "Springfield", state: "IL", country: "US", zipCode: "62701" };

export const input = (items = [{ productId: A, quantity: 2, unitPrice: 1.5 }]): PlaceOrderInput => ({ userId: USER, shippingAddress: address, items });

export const usersWith = (...ids: string[]): UsersApi => ({ userExists: async (id) => ids.includes(id) });

/** An InventoryApi over a product → available map; what the map lacks is unknown (0 available). */
export const stockOf = (levels: Record<string, number>): InventoryApi & { calls: number } => {
  const api = {
    calls: 0,
    async checkStock(items: { productId: string; quantity: number }[]) {
      api.calls++;
      return items.map(({ productId, quantity }) => {
        const available = levels[productId] ?? 0;
        return { productId, requested: quantity, available, inStock: available >= quantity, known: productId in levels };
      });
    },
  };
  return api;
};

export const anOrder = (over: Partial<OrderDto> = {}): OrderDto => ({
  id: randomUUID(),
  userId: USER,
  status: "Created",
  stockStatus: "Pending",
  shippingAddress: address,
  items: [{ productId: A, quantity: 1, unitPrice: 2 }],
  totalAmount: 2,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

/** Matches an AppError by code and HTTP status, for assert.rejects / assert.throws. */
export const appError = (code: string, httpStatus: number) => (e: { code?: string; httpStatus?: number }) => e.code === code && e.httpStatus === httpStatus;
