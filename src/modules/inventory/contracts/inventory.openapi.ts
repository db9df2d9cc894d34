import { fromJoi, parametersOf } from "../../../platform/openapi/joi-openapi.js";
import { body, error, json, object, ref, uuid, type OpenApiFragment } from "../../../platform/openapi/openapi-helpers.js";
import { checkBatchSchema, checkQuerySchema, quantityQuerySchema, updateStockSchema } from "./inventory.dto.js";

// The stateful phase of schemathesis follows these: change a product's stock, then read it back.
const byProduct = (operationId: string, extra: Record<string, string> = {}) => ({ operationId, parameters: { productId: "$response.body#/productId", ...extra } });

export const inventoryOpenApi: OpenApiFragment = {
  schemas: {
    StockUpdate: fromJoi(updateStockSchema),
    StockLevel: object({ productId: uuid, quantity: { type: "integer", minimum: 0 } }),
    StockCheck: object({ productId: uuid, requested: { type: "integer" }, available: { type: "integer", minimum: 0 }, inStock: { type: "boolean" } }),
    StockCheckBatch: fromJoi(checkBatchSchema),
    StockChecks: object({
      items: {
        type: "array",
        items: object({ productId: uuid, requested: { type: "integer" }, available: { type: "integer", minimum: 0 }, inStock: { type: "boolean" }, known: { type: "boolean" } }),
      },
    }),
  },
  paths: {
    "/api/inventory/update": {
      post: {
        operationId: "updateStock",
        summary: "Change stock by a delta (creates the product when missing)",
        tags: ["inventory"],
        requestBody: body(ref("StockUpdate")),
        responses: {
          200: { ...json(ref("StockLevel"), "the new stock level"), links: { GetQuantity: byProduct("getQuantity"), CheckStock: byProduct("checkStock", { quantity: "$response.body#/quantity" }) } },
          400: error("invalid body", "INVENTORY.INVALID_BODY"),
          409: error("result would be below zero or above the limit; nothing changed", "INVENTORY.INSUFFICIENT_STOCK", "INVENTORY.LIMIT_EXCEEDED"),
        },
      },
    },
    "/api/inventory/check": {
      get: {
        operationId: "checkStock",
        summary: "Is there enough stock?",
        tags: ["inventory"],
        parameters: parametersOf(checkQuerySchema, "query"),
        responses: { 200: json(ref("StockCheck")), 400: error("bad params", "INVENTORY.INVALID_QUERY"), 404: error("unknown product", "INVENTORY.NOT_FOUND") },
      },
      post: {
        operationId: "checkStockBatch",
        summary: "Check every line of one order in one call (what orders asks an extracted inventory service)",
        tags: ["inventory"],
        requestBody: body(ref("StockCheckBatch")),
        responses: {
          200: json(ref("StockChecks"), "one check per line, in order; `known: false` for a product inventory has never heard of"),
          400: error("invalid body", "INVENTORY.INVALID_BODY"),
        },
      },
    },
    "/api/inventory/quantity": {
      get: {
        operationId: "getQuantity",
        summary: "Current stock level",
        tags: ["inventory"],
        parameters: parametersOf(quantityQuerySchema, "query"),
        responses: { 200: json(ref("StockLevel")), 400: error("bad params", "INVENTORY.INVALID_QUERY"), 404: error("unknown product", "INVENTORY.NOT_FOUND") },
      },
    },
  },
};
