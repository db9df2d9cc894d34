import { createServiceClient } from "../../platform/http/service-client.js";
import { dependencyUnavailable } from "../../platform/errors/app-error.js";
import type { UsersApi } from "./contracts/user.dto.js";

/**
 * UsersApi over HTTP, for a process whose users module also runs as an extracted service (USERS_SERVICE_URL).
 * Only the contract's answers count: 200, or 404 with `USERS.NOT_FOUND`. Anything else (a 404 from a wrong URL,
 * an unexpected status) is the service being unavailable, never "no such user".
 */
export function createUsersHttpClient(options: { baseUrl: string; timeoutMs: number }): UsersApi {
  const client = createServiceClient({ name: "users", ...options });
  return {
    async userExists(id) {
      const { status, body } = await client.get<{ code?: unknown }>(`/api/users/validate?id=${encodeURIComponent(id)}`);
      if (status === 200) return true;
      if (status === 404 && body?.code === "USERS.NOT_FOUND") return false;
      throw dependencyUnavailable("users", new Error(`unexpected answer ${status} from GET /api/users/validate`));
    },
  };
}
