import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import net from "node:net";

const SCRIPT = fileURLToPath(new URL("./name-upstream.ts", import.meta.url));

/** A stand-in upstream running as its own OS process (so a test can kill it like a crashed service). */
export interface UpstreamProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGKILL, resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts `name-upstream.ts <name> <port>` and waits (≤ 15 s) for it to listen. Port 0 picks a free one. */
export async function startUpstream(name: string, port = 0): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, name, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  const actual = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`upstream ${name} did not start within 15 s`)), 15_000);
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /ready (\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`upstream ${name} exited with ${code} before listening`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
