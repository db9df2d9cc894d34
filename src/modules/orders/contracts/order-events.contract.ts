import Joi from "joi";
import { uuidSchema } from "../../../platform/http/uuid.schema.js";

/** Events the orders module publishes (key = orderId). Topic names are fixed by API.md. Version 1. */
export const ORDER_PLACED = "order-placed";
export const ORDER_SHIPPED = "order-shipped";
export const ORDER_DELIVERED = "order-delivered";
export const ORDER_CANCELLED = "order-cancelled";
export const ORDER_TOPICS = [ORDER_PLACED, ORDER_SHIPPED, ORDER_DELIVERED, ORDER_CANCELLED] as const;

/** `order-placed` payload (the seed shape of the original system). */
export interface OrderPlacedPayload {
  orderId: string;
  userId: string;
  items: { productId: string; quantity: number; price: number }[];
  totalPrice: number;
}

/** `order-shipped` / `order-delivered` / `order-cancelled` payload. */
export interface OrderStatusChangedPayload {
  orderId: string;
  userId: string;
  status: "Shipped" | "Delivered" | "Cancelled";
  occurredAt: string;
  reason?: string;
}

const uuid = uuidSchema.required();

export const orderPlacedSchema = Joi.object<OrderPlacedPayload>({
  orderId: uuid,
  userId: uuid,
  items: Joi.array()
    .min(1)
    .items(Joi.object({ productId: uuid, quantity: Joi.number().integer().min(1).required(), price: Joi.number().positive().required() }))
    .required(),
  totalPrice: Joi.number().positive().required(),
});

export const orderStatusChangedSchema = Joi.object<OrderStatusChangedPayload>({
  orderId: uuid,
  userId: uuid,
  status: Joi.string().valid("Shipped", "Delivered", "Cancelled").required(),
  occurredAt: Joi.string().isoDate().required(),
  reason: Joi.string().max(1000),
});
