import type { Logger } from "../../../../platform/logger/logger.js";
import { createEnvelope } from "../../../../platform/messaging/event-envelope.js";
import type { EventHandlers } from "../../../../platform/messaging/event-consumer.js";
import { STOCK_REJECTED, STOCK_RESERVED, stockRejectedSchema, stockReservedSchema, type StockRejectedPayload } from "../../../inventory/contracts/stock-events.contract.js";
import { ORDER_CANCELLED, type OrderStatusChangedPayload } from "../../contracts/order-events.contract.js";
import type { OrderRepository } from "../../data-access/order.repository.js";

const describe = (p: StockRejectedPayload) =>
  `${p.reason}: ${p.shortages.map((s) => `${s.productId} requested ${s.requested}, available ${s.available}`).join("; ")}`.slice(0, 1000);

/** orders consumes inventory's answer to order-placed: mark the stock reserved, or cancel the order with a reason. */
export function createStockEventHandlers(deps: { repo: OrderRepository; logger: Logger; onCommitted: () => void }): EventHandlers {
  return {
    [STOCK_RESERVED]: {
      payload: stockReservedSchema,
      async handle(event) {
        await deps.repo.markStockReserved(event, event.payload.orderId);
      },
    },
    [STOCK_REJECTED]: {
      payload: stockRejectedSchema,
      async handle(event) {
        const reason = describe(event.payload);
        let cancelled = false;
        await deps.repo.onceInTransaction(event, async (tx) => {
          cancelled = await deps.repo.cancelForStock(tx, event.payload.orderId, reason, ({ userId, at }) => {
            const payload: OrderStatusChangedPayload = { orderId: event.payload.orderId, userId, status: "Cancelled", occurredAt: at, reason };
            return createEnvelope(ORDER_CANCELLED, payload, event.eventId);
          });
        });
        if (cancelled) {
          deps.logger.info("order cancelled: stock rejected", { orderId: event.payload.orderId, reason });
          deps.onCommitted();
        }
      },
    },
  };
}
