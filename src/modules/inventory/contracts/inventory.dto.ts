import Joi from "joi";
import { uuidSchema } from "../../../platform/http/uuid.schema.js";

export interface StockLevel {
  productId: string;
  quantity: number;
}

export interface StockCheck {
  productId: string;
  requested: number;
  /** 0 for a product inventory has never heard of (`known: false`). */
  available: number;
  inStock: boolean;
  known: boolean;
}

/**
 * What other modules may ask of inventory (in-process, or over HTTP once extracted).
 * @example const checks = await inventory.checkStock([{ productId, quantity: 2 }]);
 */
export interface InventoryApi {
  checkStock(items: { productId: string; quantity: number }[]): Promise<StockCheck[]>;
}

export const MAX_QUANTITY = 2_147_483_647;
const productId = uuidSchema.required();

export const updateStockSchema = Joi.object<StockLevel>({
  productId,
  quantity: Joi.number().integer().strict().min(-1_000_000_000).max(1_000_000_000).required(),
}).required();

export const checkQuerySchema = Joi.object({ productId, quantity: Joi.number().integer().min(1).max(MAX_QUANTITY).required() });
export const quantityQuerySchema = Joi.object({ productId });

/** `POST /api/inventory/check`: every line of one order, checked in one call. */
export const MAX_CHECK_ITEMS = 100;
export const checkBatchSchema = Joi.object<{ items: { productId: string; quantity: number }[] }>({
  items: Joi.array()
    .items(Joi.object({ productId, quantity: Joi.number().integer().strict().min(1).max(MAX_QUANTITY).required() }))
    .min(1)
    .max(MAX_CHECK_ITEMS)
    .required(),
}).required();

/** The answer to `POST /api/inventory/check`, as a caller checks it. */
export const stockChecksSchema = Joi.array()
  .items(
    Joi.object<StockCheck>({
      productId: Joi.string().required(),
      requested: Joi.number().integer().required(),
      available: Joi.number().integer().min(0).required(),
      inStock: Joi.boolean().required(),
      known: Joi.boolean().required(),
    }),
  )
  .required();
