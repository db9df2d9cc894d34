import type { Router } from "express";
import type { OpenApiFragment } from "../../platform/openapi/openapi-helpers.js";
import type { Database } from "../../platform/db/database.js";
import type { Logger } from "../../platform/logger/logger.js";
import { subscribeHandlers } from "../../platform/messaging/event-consumer.js";
import type { MessageTransport } from "../../platform/messaging/transport.js";
import { createOutboxRelay, type OutboxRelay } from "../../platform/outbox/outbox-relay.js";
import type { InventoryApi } from "./contracts/inventory.dto.js";
import { INVENTORY_TOPICS } from "./contracts/stock-events.contract.js";
import { createStockRepository } from "./data-access/stock.repository.js";
import { createInventoryUseCases } from "./domain/inventory.use-cases.js";
import { createStockReservations } from "./domain/stock-reservations.use-case.js";
import { inventoryOpenApi } from "./contracts/inventory.openapi.js";
import { createInventoryRouter } from "./entry-points/http/inventory.router.js";
import { createOrderEventHandlers } from "./entry-points/messaging/order-events.consumer.js";

/** One consumer group for the inventory module wherever it runs (monolith or extracted service). */
export const INVENTORY_CONSUMER_GROUP = "strangler.inventory";

export interface InventoryModule {
  readonly api: InventoryApi;
  readonly router: Router;
  /** This module's part of the OpenAPI document. */
  readonly openapi: OpenApiFragment;
  /** Topics this module publishes. */
  readonly topics: readonly string[];
  /** Starts the outbox relay and the order-event consumer on `transport`. */
  startMessaging(transport: MessageTransport): Promise<void>;
  stopMessaging(): Promise<void>;
}

export function createInventoryModule(deps: { db: Database; logger: Logger; outbox: { pollMs: number; batchSize: number; leaseMs: number } }): InventoryModule {
  const logger = deps.logger.child({ module: "inventory" });
  const repo = createStockRepository(deps.db);
  const useCases = createInventoryUseCases(repo);
  const reservations = createStockReservations({ repo });
  let relay: OutboxRelay | undefined;
  return {
    api: { checkStock: useCases.checkStock },
    router: createInventoryRouter(useCases),
    openapi: inventoryOpenApi,
    topics: INVENTORY_TOPICS,
    async startMessaging(transport) {
      relay = createOutboxRelay({ prisma: deps.db.prisma, schema: "inventory", transport, logger, ...deps.outbox });
      relay.start();
      const onCommitted = () => relay?.nudge();
      await subscribeHandlers({ transport, groupId: INVENTORY_CONSUMER_GROUP, handlers: createOrderEventHandlers({ reservations, logger, onCommitted }), logger });
    },
    async stopMessaging() {
      await relay?.stop();
    },
  };
}
