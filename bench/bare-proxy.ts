import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, ROOT } from "#harness";

/** Starts bench/bare-node-proxy.mjs in front of `backendUrl` (reference d: the node:http floor). */
export async function startBareNodeProxy(backendUrl: string) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "bench/bare-node-proxy.mjs"), String(port), backendUrl], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`bare-node-proxy exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
