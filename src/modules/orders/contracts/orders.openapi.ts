import { body, error, intParam, json, object, ref, str, uuid, uuidParam, dateTime, type OpenApiFragment } from "../../../platform/openapi/openapi-helpers.js";

const money = { type: "number", minimum: 0.01 };
const address = object({ street: str(), city: str(), state: str(), country: str(), zipCode: str() });
const item = object({ productId: uuid, quantity: { type: "integer", minimum: 1 }, unitPrice: money });

export const ordersOpenApi: OpenApiFragment = {
  schemas: {
    ShippingAddress: address,
    OrderItem: item,
    PlaceOrder: object({ userId: uuid, shippingAddress: ref("ShippingAddress"), items: { type: "array", minItems: 1, items: ref("OrderItem") } }),
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
    StatusChange: object({ status: str({ enum: ["Shipped", "Delivered", "Cancelled"] }) }),
  },
  paths: {
    "/api/orders": {
      post: {
        summary: "Place an order (duplicate productIds merged)",
        tags: ["orders"],
        parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } }],
        requestBody: body(ref("PlaceOrder")),
        responses: {
          201: json(ref("Order"), "created (Location header); stock is reserved asynchronously"),
          400: error("invalid body"),
          409: error("insufficient stock (details per product)"),
          422: error("unknown user, or Idempotency-Key reused with another body"),
          503: error("a dependency needed for the decision is down"),
        },
      },
      get: {
        summary: "List orders (by user, newest first, paged). Staff: any user's, or all without userId; a customer token: only its own (userId = the token's sub)",
        tags: ["orders"],
        security: [{ bearer: [] }],
        parameters: [uuidParam("userId", "query", false), intParam("limit", false, 1), intParam("offset")],
        responses: {
          200: json({ type: "array", items: ref("Order") }),
          400: error("bad query"),
          401: error("no or invalid token"),
          403: error("a customer token listing all orders or another user's"),
        },
      },
    },
    "/api/orders/{id}": {
      get: {
        summary: "Get an order",
        tags: ["orders"],
        parameters: [uuidParam("id")],
        responses: { 200: json(ref("Order")), 400: error("id is not a UUID"), 404: error("unknown order") },
      },
    },
    "/api/orders/{id}/status": {
      put: {
        summary: "Change status: Created → Shipped → Delivered, Created → Cancelled (staff only)",
        tags: ["orders"],
        security: [{ bearer: [] }],
        parameters: [uuidParam("id")],
        requestBody: body(ref("StatusChange")),
        responses: {
          200: json(ref("Order")),
          400: error("unknown status value or bad id"),
          401: error("no or invalid token"),
          403: error("not staff"),
          404: error("unknown order"),
          409: error("ORDERS.INVALID_TRANSITION, or ORDERS.STOCK_NOT_RESERVED before inventory reserved the stock"),
        },
      },
    },
  },
};
