import type { Logger } from "../../../../platform/logger/logger.js";
import type { EventHandlers } from "../../../../platform/messaging/event-consumer.js";
import { STOCK_REJECTED, STOCK_RESERVED, stockRejectedSchema, stockReservedSchema } from "../../../inventory/contracts/stock-events.contract.js";
import type { StockResults } from "../../domain/stock-results.use-case.js";

/** orders consumes inventory's answer to order-placed: mark the stock reserved, or cancel the order with a reason. */
export function createStockEventHandlers(deps: { stockResults: StockResults; logger: Logger }): EventHandlers {
  return {
    [STOCK_RESERVED]: {
      payload: stockReservedSchema,
      handle: (event) => deps.stockResults.stockReserved(event),
      handleBatch: (events) => deps.stockResults.stockReservedBatch(events),
    },
    [STOCK_REJECTED]: {
      payload: stockRejectedSchema,
      async handle(event) {
        const reason = await deps.stockResults.stockRejected(event);
        if (reason !== undefined) deps.logger.info("order cancelled: stock rejected", { orderId: event.payload.orderId, reason });
      },
      async handleBatch(events) {
        for (const { orderId, reason } of await deps.stockResults.stockRejectedBatch(events)) deps.logger.info("order cancelled: stock rejected", { orderId, reason });
      },
    },
  };
}
