import { createInventoryHttpClient, createInventoryModule, type InventoryApi, type InventoryModule } from "../modules/inventory/index.js";
import { createOrdersModule, type OrdersModule } from "../modules/orders/index.js";
import { createUsersHttpClient, createUsersModule, type UsersApi, type UsersModule } from "../modules/users/index.js";
import { preferService } from "../platform/http/prefer-service.js";
import { isExtractedForRequest } from "../platform/logger/request-context.js";
import type { Runtime } from "./runtime.js";

export interface Modules {
  users: UsersModule;
  inventory: InventoryModule;
  orders: OrdersModule;
}

/**
 * Builds the three modules over one runtime. Orders reaches users and inventory through their facades:
 * in-process by default; with USERS_SERVICE_URL / INVENTORY_SERVICE_URL, their extracted service for requests the
 * proxy routes to that service too (X-Strangler-Extracted: the same flag, the same user), and the in-process module
 * (same code, same data) otherwise or whenever the service gives no domain answer, so a broken extracted service
 * never breaks ordering, and with its flag off nothing calls it.
 */
export function wireModules(rt: Runtime): Modules {
  const { db, logger, config } = rt;
  const users = createUsersModule({ db });
  const inventory = createInventoryModule({ db, logger, outbox: config.outbox });
  const timeoutMs = config.services.timeoutMs;
  const viaService = <T extends UsersApi | InventoryApi>(name: "users" | "inventory", client: T | undefined, local: T): T =>
    client ? preferService(name, client, local, logger, { wanted: () => isExtractedForRequest(name) }) : local;
  const orders = createOrdersModule({
    db,
    logger,
    outbox: config.outbox,
    requireStaff: rt.auth.requireRole("staff"),
    requireUser: rt.auth.requireRole("staff", "customer"),
    users: viaService("users", config.services.usersUrl ? createUsersHttpClient({ baseUrl: config.services.usersUrl, timeoutMs }) : undefined, users.api),
    inventory: viaService(
      "inventory",
      config.services.inventoryUrl ? createInventoryHttpClient({ baseUrl: config.services.inventoryUrl, timeoutMs }) : undefined,
      inventory.api,
    ),
  });
  if (config.services.usersUrl || config.services.inventoryUrl)
    logger.info("orders calls extracted modules over HTTP, in-process when they fail", { users: config.services.usersUrl ?? "in-process", inventory: config.services.inventoryUrl ?? "in-process" });
  return { users, inventory, orders };
}
