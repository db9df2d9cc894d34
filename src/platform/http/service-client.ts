import { dependencyUnavailable } from "../errors/app-error.js";
import { currentRequestId } from "../logger/request-context.js";

export interface ServiceResponse<T = unknown> {
  status: number;
  body: T;
}

/**
 * Calls another module's HTTP API (once it is extracted) with a timeout, propagating X-Request-Id.
 * Connection failures, timeouts and 5xx become 503 DEPENDENCY.UNAVAILABLE; 2xx/4xx are returned to the caller.
 * @example const { status, body } = await client.get("/api/users/validate?id=" + id);
 */
export function createServiceClient(options: { name: string; baseUrl: string; timeoutMs: number }) {
  const base = options.baseUrl.replace(/\/+$/, "");

  async function request<T>(method: string, path: string, body?: unknown): Promise<ServiceResponse<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    const requestId = currentRequestId();
    if (requestId) headers["x-request-id"] = requestId;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (e) {
      throw dependencyUnavailable(options.name, e);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw dependencyUnavailable(options.name, new Error(`${options.name} answered ${res.status}`));
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (e) {
      throw dependencyUnavailable(options.name, e);
    }
    return { status: res.status, body: parsed as T };
  }

  return {
    get: <T>(path: string) => request<T>("GET", path),
    post: <T>(path: string, body: unknown) => request<T>("POST", path, body),
  };
}
