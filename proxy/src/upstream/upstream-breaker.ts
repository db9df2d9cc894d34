import CircuitBreaker from "opossum";
import type { BreakerSettings } from "../config/proxy.config.js";

export type BreakerState = "closed" | "open" | "halfOpen";

/** A request the breaker is waiting on: the proxy settles it from the upstream's response or error. */
export interface BreakerSettleable {
  breakerResolve: (() => void) | undefined;
  breakerReject: ((e: Error) => void) | undefined;
}

/**
 * One opossum breaker per extracted service. The action forwards the request and settles when the
 * response head arrives (< 500: success) or the exchange fails (error, timeout, 5xx: failure).
 * opossum's own timeout and capacity are off: the proxy's upstream timeout and concurrency limit apply
 * (an overload must answer 503, not count as a service failure and open the breaker).
 */
export function createUpstreamBreaker<Req extends BreakerSettleable, Res>(
  name: string,
  settings: BreakerSettings,
  forward: (req: Req, res: Res) => void,
): CircuitBreaker<[Req, Res], void> {
  const action = (req: Req, res: Res): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      req.breakerResolve = resolve;
      req.breakerReject = reject;
      forward(req, res);
    });
  return new CircuitBreaker(action, {
    name,
    timeout: false,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
    rollingCountTimeout: settings.rollingWindowMs,
    rollingCountBuckets: 10,
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });
}

/** Settles the breaker's pending call for this request once: success, or failure with `error`. */
export function settleBreaker(req: BreakerSettleable, error?: Error): void {
  const resolve = req.breakerResolve;
  const reject = req.breakerReject;
  if (!resolve || !reject) return;
  req.breakerResolve = undefined;
  req.breakerReject = undefined;
  if (error) reject(error);
  else resolve();
}

export function breakerState(breaker: { readonly opened: boolean; readonly halfOpen: boolean }): BreakerState {
  if (breaker.opened) return "open";
  if (breaker.halfOpen) return "halfOpen";
  return "closed";
}
