import { send } from "./http-client.js";
import type { TestProxy } from "./test-proxy.js";

export interface GuardView {
  state: string;
  reason: string | null;
  trippedAt: string | null;
  converged: boolean;
  window: { service: { n: number }; monolith: { n: number } };
}

export const guardOf = async (p: TestProxy): Promise<GuardView> =>
  (await send(`${p.adminUrl}/_strangler/status`)).json<{ routes: { guard: GuardView }[] }>().routes[0]!.guard;

/**
 * Sends `path` on the first route for fresh users (so both sides answer at a 50 % rollout), 8 at a time, until
 * the route's guard trips or `forMs` passes; returns how long it took, how many requests went, and the guard.
 */
export async function drive(p: TestProxy, path: string, forMs: number): Promise<{ ms: number; sent: number; guard: GuardView }> {
  const started = Date.now();
  let sent = 0;
  let guard = await guardOf(p);
  const worker = async (w: number) => {
    while (guard.state !== "tripped" && Date.now() - started < forMs)
      await send(`${p.url}${path}`, { headers: { cookie: `strangler_sid=drill-${w}-${sent++}-${started}` } });
  };
  const poll = async () => {
    while (guard.state !== "tripped" && Date.now() - started < forMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      guard = await guardOf(p);
    }
  };
  await Promise.all([poll(), ...Array.from({ length: 8 }, (_, w) => worker(w))]);
  return { ms: Date.now() - started, sent, guard };
}
