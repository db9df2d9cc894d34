import { createServiceClient } from "../../platform/http/service-client.js";
import { dependencyUnavailable } from "../../platform/errors/app-error.js";
import { stockChecksSchema, type InventoryApi, type StockCheck } from "./contracts/inventory.dto.js";

/**
 * InventoryApi over HTTP, for a process whose inventory module also runs as an extracted service
 * (INVENTORY_SERVICE_URL). One call per order: `POST /api/inventory/check` with every line. Only the contract's
 * answer counts (200 with one check per line); anything else is the service being unavailable.
 */
export function createInventoryHttpClient(options: { baseUrl: string; timeoutMs: number }): InventoryApi {
  const client = createServiceClient({ name: "inventory", ...options });
  return {
    async checkStock(items) {
      const { status, body } = await client.post<{ items?: StockCheck[] }>("/api/inventory/check", { items });
      const answer = status === 200 ? stockChecksSchema.validate(body?.items) : undefined;
      if (answer && !answer.error && answer.value.length === items.length) return answer.value;
      throw dependencyUnavailable("inventory", new Error(`unexpected answer ${status} from POST /api/inventory/check`));
    },
  };
}
