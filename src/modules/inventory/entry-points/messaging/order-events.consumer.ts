import type { Logger } from "../../../../platform/logger/logger.js";
import type { EventHandlers } from "../../../../platform/messaging/event-consumer.js";
import { ORDER_CANCELLED, ORDER_PLACED, orderPlacedSchema, orderStatusChangedSchema } from "../../../orders/contracts/order-events.contract.js";
import type { StockReservations } from "../../domain/stock-reservations.use-case.js";

/** inventory consumes order-placed (reserve all items or none; batches set-based) and order-cancelled (give reserved stock back). */
export function createOrderEventHandlers(deps: { reservations: StockReservations; logger: Logger; onCommitted: () => void }): EventHandlers {
  return {
    [ORDER_PLACED]: {
      payload: orderPlacedSchema,
      async handle(event) {
        const outcome = await deps.reservations.reserveForOrder(event);
        deps.logger.info("order-placed handled", { orderId: event.payload.orderId, eventId: event.eventId, outcome });
        if (outcome !== "duplicate") deps.onCommitted();
      },
      async handleBatch(events) {
        const outcomes = await deps.reservations.reserveBatch(events);
        // The same line per event as one at a time (who reserved which order), with the batch size it came in.
        events.forEach((event, i) => deps.logger.info("order-placed handled", { orderId: event.payload.orderId, eventId: event.eventId, outcome: outcomes[i], batch: events.length }));
        if (outcomes.some((o) => o !== "duplicate")) deps.onCommitted();
      },
    },
    [ORDER_CANCELLED]: {
      payload: orderStatusChangedSchema,
      async handle(event) {
        const outcome = await deps.reservations.releaseForOrder(event);
        deps.logger.info("order-cancelled handled", { orderId: event.payload.orderId, eventId: event.eventId, outcome });
      },
    },
  };
}
