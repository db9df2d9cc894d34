import type { RequestHandler, Router } from "express";
import type { OpenApiFragment } from "../../platform/openapi/openapi-helpers.js";
import type { Database } from "../../platform/db/database.js";
import type { Logger } from "../../platform/logger/logger.js";
import { subscribeHandlers } from "../../platform/messaging/event-consumer.js";
import type { MessageTransport } from "../../platform/messaging/transport.js";
import { createOutboxRelay, type OutboxRelay, type OutboxSettings } from "../../platform/outbox/outbox-relay.js";
import type { InventoryApi } from "../inventory/contracts/inventory.dto.js";
import type { UsersApi } from "../users/contracts/user.dto.js";
import { ORDER_TOPICS } from "./contracts/order-events.contract.js";
import { createOrderRepository } from "./data-access/order.repository.js";
import { createChangeStatus } from "./domain/change-status.use-case.js";
import { createOrderQueries } from "./domain/order-queries.use-cases.js";
import { createPlaceOrder } from "./domain/place-order.use-case.js";
import { createStockResults } from "./domain/stock-results.use-case.js";
import { ordersOpenApi } from "./contracts/orders.openapi.js";
import { createOrdersRouter } from "./entry-points/http/orders.router.js";
import { createStockEventHandlers } from "./entry-points/messaging/stock-events.consumer.js";

/** One consumer group for the orders module wherever it runs. */
export const ORDERS_CONSUMER_GROUP = "strangler.orders";

export interface OrdersModule {
  readonly router: Router;
  /** This module's part of the OpenAPI document. */
  readonly openapi: OpenApiFragment;
  readonly topics: readonly string[];
  /** Starts the outbox relay and the stock-event consumer on `transport`. */
  startMessaging(transport: MessageTransport): Promise<void>;
  stopMessaging(): Promise<void>;
  /** Unpublished outbox rows (tests, metrics). */
  outboxBacklog(): Promise<number>;
}

export interface OrdersModuleDeps {
  db: Database;
  logger: Logger;
  users: UsersApi;
  inventory: InventoryApi;
  /** Guards status changes (staff only). */
  requireStaff: RequestHandler;
  /** Guards listing orders (any valid token; the router decides whose orders it may see). */
  requireUser: RequestHandler;
  outbox: OutboxSettings;
}

export function createOrdersModule(deps: OrdersModuleDeps): OrdersModule {
  const logger = deps.logger.child({ module: "orders" });
  const repo = createOrderRepository(deps.db);
  let relay: OutboxRelay | undefined;
  const onCommitted = () => relay?.nudge();
  const placeOrder = createPlaceOrder({ repo, users: deps.users, inventory: deps.inventory, onCommitted });
  const changeStatus = createChangeStatus({ repo, onCommitted });
  const stockResults = createStockResults({ repo, onCommitted });
  return {
    router: createOrdersRouter({ placeOrder, changeStatus, queries: createOrderQueries({ repo }), requireStaff: deps.requireStaff, requireUser: deps.requireUser }),
    openapi: ordersOpenApi,
    topics: ORDER_TOPICS,
    async startMessaging(transport) {
      relay = createOutboxRelay({ prisma: deps.db.prisma, schema: "orders", transport, logger, ...deps.outbox });
      relay.start();
      await subscribeHandlers({ transport, groupId: ORDERS_CONSUMER_GROUP, handlers: createStockEventHandlers({ stockResults, logger }), logger });
    },
    async stopMessaging() {
      await relay?.stop();
    },
    outboxBacklog: () => relay?.backlog() ?? Promise.resolve(0),
  };
}
