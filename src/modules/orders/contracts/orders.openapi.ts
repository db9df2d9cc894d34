import { fromJoi, headerOf, parametersOf } from "../../../platform/openapi/joi-openapi.js";
import { body, error, json, object, ref, str, uuid, dateTime, type OpenApiFragment } from "../../../platform/openapi/openapi-helpers.js";
import { idempotencyKeySchema, listOrdersSchema, orderIdSchema, placeOrderSchema, statusChangeSchema } from "./order.dto.js";

const item = object({ productId: uuid, quantity: { type: "integer" }, unitPrice: { type: "number" } });
const address = object({ street: str(), city: str(), state: str(), country: str(), zipCode: str() });
const auth = { 401: error("no or invalid token", "AUTH.UNAUTHORIZED"), 403: error("not staff", "AUTH.FORBIDDEN") };

// The stateful phase of schemathesis follows these: place an order, read it, change its status, read it again.
const byId = { parameters: { id: "$response.body#/id" } };
const orderLinks = { GetOrder: { operationId: "getOrder", ...byId }, ChangeOrderStatus: { operationId: "changeOrderStatus", ...byId } };

export const ordersOpenApi: OpenApiFragment = {
  schemas: {
    ShippingAddress: address,
    OrderItem: item,
    PlaceOrder: fromJoi(placeOrderSchema),
    Order: object(
      {
        id: uuid,
        userId: uuid,
        status: str({ enum: ["Created", "Shipped", "Delivered", "Cancelled"] }),
        stockStatus: str({ enum: ["Pending", "Reserved", "Rejected", "Released"] }),
        cancelReason: str(),
        shippingAddress: ref("ShippingAddress"),
        items: { type: "array", items: ref("OrderItem") },
        totalAmount: { type: "number" },
        createdAt: dateTime,
        updatedAt: dateTime,
      },
      ["id", "userId", "status", "stockStatus", "shippingAddress", "items", "totalAmount", "createdAt", "updatedAt"],
    ),
    StatusChange: fromJoi(statusChangeSchema),
  },
  paths: {
    "/api/orders": {
      post: {
        operationId: "placeOrder",
        summary: "Place an order (duplicate productIds merged)",
        tags: ["orders"],
        parameters: [headerOf("Idempotency-Key", idempotencyKeySchema)],
        requestBody: body(ref("PlaceOrder")),
        responses: {
          201: { ...json(ref("Order"), "created (Location header); stock is reserved asynchronously"), links: orderLinks },
          400: error("invalid body or Idempotency-Key", "ORDERS.INVALID_BODY", "ORDERS.INVALID_IDEMPOTENCY_KEY"),
          409: error("insufficient stock (details per product)", "ORDERS.INSUFFICIENT_STOCK"),
          422: error(
            "unknown user; Idempotency-Key reused with another body; one productId with two unitPrices; a total over 999999999999.99",
            "ORDERS.USER_NOT_FOUND",
            "ORDERS.IDEMPOTENCY_KEY_REUSED",
            "ORDERS.CONFLICTING_PRICES",
            "ORDERS.TOTAL_TOO_LARGE",
          ),
        },
      },
      get: {
        operationId: "listOrders",
        summary: "List orders (by user, newest first, paged). Staff: any user's, or all without userId; a customer token: only its own (userId = the token's sub)",
        tags: ["orders"],
        security: [{ bearer: [] }],
        parameters: parametersOf(listOrdersSchema, "query"),
        responses: {
          200: json({ type: "array", items: ref("Order") }),
          400: error("bad query", "ORDERS.INVALID_QUERY"),
          401: error("no or invalid token", "AUTH.UNAUTHORIZED"),
          403: error("a customer token listing all orders or another user's", "AUTH.FORBIDDEN"),
        },
      },
    },
    "/api/orders/{id}": {
      get: {
        operationId: "getOrder",
        summary: "Get an order",
        tags: ["orders"],
        parameters: parametersOf(orderIdSchema, "path"),
        responses: {
          200: { ...json(ref("Order")), links: { ChangeOrderStatus: orderLinks.ChangeOrderStatus } },
          400: error("id is not a UUID", "ORDERS.INVALID_ID"),
          404: error("unknown order", "ORDERS.NOT_FOUND"),
        },
      },
    },
    "/api/orders/{id}/status": {
      put: {
        operationId: "changeOrderStatus",
        summary: "Change status: Created → Shipped → Delivered, Created → Cancelled (staff only)",
        tags: ["orders"],
        security: [{ bearer: [] }],
        parameters: parametersOf(orderIdSchema, "path"),
        requestBody: body(ref("StatusChange")),
        responses: {
          200: { ...json(ref("Order")), links: { GetOrder: orderLinks.GetOrder, ChangeOrderStatus: orderLinks.ChangeOrderStatus } },
          400: error("unknown status value or bad id", "ORDERS.INVALID_ID", "ORDERS.INVALID_STATUS"),
          ...auth,
          404: error("unknown order", "ORDERS.NOT_FOUND"),
          409: error("a transition the state machine forbids, or stock not reserved yet", "ORDERS.INVALID_TRANSITION", "ORDERS.STOCK_NOT_RESERVED"),
        },
      },
    },
  },
};
