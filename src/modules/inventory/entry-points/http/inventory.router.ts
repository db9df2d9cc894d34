import { Router } from "express";
import { validate } from "../../../../platform/http/validate.js";
import { checkBatchSchema, checkQuerySchema, quantityQuerySchema, updateStockSchema } from "../../contracts/inventory.dto.js";
import type { InventoryUseCases } from "../../domain/inventory.use-cases.js";
import { productNotFound } from "../../domain/inventory.errors.js";

export function createInventoryRouter(useCases: InventoryUseCases): Router {
  const router = Router();

  router.post("/api/inventory/update", async (req, res) => {
    const input = validate(updateStockSchema, req.body, "INVENTORY.INVALID_BODY", "stock update is invalid");
    res.json(await useCases.updateStock(input));
  });

  router.get("/api/inventory/check", async (req, res) => {
    const q = validate(checkQuerySchema, req.query, "INVENTORY.INVALID_QUERY", "productId (UUID) and quantity (integer ≥ 1) are required");
    const [check] = await useCases.checkStock([q]);
    if (!check?.known) throw productNotFound(q.productId);
    res.json({ productId: check.productId, requested: check.requested, available: check.available, inStock: check.inStock });
  });

  router.post("/api/inventory/check", async (req, res) => {
    const { items } = validate(checkBatchSchema, req.body, "INVENTORY.INVALID_BODY", "items: 1 to 100 lines of { productId (UUID), quantity (integer ≥ 1) }");
    res.json({ items: await useCases.checkStock(items) });
  });

  router.get("/api/inventory/quantity", async (req, res) => {
    const { productId } = validate(quantityQuerySchema, req.query, "INVENTORY.INVALID_QUERY", "productId (UUID) is required");
    res.json(await useCases.getQuantity(productId));
  });

  return router;
}
