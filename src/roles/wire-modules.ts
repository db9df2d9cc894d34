import { createInventoryHttpClient, createInventoryModule, type InventoryModule } from "../modules/inventory/index.js";
import { createOrdersModule, type OrdersModule } from "../modules/orders/index.js";
import { createUsersHttpClient, createUsersModule, type UsersModule } from "../modules/users/index.js";
import type { Runtime } from "./runtime.js";

export interface Modules {
  users: UsersModule;
  inventory: InventoryModule;
  orders: OrdersModule;
}

/**
 * Builds the three modules over one runtime. Orders reaches users and inventory through their facades:
 * in-process by default, over HTTP when the module is extracted (USERS_SERVICE_URL / INVENTORY_SERVICE_URL).
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
    users: config.services.usersUrl ? createUsersHttpClient({ baseUrl: config.services.usersUrl, timeoutMs }) : users.api,
    inventory: config.services.inventoryUrl ? createInventoryHttpClient({ baseUrl: config.services.inventoryUrl, timeoutMs }) : inventory.api,
  });
  if (config.services.usersUrl || config.services.inventoryUrl)
    logger.info("orders calls extracted modules over HTTP", { users: config.services.usersUrl ?? "in-process", inventory: config.services.inventoryUrl ?? "in-process" });
  return { users, inventory, orders };
}
