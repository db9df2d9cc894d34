import { createInventoryHttpClient, createInventoryModule, type InventoryModule } from "../modules/inventory/index.js";
import { createOrdersModule, type OrdersModule } from "../modules/orders/index.js";
import { createUsersHttpClient, createUsersModule, type UsersModule } from "../modules/users/index.js";
import { preferService } from "../platform/http/prefer-service.js";
import type { Runtime } from "./runtime.js";

export interface Modules {
  users: UsersModule;
  inventory: InventoryModule;
  orders: OrdersModule;
}

/**
 * Builds the three modules over one runtime. Orders reaches users and inventory through their facades:
 * in-process by default; with USERS_SERVICE_URL / INVENTORY_SERVICE_URL, their extracted service first and the
 * in-process module (same code, same data) whenever the service does not give a domain answer, so a broken
 * extracted service never breaks ordering.
 */
export function wireModules(rt: Runtime): Modules {
  const { db, logger, config } = rt;
  const users = createUsersModule({ db });
  const inventory = createInventoryModule({ db, logger, outbox: config.outbox });
  const timeoutMs = config.services.timeoutMs;
  const orders = createOrdersModule({
    db,
    logger,
    outbox: config.outbox,
    requireStaff: rt.auth.requireRole("staff"),
    requireUser: rt.auth.requireRole("staff", "customer"),
    users: config.services.usersUrl
      ? preferService("users", createUsersHttpClient({ baseUrl: config.services.usersUrl, timeoutMs }), users.api, logger)
      : users.api,
    inventory: config.services.inventoryUrl
      ? preferService("inventory", createInventoryHttpClient({ baseUrl: config.services.inventoryUrl, timeoutMs }), inventory.api, logger)
      : inventory.api,
  });
  if (config.services.usersUrl || config.services.inventoryUrl)
    logger.info("orders calls extracted modules over HTTP, in-process when they fail", { users: config.services.usersUrl ?? "in-process", inventory: config.services.inventoryUrl ?? "in-process" });
  return { users, inventory, orders };
}
