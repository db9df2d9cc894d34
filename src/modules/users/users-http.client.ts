import { createServiceClient } from "../../platform/http/service-client.js";
import { dependencyUnavailable } from "../../platform/errors/app-error.js";
import type { UsersApi } from "./contracts/user.dto.js";

/** UsersApi over HTTP, for a process whose users module runs as an extracted service (USERS_SERVICE_URL). */
export function createUsersHttpClient(options: { baseUrl: string; timeoutMs: number }): UsersApi {
  const client = createServiceClient({ name: "users", ...options });
  return {
    async userExists(id) {
      const { status } = await client.get(`/api/users/validate?id=${encodeURIComponent(id)}`);
      if (status === 200) return true;
      if (status === 404) return false;
      throw dependencyUnavailable("users", new Error(`unexpected status ${status} from users/validate`));
    },
  };
}
