import type { StockCheck, StockLevel } from "../contracts/inventory.dto.js";
import type { StockStore } from "./stock.store.js";
import { insufficientStock, productNotFound, stockLimitExceeded } from "./inventory.errors.js";

export function createInventoryUseCases(repo: StockStore) {
  return {
    /** `quantity` is a delta; creates the product when missing; 409 (nothing changes) when the result leaves 0..MAX. */
    async updateStock({ productId, quantity: delta }: StockLevel): Promise<StockLevel> {
      const quantity = await repo.applyDelta(productId, delta);
      if (quantity !== undefined) return { productId, quantity };
      if (delta >= 0) throw stockLimitExceeded(productId);
      throw insufficientStock(productId, (await repo.find(productId))?.quantity ?? 0, delta);
    },
    async getQuantity(productId: string): Promise<StockLevel> {
      const level = await repo.find(productId);
      if (!level) throw productNotFound(productId);
      return level;
    },
    async checkStock(items: { productId: string; quantity: number }[]): Promise<StockCheck[]> {
      const levels = await repo.findMany(items.map((i) => i.productId));
      return items.map(({ productId, quantity }) => {
        const available = levels.get(productId);
        return { productId, requested: quantity, available: available ?? 0, inStock: (available ?? 0) >= quantity, known: available !== undefined };
      });
    },
  };
}

export type InventoryUseCases = ReturnType<typeof createInventoryUseCases>;
