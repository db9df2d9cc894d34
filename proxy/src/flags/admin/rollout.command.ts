import type { RouteDefinition } from "../../config/routes-file.js";
import { EXIT_BACKEND, EXIT_OK, EXIT_USAGE, FlagsCommandError, type FlagStore } from "./flag-store.js";

/** Exit code of `strangler rollout` when the route guard tripped during a step (the route is back at 0 %). */
export const EXIT_TRIPPED = 3;

export interface RolloutPlan {
  readonly steps: readonly number[];
  readonly holdMs: number;
  /** How often the store is read during a hold (the guard's verdict, a person's change). */
  readonly pollMs: number;
}

/** `--steps 5,25,50,100 --hold 60s` (the defaults); hold in ms, s or m (a bare number is seconds). */
export function parseRolloutArgs(args: readonly string[]): RolloutPlan {
  let steps = [5, 25, 50, 100];
  let holdMs = 60_000;
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new FlagsCommandError(`${name} needs a value`, EXIT_USAGE);
    if (name === "--steps") {
      steps = value.split(",").map((p) => (/^\d{1,3}$/.test(p.trim()) ? Number(p) : NaN));
      if (!steps.every((p, k) => p >= 1 && p <= 100 && (k === 0 || p > steps[k - 1]!)))
        throw new FlagsCommandError(`bad --steps "${value}": rising whole percentages from 1 to 100, e.g. 5,25,50,100`, EXIT_USAGE);
    } else if (name === "--hold") {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
      if (!m) throw new FlagsCommandError(`bad --hold "${value}": e.g. 60s, 500ms, 2m`, EXIT_USAGE);
      holdMs = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(m[2] ?? "s") as "ms" | "s" | "m"];
    } else throw new FlagsCommandError(`unknown option "${name}": expected --steps or --hold`, EXIT_USAGE);
  }
  return { steps, holdMs, pollMs: Math.min(1000, Math.max(50, holdMs / 10)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stepped rollout: each step sets the route's percentage, then holds while the route guard (in the proxy) stays
 * green — its verdict is read back from the flag store. A trip ends it: the route is at 0 % (the guard set it;
 * made sure here) and the exit code is EXIT_TRIPPED. A percentage changed by someone else also ends it (EXIT_BACKEND).
 * @example await runRollout(route, parseRolloutArgs(["--steps", "5,50,100", "--hold", "60s"]), store, io, "…");
 */
export async function runRollout(route: RouteDefinition, plan: RolloutPlan, store: FlagStore, io: { out(l: string): void; err(l: string): void }, description: string): Promise<number> {
  const hold = `${plan.holdMs / 1000}s`;
  for (const [k, percent] of plan.steps.entries()) {
    await store.setRollout(route.flag, percent, description);
    io.out(`${route.module}: step ${k + 1}/${plan.steps.length} at ${percent}% — holding ${hold} while the guard stays green`);
    const until = Date.now() + plan.holdMs;
    while (Date.now() < until) {
      await sleep(Math.min(plan.pollMs, Math.max(0, until - Date.now())));
      const now = await store.get(route.flag);
      if (now.guard) {
        if (now.enabled && now.rollout !== 0) await store.setEnabled(route.flag, false);
        io.err(`${route.module}: the guard tripped at ${percent}%: ${now.guard}; ${route.flag} is at 0% (set a percentage again to retry)`);
        return EXIT_TRIPPED;
      }
      if (!now.enabled || now.rollout !== percent) {
        io.err(`${route.module}: ${route.flag} was changed to ${now.enabled ? `${now.rollout ?? "custom"}%` : "off"} by someone else at step ${percent}%; stopping`);
        return EXIT_BACKEND;
      }
    }
  }
  io.out(`${route.module}: rolled out to ${plan.steps.at(-1)}%, the guard green at every step`);
  return EXIT_OK;
}
