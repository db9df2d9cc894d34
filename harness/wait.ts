/**
 * The one wait helper: polls `check` every `everyMs` until it returns a truthy value and resolves with it, or
 * rejects after `timeoutMs` naming `what`. The async steps (outbox → consumer) take milliseconds, not seconds.
 */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Milliseconds `task` took: `const ms = await timed(() => eventually(...))`. */
export async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}
