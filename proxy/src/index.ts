import { createLogger, type Logger } from "../../src/platform/logger/logger.js";
import { loadProxyConfig } from "./config/proxy.config.js";
import { loadRouteTable } from "./config/routes-file.js";
import { ensureFlagsFile } from "./flags/admin/file-flag.store.js";
import { openFlagStore } from "./flags/admin/open-store.js";
import { createFlagSource } from "./flags/runtime/flag-source.js";
import { startProxyServer } from "./server/proxy.server.js";

export { runFlagsCommand } from "./flags/admin/flags.command.js";

/**
 * Starts the Strangler proxy (the `proxy` role; also started in-process by the `all` role): validates the
 * environment and the route table (throws ConfigError listing every problem), connects to Unleash
 * (or the flags file when UNLEASH_URL is unset) and listens on PORT (default 8000) for traffic and on
 * ADMIN_PORT (default 9000) for its internals (status page, /metrics, /health/details).
 * @example const proxy = await runProxy({ ...process.env, PORT: "0" }); … await proxy.close();
 */
export async function runProxy(
  env: NodeJS.ProcessEnv = process.env,
  logger?: Logger,
): Promise<{ port: number; url: string; adminPort: number; adminUrl: string; drainMs: number; drain(): void; close(): Promise<void> }> {
  const config = loadProxyConfig(env);
  const table = loadRouteTable(config);
  const log = logger ?? createLogger({ level: config.logLevel, service: "proxy" });
  if (config.flags.mode === "file") ensureFlagsFile(config.flags.flagsFile, table.routes);
  const flags = await createFlagSource(config.flags, log);
  try {
    const store = openFlagStore(config.flags); // the route guard's rollback (none in mode unleash without an admin token)
    const running = await startProxyServer(config, table, flags, log, store && ((flag, reason) => store.rollBack(flag, reason)));
    return {
      port: running.port,
      url: running.url,
      adminPort: running.adminPort,
      adminUrl: running.adminUrl,
      drainMs: config.shutdownDrainMs,
      drain: () => running.drain(),
      close: async () => {
        await running.close();
        flags.close();
      },
    };
  } catch (e) {
    flags.close();
    throw e;
  }
}
