import type { OrderDto } from "../contracts/order.dto.js";
import type { OrderQuery, OrderStore } from "./order.store.js";
import { orderNotFound } from "./orders.errors.js";

/** The read side of the orders API. */
export function createOrderQueries(deps: { repo: OrderStore }) {
  return {
    async getOrder(id: string): Promise<OrderDto> {
      const order = await deps.repo.findById(id);
      if (!order) throw orderNotFound(id);
      return order;
    },
    listOrders: (query: OrderQuery): Promise<OrderDto[]> => deps.repo.list(query),
  };
}

export type OrderQueries = ReturnType<typeof createOrderQueries>;
