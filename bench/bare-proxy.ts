import path from "node:path";
import { ROOT, startProcess } from "#harness";

/** Starts bench/bare-node-proxy.mjs in front of `backendUrl` (reference d: the node:http floor), ready once it proxies /health. */
export async function startBareNodeProxy(backendUrl: string) {
  const bare = await startProcess({ entry: { script: path.join(ROOT, "bench/bare-node-proxy.mjs") }, role: [backendUrl], readyPath: "/health", readyTimeoutMs: 15_000 });
  return { url: bare.url, pid: bare.child.pid!, stop: () => bare.stop() };
}
