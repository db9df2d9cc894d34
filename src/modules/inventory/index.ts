// Public API of the inventory module: the only file other modules and the composition root may import.
export { createInventoryModule, INVENTORY_CONSUMER_GROUP, type InventoryModule } from "./inventory.module.js";
export { createInventoryHttpClient } from "./inventory-http.client.js";
export type { InventoryApi, StockCheck, StockLevel } from "./contracts/inventory.dto.js";
export * from "./contracts/stock-events.contract.js";
export { inventoryOpenApi } from "./contracts/inventory.openapi.js";
