import { ConfigError, loadConfig, type AppConfig } from "../platform/config/config.js";
import { createLogger, type Logger } from "../platform/logger/logger.js";
import { createRuntime } from "../roles/runtime.js";
import { MODULE_NAMES, startAll, startMonolith, startService, type ModuleName, type StartedRole } from "../roles/roles.js";
import { runMigrate } from "./migrate.command.js";
import { runToken } from "./token.command.js";
import { runOutbox } from "./outbox.command.js";
import { runFlags, runProxyRole, type RunningProxyRole } from "./proxy.command.js";

const USAGE = `usage: strangler <role> [args]
  all                          proxy :8000 (admin :9000) + monolith :8080 + users :8081 + inventory :8082 + orders :8083 (npm start, docker run)
  monolith                     users, inventory and orders in one process (:8080)
  service <users|inventory|orders>   one module alone (:8081 / :8082 / :8083)
  proxy                        the Strangler Fig proxy (:8000; status page, /metrics on admin :9000)
  flags <list|init|set <route> <percent>|on <route>|off <route>>   route flags (Unleash, or the local flags file)
  token --role <staff|customer> [--sub ID] [--expires 12h]         print a signed JWT
  migrate                      apply prisma/migrations to DATABASE_URL (what prisma migrate deploy does)
  outbox <parked|retry> [--module M] [--id N|--all]   list / retry outbox rows parked after repeated publish failures
PORT overrides a server role's port; every setting is an environment variable (see README).`;

async function main(argv: string[]): Promise<number> {
  const [role, ...args] = argv;
  switch (role) {
    case "monolith":
      return serve("monolith", (rt) => startMonolith(rt));
    case "service": {
      const name = args[0] as ModuleName;
      if (!MODULE_NAMES.includes(name)) return usageError(`service needs one of: ${MODULE_NAMES.join(", ")}`);
      return serve(`service-${name}`, (rt) => startService(rt, name));
    }
    case "all":
      return serve("all", async (rt, logger) => {
        const started = await startAll(rt);
        const proxy = await runProxyRole({ ...process.env, PORT: process.env.PORT ?? "8000" }, logger);
        return {
          ...started,
          drain: () => (proxy.drain(), started.drain()),
          stop: async (ms) => (await proxy.close(), await started.stop(ms)),
        };
      });
    case "proxy":
      return runUntilSignal("proxy", (logger) => runProxyRole(process.env, logger));
    case "flags":
      return runFlags(args, process.env);
    case "token":
      return runToken(args, loadConfig(process.env, { serving: false }));
    case "migrate":
      return runMigrate(loadConfig(process.env, { serving: false }));
    case "outbox":
      return runOutbox(args, loadConfig(process.env, { serving: false }), createLogger({ level: "warn", service: "strangler-outbox" }));
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return role ? 0 : 1;
    default:
      return usageError(`unknown role "${role}"`);
  }
}

function usageError(message: string): number {
  console.error(`strangler: ${message}\n\n${USAGE}`);
  return 2;
}

function withConfig(): AppConfig {
  return loadConfig(process.env);
}

/** Starts a server role on a fresh runtime and keeps it up until SIGTERM/SIGINT, then shuts down gracefully. */
async function serve(name: string, start: (rt: Awaited<ReturnType<typeof createRuntime>>, logger: Logger) => Promise<StartedRole>): Promise<number> {
  const config = withConfig();
  const logger = createLogger({ level: config.logLevel, service: `strangler-${name}` });
  installProcessHandlers(logger);
  const rt = await createRuntime(config, logger);
  let role: StartedRole;
  try {
    role = await start(rt, logger);
  } catch (e) {
    await rt.close().catch(() => {});
    throw e;
  }
  await untilSignal(logger);
  rt.beginShutdown();
  role.drain();
  await drainFor(config.shutdownDrainMs, logger);
  await role.stop(config.shutdownTimeoutMs);
  await rt.close();
  logger.info("stopped");
  return 0;
}

async function runUntilSignal(name: string, start: (logger: Logger) => Promise<RunningProxyRole>): Promise<number> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "info", service: `strangler-${name}` });
  installProcessHandlers(logger);
  const running = await start(logger);
  await untilSignal(logger);
  running.drain();
  await drainFor(running.drainMs, logger);
  await running.close();
  logger.info("stopped");
  return 0;
}

/**
 * The drain delay of a rolling update: /ready already answers 503 and responses close their connections, so the
 * endpoint leaves the Service and clients reconnect elsewhere while this process still serves what reaches it.
 */
async function drainFor(ms: number, logger: Logger): Promise<void> {
  if (ms <= 0) return;
  logger.info("draining: not ready, still serving, connections close after each response", { drainMs: ms });
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function untilSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info("shutting down", { signal });
      process.off("SIGTERM", onSignal).off("SIGINT", onSignal);
      resolve();
    };
    process.on("SIGTERM", onSignal).on("SIGINT", onSignal);
  });
}

function installProcessHandlers(logger: Logger) {
  process.on("unhandledRejection", (reason) => logger.error("unhandled rejection", { error: reason instanceof Error ? reason.stack : String(reason) }));
  process.on("uncaughtException", (e) => {
    logger.error("uncaught exception, exiting", { error: e.stack });
    process.exit(1);
  });
}

main(process.argv.slice(2)).then(
  // A finished command exits now: a library timer must not keep it alive (Prisma's schema engine leaves its 10 s
  // advisory-lock timeout running after `migrate`). Writes to stdout/stderr are synchronous here, nothing is cut.
  (code) => process.exit(code),
  (e) => {
    if (e instanceof ConfigError) console.error(`strangler: ${e.message}`);
    else console.error(`strangler: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
