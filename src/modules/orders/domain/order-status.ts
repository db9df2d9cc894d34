import type { OrderStatus, StockStatus } from "../contracts/order.dto.js";

/** The order state machine: Created → Shipped → Delivered, Created → Cancelled. Everything else is refused. */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  Created: ["Shipped", "Cancelled"],
  Shipped: ["Delivered"],
  Delivered: [],
  Cancelled: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);
export const allowedNext = (from: OrderStatus): readonly OrderStatus[] => TRANSITIONS[from];

/**
 * The stock status after moving to `to`: cancelling gives the order's stock back (order-cancelled, written in the
 * same transaction, makes inventory release a reservation, or skip one not made yet), so it reads Released.
 */
export const stockStatusAfter = (to: OrderStatus, current: StockStatus): StockStatus =>
  to === "Cancelled" && (current === "Pending" || current === "Reserved") ? "Released" : current;
