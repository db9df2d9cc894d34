import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "#test-support";

export interface Shell {
  /** Runs one block in the session (its variables stay for the next); resolves with what it printed, rejects if it fails. */
  run(script: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * One `bash -euo pipefail` session in the repository root, like the terminal a reader pastes README blocks into:
 * blocks run in order in the same shell, so `P=…` in one is `$P` in the next. Each block is sourced from a file
 * with stdin from /dev/null (a command in it can never read the next block as its input); a failing command ends
 * the shell (`-e`), which fails that block with its exit code and output.
 */
export function startShell(env: Record<string, string>): Shell {
  const dir = mkdtempSync(path.join(os.tmpdir(), "strangler-readme-shell-"));
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const child = spawn("bash", ["-euo", "pipefail"], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let n = 0;
  return {
    async run(script, timeoutMs) {
      n += 1;
      const file = path.join(dir, `block-${n}.sh`);
      writeFileSync(file, `${script}\n`);
      const marker = `::readme block ${n} done::`;
      const from = out.length;
      const fromErr = err.length;
      child.stdin.write(`source ${file} </dev/null; echo '${marker}'\n`);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const at = out.indexOf(marker, from);
        if (at >= 0) return out.slice(from, at);
        const shown = () => `\n--- block ${n} ---\n${script}\n--- stdout ---\n${out.slice(from)}\n--- stderr ---\n${err.slice(fromErr)}`;
        if (child.exitCode !== null) throw new Error(`README block ${n} failed: the shell exited with ${child.exitCode}${shown()}`);
        if (Date.now() > deadline) throw new Error(`README block ${n} still running after ${timeoutMs} ms${shown()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      if (child.exitCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
