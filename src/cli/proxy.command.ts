import type { Logger } from "../platform/logger/logger.js";

// The proxy lives in proxy/ (its own small package of the same app); loaded lazily so the monolith roles never pay for it.
type ProxyEntry = {
  runProxy(env: NodeJS.ProcessEnv, logger?: Logger): Promise<{ port: number; url: string; adminUrl: string; close(): Promise<void> }>;
  runFlagsCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number>;
};
const load = () => import("../../proxy/src/index.js") as Promise<ProxyEntry>;

export const runProxyRole = async (env: NodeJS.ProcessEnv, logger: Logger) => (await load()).runProxy(env, logger);
export const runFlags = async (args: string[], env: NodeJS.ProcessEnv) => (await load()).runFlagsCommand(args, env);
