import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../logger/logger.js";
import { outboxTable, type ModuleSchema } from "../outbox/outbox.js";
import { sharedGauge, startPolling } from "./periodic-gauge.js";

export const OUTBOX_PENDING_METRIC = "strangler_outbox_pending_rows";

/**
 * `strangler_outbox_pending_rows{module}`: rows of each module's outbox not yet published (sent_at IS NULL), counted
 * every `intervalMs` (one cheap COUNT per module; the relay's partial index covers it). A growing value means the
 * relay cannot reach Kafka.
 * @example const backlog = startOutboxBacklog({ prisma, modules: ["orders"], logger }); ... backlog.stop();
 */
export function startOutboxBacklog(args: { prisma: PrismaClient; modules: readonly ModuleSchema[]; logger: Logger; intervalMs?: number }) {
  const gauge = sharedGauge(OUTBOX_PENDING_METRIC, "Outbox rows not yet published to the broker, per module", ["module"] as const);
  return startPolling({
    gauge,
    intervalMs: args.intervalMs ?? 15_000,
    logger: args.logger.child({ component: "outbox-backlog" }),
    measure: () =>
      Promise.all(
        args.modules.map(async (module) => {
          const [row] = await args.prisma.$queryRawUnsafe<{ pending: number }[]>(`SELECT count(*)::int AS pending FROM ${outboxTable(module, "outbox")} WHERE sent_at IS NULL`);
          return { labels: { module }, value: row?.pending ?? 0 };
        }),
      ),
  });
}
