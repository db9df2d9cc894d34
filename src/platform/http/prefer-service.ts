import CircuitBreaker from "opossum";
import type { Logger } from "../logger/logger.js";

/** What a module's facade is: async methods only. */
type Api = Record<string, (...args: never[]) => Promise<unknown>>;

export interface PreferServiceOptions {
  /** Per call: whether the service should be asked at all (default: always). False → in-process, no call made. */
  readonly wanted?: () => boolean;
  /** Failures (as a share of calls in the rolling window) that open the breaker. */
  readonly errorThresholdPercentage?: number;
  /** Calls in the rolling window before the breaker may open. */
  readonly volumeThreshold?: number;
  /** How long an open breaker sends every call in-process before it lets one probe through. */
  readonly resetTimeoutMs?: number;
}

/**
 * A module's API served by its extracted service, with the in-process module behind it. `wanted` says per call
 * whether to ask the service at all (the proxy's X-Strangler-Extracted: with the route's flag off no call is made,
 * so nothing depends on the service). When asked: the monolith still hosts the module's code over the same data,
 * so only a domain answer from the service counts: when the service is
 * unreachable, slow, answers 5xx, or answers anything that is not the contract (a 404 from a wrong URL, an older
 * version without the endpoint), the in-process module answers instead and the caller never sees the difference.
 * After repeated failures the breaker opens and calls go in-process at once; one probe per `resetTimeoutMs` tries the
 * service again. Breaker state changes are logged (one line each, not one per call).
 * @example const users = preferService("users", createUsersHttpClient(...), usersModule.api, logger);
 */
export function preferService<T extends object>(name: string, serviceApi: T, inProcessApi: T, logger: Logger, options: PreferServiceOptions = {}): T {
  const service = serviceApi as Api;
  const inProcess = inProcessApi as Api;
  const breaker = new CircuitBreaker((method: string, args: never[]) => service[method]!(...args), {
    timeout: false, // the service client has its own timeout
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    volumeThreshold: options.volumeThreshold ?? 5,
    resetTimeout: options.resetTimeoutMs ?? 5_000,
  });
  breaker.fallback((method: string, args: never[]) => inProcess[method]!(...args));
  breaker.on("open", () => logger.warn(`${name} service failing: its calls are answered in-process`, { module: name }));
  breaker.on("halfOpen", () => logger.info(`${name} service: probing it again`, { module: name }));
  breaker.on("close", () => logger.info(`${name} service answers again: calls go to it`, { module: name }));
  let failures = 0;
  breaker.on("failure", (error: unknown) => {
    if (failures++ === 0) logger.warn(`${name} service call failed: answered in-process`, { module: name, error: String(error) });
  });
  breaker.on("success", () => void (failures = 0));

  const api: Record<string, unknown> = {};
  const wanted = options.wanted ?? (() => true);
  for (const method of Object.keys(service)) api[method] = (...args: never[]) => (wanted() ? breaker.fire(method, args) : inProcess[method]!(...args));
  return api as T;
}
