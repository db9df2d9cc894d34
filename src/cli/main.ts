import { loadConfig } from "../platform/config/config.js";
import { loadLogLevel } from "../platform/config/load-env.js";
import { reportStartupFailure } from "../platform/errors/process-errors.js";
import { createLogger, type Logger } from "../platform/logger/logger.js";
import { createRuntime, type Runtime } from "../roles/runtime.js";
import { MODULE_NAMES, startAll, startMonolith, startService, type ModuleName, type StartedRole } from "../roles/roles.js";
import { runMigrate } from "./migrate.command.js";
import { runToken } from "./token.command.js";
import { runUntilSignal } from "./lifecycle.js";
import { runOutbox } from "./outbox.command.js";
import { runFaults } from "./faults.command.js";
import { runFlags, runProxyRole } from "./proxy.command.js";
import { shareRunShadowSecret } from "../platform/http/shadow-signature.js";

const USAGE = `usage: strangler <role> [args]
  all                          proxy :8000 (admin :9000) + monolith :8080 + users :8081 + inventory :8082 + orders :8083 (npm start, docker run)
  monolith                     users, inventory and orders in one process (:8080)
  service <users|inventory|orders>   one module alone (:8081 / :8082 / :8083)
  proxy                        the Strangler Fig proxy (:8000; status page, /metrics on admin :9000)
  flags <list|init|set <route> <percent>|on <route>|off <route>>   route flags (Unleash, or the flags file)
  rollout <route> [--steps 5,25,50,100] [--hold 60s]   stepped rollout, stops (exit 3, route at 0 %) when the guard trips
  token --role <staff|customer> [--sub ID] [--expires 12h]         print a signed JWT
  faults <service> [--5xx N] [--delay MS] | <service> off | list   make an extracted service fail on purpose (drills)
  migrate                      apply prisma/migrations to DATABASE_URL (what prisma migrate deploy does)
  outbox <parked|retry> [--module M] [--id N|--all]   list / retry outbox rows parked after repeated publish failures
PORT overrides a server role's port; every setting is an environment variable (see README).`;

async function main(argv: string[]): Promise<number> {
  const [role, ...args] = argv;
  switch (role) {
    case "monolith":
      return serveApp("monolith", (rt) => startMonolith(rt));
    case "service": {
      const name = args[0] as ModuleName;
      if (!MODULE_NAMES.includes(name)) return usageError(`service needs one of: ${MODULE_NAMES.join(", ")}`);
      return serveApp(`service-${name}`, (rt) => startService(rt, name));
    }
    case "all":
      shareRunShadowSecret(process.env); // before either config is loaded: the proxy signs with what the services verify
      return serveApp("all", async (rt, logger) => {
        const started = await startAll(rt);
        const proxy = await runProxyRole(process.env, logger); // PORT (default 8000) is the proxy's here
        return {
          ...started,
          drain: () => (proxy.drain(), started.drain()),
          stop: async (ms) => (await proxy.close(), await started.stop(ms)),
        };
      });
    case "proxy":
      return runUntilSignal("proxy", loadLogLevel(process.env), (logger) => runProxyRole(process.env, logger));
    case "flags":
    case "rollout": // strangler rollout <route> --steps … --hold … (= flags rollout)
      return runFlags(role === "rollout" ? [role, ...args] : args, process.env);
    case "faults":
      return runFaults(args, loadConfig(process.env, { serving: false }).dataDir);
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

/**
 * A role of the app on a fresh runtime: validated config (LOG_LEVEL included), then the one lifecycle. SIGTERM:
 * /ready fails and connections close (drain), then servers, messaging and the runtime stop.
 */
function serveApp(name: string, start: (rt: Runtime, logger: Logger) => Promise<StartedRole>): Promise<number> {
  const config = loadConfig(process.env);
  return runUntilSignal(name, config.logLevel, async (logger) => {
    const rt = await createRuntime(config, logger);
    let role: StartedRole;
    try {
      role = await start(rt, logger);
    } catch (e) {
      await rt.close().catch(() => {});
      throw e;
    }
    return {
      drainMs: config.shutdownDrainMs,
      drain: () => (rt.beginShutdown(), role.drain()),
      close: async () => (await role.stop(config.shutdownTimeoutMs), await rt.close()),
    };
  });
}

main(process.argv.slice(2)).then(
  // A finished command exits now: a library timer must not keep it alive (Prisma's schema engine leaves its 10 s
  // advisory-lock timeout running after `migrate`). Writes to stdout/stderr are synchronous here, nothing is cut.
  (code) => process.exit(code),
  // Before any logger exists (invalid configuration, LOG_LEVEL included): the readable list on stderr.
  (e) => {
    process.exitCode = reportStartupFailure(e);
  },
);
