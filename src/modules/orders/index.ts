// Public API of the orders module: the only file other modules and the composition root may import.
export { createOrdersModule, ORDERS_CONSUMER_GROUP, type OrdersModule, type OrdersModuleDeps } from "./orders.module.js";
export type { OrderDto, OrderStatus, PlaceOrderInput } from "./contracts/order.dto.js";
export * from "./contracts/order-events.contract.js";
export { ordersOpenApi } from "./contracts/orders.openapi.js";
