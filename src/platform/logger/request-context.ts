import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request (or per-message) context: the correlation id that goes into every log line and event envelope. */
export interface RequestContext {
  readonly requestId: string;
  /** The modules the proxy routes this request's identity to the extracted service for (its X-Strangler-Extracted). */
  readonly extracted?: ReadonlySet<string>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(ctx: RequestContext, fn: () => T): T => storage.run(ctx, fn);
export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
/** Whether the proxy in front routes this request's identity to `module`'s extracted service (false outside a request). */
export const isExtractedForRequest = (module: string): boolean => storage.getStore()?.extracted?.has(module) === true;
