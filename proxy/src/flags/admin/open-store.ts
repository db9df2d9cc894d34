import type { FlagsConfig } from "../../config/proxy.config.js";
import type { FlagStore } from "./flag-store.js";
import { createFileFlagStore } from "./file-flag.store.js";
import { createUnleashAdminStore } from "./unleash-admin.store.js";

/**
 * The store that writes the flags: the Unleash Admin API in mode `unleash` (undefined without UNLEASH_ADMIN_TOKEN),
 * else the flags file. Used by `strangler flags` and by the proxy's route guard to roll a route back.
 */
export function openFlagStore(flags: FlagsConfig): FlagStore | undefined {
  if (flags.mode === "file") return createFileFlagStore(flags.flagsFile);
  if (!flags.adminToken) return undefined;
  return createUnleashAdminStore({ url: flags.unleashUrl!, token: flags.adminToken, project: flags.project, environment: flags.environment, timeoutMs: flags.timeoutMs });
}
