import { Router, type RequestHandler } from "express";
import { forbidden, type Principal } from "../../../../platform/auth/auth.js";
import { validate } from "../../../../platform/http/validate.js";
import { idempotencyKeySchema, listOrdersSchema, orderIdSchema, placeOrderSchema, statusChangeSchema } from "../../contracts/order.dto.js";
import type { createChangeStatus } from "../../domain/change-status.use-case.js";
import type { OrderQueries } from "../../domain/order-queries.use-cases.js";
import type { createPlaceOrder } from "../../domain/place-order.use-case.js";

/** Orders carry shipping addresses: staff may list anyone's (or all), a customer only their own (`sub` = userId). */
function mayList(principal: Principal, userId: string | undefined): void {
  if (principal.role === "staff" || (userId !== undefined && principal.sub.toLowerCase() === userId)) return;
  throw forbidden(userId ? "a customer token lists only its own orders (userId = the token's sub)" : "listing every order needs a staff token");
}

export function createOrdersRouter(deps: {
  placeOrder: ReturnType<typeof createPlaceOrder>;
  changeStatus: ReturnType<typeof createChangeStatus>;
  queries: OrderQueries;
  requireStaff: RequestHandler;
  /** Any valid token (staff or customer). */
  requireUser: RequestHandler;
}): Router {
  const router = Router();

  router.post("/api/orders", async (req, res) => {
    const input = validate(placeOrderSchema, req.body, "ORDERS.INVALID_BODY", "order is invalid");
    const key = validate(idempotencyKeySchema, req.get("idempotency-key"), "ORDERS.INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be 1–255 characters");
    const { order, replayed } = await deps.placeOrder(input, key);
    if (replayed) res.setHeader("Idempotent-Replayed", "true");
    res.status(201).location(`/api/orders/${order.id}`).json(order);
  });

  router.get("/api/orders", deps.requireUser, async (req, res) => {
    const q = validate(listOrdersSchema, req.query, "ORDERS.INVALID_QUERY", "userId must be a UUID; limit 1–500; offset ≥ 0");
    mayList(res.locals.principal as Principal, q.userId);
    res.json(await deps.queries.listOrders(q));
  });

  router.get("/api/orders/:id", async (req, res) => {
    const { id } = validate(orderIdSchema, req.params, "ORDERS.INVALID_ID", "id must be a UUID");
    res.json(await deps.queries.getOrder(id));
  });

  // Auth runs first: an anonymous caller learns nothing about the order or the body's validity.
  router.put("/api/orders/:id/status", deps.requireStaff, async (req, res) => {
    const { id } = validate(orderIdSchema, req.params, "ORDERS.INVALID_ID", "id must be a UUID");
    const { status } = validate(statusChangeSchema, req.body, "ORDERS.INVALID_STATUS", "status must be one of Shipped, Delivered, Cancelled");
    res.json(await deps.changeStatus(id, status as "Shipped" | "Delivered" | "Cancelled"));
  });

  return router;
}
