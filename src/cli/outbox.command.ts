import { parseArgs } from "node:util";
import type { AppConfig } from "../platform/config/config.js";
import { openDatabase } from "../platform/db/database.js";
import type { Logger } from "../platform/logger/logger.js";
import { listParked, OUTBOX_SCHEMAS, retryParked } from "../platform/outbox/outbox-admin.js";
import type { ModuleSchema } from "../platform/outbox/outbox.js";

const USAGE = "usage: strangler outbox parked [--module orders|inventory]\n       strangler outbox retry [--module orders|inventory] (--id N | --all)   (--id needs --module)";

/**
 * `strangler outbox parked` lists the outbox rows set aside after OUTBOX_MAX_ATTEMPTS failed publishes (one JSON
 * object a line); `strangler outbox retry` puts them back in line for the running relays (docs/events.md).
 */
export async function runOutbox(args: string[], config: AppConfig, logger: Logger): Promise<number> {
  const [action, ...rest] = args;
  let values: { module?: string; id?: string; all?: boolean };
  try {
    ({ values } = parseArgs({ args: rest, options: { module: { type: "string" }, id: { type: "string" }, all: { type: "boolean" } } }));
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.module !== undefined && !OUTBOX_SCHEMAS.includes(values.module as ModuleSchema)) return usage(`--module must be one of ${OUTBOX_SCHEMAS.join(", ")}`);
  const schemas = values.module ? [values.module as ModuleSchema] : OUTBOX_SCHEMAS;
  if (action === "retry") {
    if (values.id !== undefined && !/^\d+$/.test(values.id)) return usage("--id must be a row id (a number)");
    if (values.id !== undefined && (!values.module || values.all)) return usage("--id needs --module (ids are per module) and not --all");
    if (values.id === undefined && !values.all) return usage("retry needs --id N or --all");
  } else if (action !== "parked") return usage(action ? `unknown outbox action "${action}"` : "missing action");
  const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1, dataDir: config.dataDir, logger });
  try {
    for (const schema of schemas) {
      if (action === "parked") for (const row of await listParked(db.prisma, schema)) console.log(JSON.stringify(row));
      else {
        const n = await retryParked(db.prisma, schema, values.id === undefined ? undefined : BigInt(values.id));
        console.log(`strangler outbox retry: ${n} parked ${schema} row(s) back in line`);
      }
    }
    return 0;
  } finally {
    await db.close();
  }
}

function usage(message: string): number {
  console.error(`strangler outbox: ${message}\n${USAGE}`);
  return 2;
}
