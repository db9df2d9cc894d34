import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { lockDataDir } from "../db/data-dir-lock.js";

const LOCK_MODULE = fileURLToPath(new URL("../db/data-dir-lock.ts", import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "strangler-lock-"));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Another real process that takes the lock on `dir` and holds it until killed; resolves once it holds it. */
async function holder(dir: string): Promise<ChildProcess> {
  const code = `const { lockDataDir } = await import(${JSON.stringify(LOCK_MODULE)}); lockDataDir(${JSON.stringify(dir)}); console.log("held"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => b.toString().includes("held") && resolve());
    child.once("exit", (c) => reject(new Error(`lock holder exited with ${c}`)));
  });
  return child;
}
const killed = (child: ChildProcess) => new Promise<void>((resolve) => child.once("exit", () => resolve()).kill("SIGKILL"));

describe("data dir lock", () => {
  it("when another process holds the data dir, then opening it fails naming the dir, and the holder keeps it", async () => {
    const dir = tempDir();
    const child = await holder(dir);
    try {
      assert.throws(() => lockDataDir(dir), (e: Error) => e.message.includes(`data dir ${dir} is in use by another process`) && e.message.includes(`pid ${child.pid}`));
      assert.throws(() => lockDataDir(dir), /in use/, "a refused attempt must not weaken the holder's lock");
    } finally {
      await killed(child);
    }
  });

  it("when the holder is killed (no clean-up ran), then the lock is free at once: the kernel drops it, no PID is compared", async () => {
    const dir = tempDir();
    await killed(await holder(dir));
    lockDataDir(dir).release();
  });

  it("when a process releases the lock, then the next one takes it; the same process cannot take it twice", () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    assert.throws(() => lockDataDir(dir), /in use/);
    first.release();
    lockDataDir(dir).release();
  });

  it("when the dir holds the earlier pid-file lock naming a live process, then it is replaced, not trusted", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "strangler.lock"), String(process.ppid));
    lockDataDir(dir).release();
  });
});
