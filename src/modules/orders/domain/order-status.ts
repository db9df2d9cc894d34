import type { OrderStatus } from "../contracts/order.dto.js";

/** The order state machine: Created → Shipped → Delivered, Created → Cancelled. Everything else is refused. */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  Created: ["Shipped", "Cancelled"],
  Shipped: ["Delivered"],
  Delivered: [],
  Cancelled: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);
export const allowedNext = (from: OrderStatus): readonly OrderStatus[] => TRANSITIONS[from];
