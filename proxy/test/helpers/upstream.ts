import type { StartProcessOptions } from "#test-support";

const SCRIPT = new URL("./name-upstream.ts", import.meta.url).pathname;

/**
 * startProcess options for the stand-in upstream `name` (name-upstream.ts) as its own OS process, so a test can kill
 * it like a crashed service: `await startProcess(nameUpstream("inventory"))`. `port` restarts it where it was; `env` is
 * added to its environment.
 */
export const nameUpstream = (name: string, port?: number, env: Record<string, string> = {}): StartProcessOptions => ({
  entry: { script: SCRIPT },
  role: [name],
  env: port ? { ...env, PORT: String(port) } : env,
  readyPath: "/health",
  readyTimeoutMs: 15_000,
});
