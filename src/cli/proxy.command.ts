import type { Logger } from "../platform/logger/logger.js";

// The proxy lives in proxy/ (its own small package of the same app); loaded lazily so the monolith roles never pay for it.
/** A started proxy: `drain()` on SIGTERM, then `close()` after `drainMs`. */
export interface RunningProxyRole {
  port: number;
  url: string;
  adminUrl: string;
  drainMs: number;
  drain(): void;
  close(): Promise<void>;
}

type ProxyEntry = {
  runProxy(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningProxyRole>;
  runFlagsCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number>;
};
const load = () => import("../../proxy/src/index.js") as Promise<ProxyEntry>;

export const runProxyRole = async (env: NodeJS.ProcessEnv, logger: Logger) => (await load()).runProxy(env, logger);
export const runFlags = async (args: string[], env: NodeJS.ProcessEnv) => (await load()).runFlagsCommand(args, env);
