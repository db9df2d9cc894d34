import Joi from "joi";
import { uuidSchema } from "../../../platform/http/uuid.schema.js";

/** Events inventory publishes (key = orderId). Version 1. */
export const STOCK_RESERVED = "stock-reserved";
export const STOCK_REJECTED = "stock-rejected";
export const INVENTORY_TOPICS = [STOCK_RESERVED, STOCK_REJECTED] as const;

export interface StockReservedPayload {
  orderId: string;
  items: { productId: string; quantity: number }[];
}

export interface StockRejectedPayload {
  orderId: string;
  reason: string;
  shortages: { productId: string; requested: number; available: number }[];
}

const uuid = uuidSchema.required();
export const stockReservedSchema = Joi.object<StockReservedPayload>({
  orderId: uuid,
  items: Joi.array().items(Joi.object({ productId: uuid, quantity: Joi.number().integer().min(1).required() })).required(),
});
export const stockRejectedSchema = Joi.object<StockRejectedPayload>({
  orderId: uuid,
  reason: Joi.string().max(1000).required(),
  shortages: Joi.array()
    .items(Joi.object({ productId: uuid, requested: Joi.number().integer().required(), available: Joi.number().integer().required() }))
    .required(),
});
