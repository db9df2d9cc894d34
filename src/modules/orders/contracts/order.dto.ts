import Joi from "joi";
import { uuidSchema } from "../../../platform/http/uuid.schema.js";

export const ORDER_STATUSES = ["Created", "Shipped", "Delivered", "Cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Pending → Reserved or Rejected; a cancel gives the stock back: Released (from Pending or Reserved). */
export type StockStatus = "Pending" | "Reserved" | "Rejected" | "Released";

export interface ShippingAddress {
  street: string;
  city: string;
  state: string;
  country: string;
  zipCode: string;
}

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPrice: number;
}

export interface OrderDto {
  id: string;
  userId: string;
  status: OrderStatus;
  /** Pending until inventory reserved the stock; an order can only ship once Reserved. */
  stockStatus: StockStatus;
  cancelReason?: string;
  shippingAddress: ShippingAddress;
  items: OrderItem[];
  totalAmount: number;
  createdAt: string;
  updatedAt: string;
}

export interface PlaceOrderInput {
  userId: string;
  shippingAddress: ShippingAddress;
  items: OrderItem[];
}

const uuid = uuidSchema;
const line = Joi.string().trim().min(1).max(200).required();

export const placeOrderSchema = Joi.object<PlaceOrderInput>({
  userId: uuid.required(),
  shippingAddress: Joi.object({ street: line, city: line, state: line, country: line, zipCode: Joi.string().trim().min(1).max(20).required() }).required(),
  items: Joi.array()
    .min(1)
    .max(100)
    .items(
      Joi.object({
        productId: uuid.required(),
        quantity: Joi.number().integer().strict().min(1).max(1_000_000).required(),
        unitPrice: Joi.number().strict().positive().precision(2).max(9_999_999_999.99).required(),
      }),
    )
    .required(),
}).required();

export const statusChangeSchema = Joi.object<{ status: OrderStatus }>({
  status: Joi.string().valid("Shipped", "Delivered", "Cancelled").required(),
}).required();

/** The optional `Idempotency-Key` header of POST /api/orders. */
export const idempotencyKeySchema = Joi.string().trim().min(1).max(255);

export const orderIdSchema = Joi.object({ id: uuid.required() });

export const listOrdersSchema = Joi.object({
  userId: uuid,
  limit: Joi.number().integer().min(1).max(500).default(50),
  offset: Joi.number().integer().min(0).max(1_000_000).default(0),
});
