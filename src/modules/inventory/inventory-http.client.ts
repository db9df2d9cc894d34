import { createServiceClient } from "../../platform/http/service-client.js";
import { dependencyUnavailable } from "../../platform/errors/app-error.js";
import type { InventoryApi, StockCheck } from "./contracts/inventory.dto.js";

type CheckBody = { productId: string; requested: number; available: number; inStock: boolean };

/** InventoryApi over HTTP, for a process whose inventory module runs as an extracted service (INVENTORY_SERVICE_URL). */
export function createInventoryHttpClient(options: { baseUrl: string; timeoutMs: number }): InventoryApi {
  const client = createServiceClient({ name: "inventory", ...options });
  return {
    checkStock(items) {
      return Promise.all(
        items.map(async ({ productId, quantity }): Promise<StockCheck> => {
          const { status, body } = await client.get<CheckBody>(`/api/inventory/check?productId=${encodeURIComponent(productId)}&quantity=${quantity}`);
          if (status === 200) return { ...body, known: true };
          if (status === 404) return { productId, requested: quantity, available: 0, inStock: false, known: false };
          throw dependencyUnavailable("inventory", new Error(`unexpected status ${status} from inventory/check`));
        }),
      );
    },
  };
}
