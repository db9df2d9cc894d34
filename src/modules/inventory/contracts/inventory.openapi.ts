import { body, error, intParam, json, object, ref, uuid, uuidParam, type OpenApiFragment } from "../../../platform/openapi/openapi-helpers.js";

export const inventoryOpenApi: OpenApiFragment = {
  schemas: {
    StockLevel: object({ productId: uuid, quantity: { type: "integer" } }),
    StockChecks: object({
      items: {
        type: "array",
        items: object({ productId: uuid, requested: { type: "integer" }, available: { type: "integer" }, inStock: { type: "boolean" }, known: { type: "boolean" } }),
      },
    }),
    StockCheck: object({ productId: uuid, requested: { type: "integer" }, available: { type: "integer" }, inStock: { type: "boolean" } }),
  },
  paths: {
    "/api/inventory/update": {
      post: {
        summary: "Change stock by a delta (creates the product when missing)",
        tags: ["inventory"],
        requestBody: body(ref("StockLevel")),
        responses: { 200: json(ref("StockLevel"), "the new stock level"), 400: error("invalid body"), 409: error("result would be below zero; nothing changed") },
      },
    },
    "/api/inventory/check": {
      get: {
        summary: "Is there enough stock?",
        tags: ["inventory"],
        parameters: [uuidParam("productId", "query"), intParam("quantity", true, 1)],
        responses: { 200: json(ref("StockCheck")), 400: error("bad params"), 404: error("unknown product") },
      },
      post: {
        summary: "Check every line of one order in one call (what orders asks an extracted inventory service)",
        tags: ["inventory"],
        requestBody: body(
          object({ items: { type: "array", minItems: 1, maxItems: 100, items: object({ productId: uuid, quantity: { type: "integer", minimum: 1, maximum: 2147483647 } }) } }),
        ),
        responses: { 200: json(ref("StockChecks"), "one check per line, in order; `known: false` for a product inventory has never heard of"), 400: error("invalid body") },
      },
    },
    "/api/inventory/quantity": {
      get: {
        summary: "Current stock level",
        tags: ["inventory"],
        parameters: [uuidParam("productId", "query")],
        responses: { 200: json(ref("StockLevel")), 400: error("bad params"), 404: error("unknown product") },
      },
    },
  },
};
