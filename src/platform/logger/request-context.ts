import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request (or per-message) context: the correlation id that goes into every log line and event envelope. */
export interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(ctx: RequestContext, fn: () => T): T => storage.run(ctx, fn);
export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
