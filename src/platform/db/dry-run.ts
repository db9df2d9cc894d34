import { AsyncLocalStorage } from "node:async_hooks";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";

/**
 * Dry runs (issue 14, shadowed writes): a request runs its whole use case inside one interactive transaction that
 * is always rolled back. The transaction client lives in an AsyncLocalStorage scope, and the client every
 * repository holds (Database.prisma) is a thin view that sends each call to that transaction while a dry run is
 * active, and to the real client otherwise — so no repository, outbox or idempotency code knows about dry runs:
 * their rows are written in the transaction and vanish with it.
 */
const scope = new AsyncLocalStorage<Prisma.TransactionClient>();

/** True inside a dry run: nothing this request writes will commit (the outbox relay is not woken for it). */
export const inDryRun = (): boolean => scope.getStore() !== undefined;

/** Thrown at the end of every dry run so Prisma rolls the transaction back; carries the work's own outcome. */
class Rollback extends Error {
  constructor(readonly outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) {
    super("dry run: rolled back");
  }
}

export interface DryRunLimits {
  /** The whole dry run (handler included) must end within this, else Prisma rolls back and later queries fail. */
  readonly timeoutMs: number;
  /** Waiting for a pooled connection to open the transaction. */
  readonly maxWaitMs: number;
}

/**
 * `prisma` as every repository sees it: outside a dry run the client itself; inside, the dry run's transaction
 * client ($transaction there joins the dry run's transaction: a nested transaction is part of the outer one).
 */
export function dryRunAware(prisma: PrismaClient): PrismaClient {
  const bound = new Map<PropertyKey, unknown>();
  const joinOuter = (tx: Prisma.TransactionClient) => (arg: unknown) =>
    typeof arg === "function" ? (arg as (t: Prisma.TransactionClient) => Promise<unknown>)(tx) : sequentially(arg as Promise<unknown>[]);
  return new Proxy(prisma, {
    get(target, prop) {
      const tx = scope.getStore();
      if (tx === undefined) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        // Prisma's methods use private state: call them on the client itself, bound once per name.
        let fn = bound.get(prop);
        if (fn === undefined) bound.set(prop, (fn = value.bind(target)));
        return fn;
      }
      if (prop === "$transaction") return joinOuter(tx);
      const value = Reflect.get(tx, prop, tx);
      return typeof value === "function" ? value.bind(tx) : value;
    },
  });
}

async function sequentially(queries: Promise<unknown>[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const q of queries) results.push(await q);
  return results;
}

/**
 * Runs `work` in a transaction on `prisma` (the real client, not the aware view) that is always rolled back, with
 * `work`'s result or error passed through unchanged.
 */
export async function runDry<T>(prisma: PrismaClient, limits: DryRunLimits, work: () => Promise<T>): Promise<T> {
  try {
    await prisma.$transaction(
      async (tx) => {
        const outcome = await scope.run(tx, work).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        throw new Rollback(outcome);
      },
      { timeout: limits.timeoutMs, maxWait: limits.maxWaitMs },
    );
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    if (!e.outcome.ok) throw e.outcome.error;
    return e.outcome.value as T;
  }
  throw new Error("unreachable: a dry run always rolls back");
}
