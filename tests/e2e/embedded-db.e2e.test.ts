import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pg from "pg";
import { lockDataDir } from "../../src/platform/db/data-dir-lock.js";
import { clusterDirFor, runAsUser } from "../../src/platform/db/embedded-cluster.js";
import { startEmbedded } from "../../src/platform/db/embedded-postgres.js";
import { MIGRATIONS_DIR } from "../../src/platform/db/database.js";
import { createLogger } from "../../src/platform/logger/logger.js";
import { call, eventually, freePort, runCli, startProcess, type StartedProcess } from "#test-support";

// The embedded database as users meet it: `strangler monolith` with no DATABASE_URL, real processes, real
// PostgreSQL children under DATA_DIR/postgres. Process checks read /proc (Linux, like CI and the image).

const dirs: string[] = [];
const running: StartedProcess[] = [];
after(async () => {
  // SIGTERM: a server that is still shutting down would write into a dir being removed.
  for (const p of running) await p.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 5 });
});
const dataDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "strangler-e2e-embedded-"));
  chmodSync(d, 0o755); // like a `mkdir data`: as root, the server runs as another user who must enter it
  dirs.push(d);
  return d;
};
const envFor = (dir: string) => ({ DATA_DIR: dir, DATABASE_URL: "", KAFKA_BROKERS: "", JWT_SECRET: "embedded-e2e-secret-embedded-e2e-secret" });
async function monolith(dir: string): Promise<StartedProcess> {
  const p = await startProcess({ entry: "bin", role: ["monolith"], env: envFor(dir), readyPath: "/health", readyTimeoutMs: 60_000 });
  running.push(p);
  return p;
}

interface Proc {
  pid: number;
  ppid: number;
  argv: string[];
}
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      const ppid = Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      out.push({ pid: Number(name), ppid, argv });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
/** The postmaster on `cluster`, its server processes, and the sh watchdog around it. */
function serverOf(cluster: string) {
  const all = processes();
  const onCluster = all.filter((p) => p.argv.includes(cluster));
  const postmaster = onCluster.find((p) => p.argv[0]!.endsWith("/postgres"));
  const watchdogs = onCluster.filter((p) => p.argv[0] === "/bin/sh");
  const backends = postmaster ? all.filter((p) => p.ppid === postmaster.pid) : [];
  return { postmaster, watchdogs, backends, all: [...onCluster, ...backends] };
}
const alive = (pid: number) => existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, "utf8") !== "";

async function createUser(base: string): Promise<string> {
  const res = await call("POST", `${base}/api/users`, { username: `emb_${randomUUID().slice(0, 8)}`, email: `${randomUUID()}@example.com`, firstName: "E", lastName: "Mbedded" });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

describe("embedded PostgreSQL (no DATABASE_URL) as real processes", () => {
  it("when a second process starts on the same DATA_DIR, then it refuses naming the holder, and the first keeps serving on its server", async () => {
    const dir = dataDir();
    const first = await monolith(dir);
    const cluster = path.join(dir, "postgres");
    const postmaster = serverOf(cluster).postmaster;
    assert.ok(postmaster, "a postmaster runs on DATA_DIR/postgres");
    const second = await runCli(["monolith"], { ...envFor(dir), PORT: String(await freePort()) }, 30_000);
    assert.notEqual(second.code, 0);
    assert.match(second.stdout + second.stderr, new RegExp(`data dir ${dir} is in use by another process \\(pid ${first.child.pid} `));
    assert.equal((await fetch(`${first.url}/ready`)).status, 200);
    await createUser(first.url);
    assert.equal(serverOf(cluster).postmaster?.pid, postmaster.pid, "the first process's server is untouched");
    assert.equal(await first.stop(), 0, first.output());
  });

  it("when DATA_DIR is in a directory only its owner may enter (as root: a checkout under /root), then the server still starts and keeps its data across restarts", async () => {
    const dir = path.join(dataDir(), "private");
    mkdirSync(path.join(dir, "data"), { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const data = path.join(dir, "data");
    const cluster = clusterDirFor(data, runAsUser());
    if (cluster.relocated) dirs.push(path.dirname(cluster.dir));
    assert.equal(cluster.relocated, process.getuid?.() === 0, "root hands the server to a user who cannot enter it");
    const first = await monolith(data);
    const userId = await createUser(first.url);
    assert.equal(/its cluster is kept outside it/.test(first.output()), cluster.relocated, first.output());
    assert.equal(await first.stop(), 0, first.output());
    const again = await monolith(data);
    assert.equal((await call("GET", `${again.url}/api/users/${userId}`)).status, 200);
    assert.equal(await again.stop(), 0, again.output());
  });

  it("when the process gets SIGTERM, then it exits 0 after a clean server shutdown: no postgres left, no postmaster.pid", async () => {
    const dir = dataDir();
    const p = await monolith(dir);
    const cluster = path.join(dir, "postgres");
    const before = serverOf(cluster);
    assert.ok(before.postmaster && before.backends.length > 0 && before.watchdogs.length > 0, "postmaster, its backends and the watchdog run");
    assert.equal(await p.stop(), 0, p.output());
    for (const q of before.all) assert.ok(!alive(q.pid), `pid ${q.pid} (${q.argv.join(" ")}) still alive after a clean stop`);
    assert.ok(!existsSync(path.join(cluster, "postmaster.pid")), "a clean shutdown removes postmaster.pid");
    assert.doesNotMatch(p.output(), /exited unexpectedly|PANIC|database system was not properly shut down/);
  });

  it("when Node is SIGKILLed, then the watchdog stops the server, and the next start serves the same data", async () => {
    const dir = dataDir();
    const p = await monolith(dir);
    const userId = await createUser(p.url);
    const cluster = path.join(dir, "postgres");
    const before = serverOf(cluster);
    assert.ok(before.postmaster);
    await p.kill();
    await eventually(async () => before.all.every((q) => !alive(q.pid)), "no postgres process outlives the killed Node", 15_000);
    const again = await monolith(dir);
    assert.equal((await call("GET", `${again.url}/api/users/${userId}`)).status, 200);
    assert.equal(await again.stop(), 0, again.output());
  });

  it("when a server outlived its process (watchdog killed too), then the next start shuts the orphan down and starts its own", async () => {
    const dir = dataDir();
    const p = await monolith(dir);
    const userId = await createUser(p.url);
    const cluster = path.join(dir, "postgres");
    const { postmaster, watchdogs } = serverOf(cluster);
    assert.ok(postmaster && watchdogs.length > 0);
    for (const w of watchdogs) process.kill(w.pid, "SIGKILL");
    await p.kill();
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(alive(postmaster.pid), "the orphaned postmaster still runs (nothing stopped it)");
    const again = await monolith(dir);
    assert.ok(!alive(postmaster.pid), "the orphan was shut down");
    assert.match(again.output(), /embedded PostgreSQL of an earlier process still running: shutting it down/);
    assert.notEqual(serverOf(cluster).postmaster?.pid, postmaster.pid);
    assert.equal((await call("GET", `${again.url}/api/users/${userId}`)).status, 200);
    assert.equal(await again.stop(), 0, again.output());
  });

  it("when a memory:// database closes, then its server stops and its temp cluster is removed", async () => {
    const logger = createLogger({ level: "warn", service: "e2e", silent: true });
    const db = await startEmbedded("memory://", MIGRATIONS_DIR, logger);
    const { postmaster } = serverOf(db.cluster);
    assert.ok(postmaster && existsSync(path.join(db.cluster, "PG_VERSION")));
    assert.ok(db.cluster.startsWith(os.tmpdir()));
    await db.stop();
    assert.ok(!alive(postmaster.pid));
    assert.ok(!existsSync(path.dirname(db.cluster)), "the temp dir is removed");
  });

  it("when on DATA_DIR, then writes are crash-safe (fsync) without a flush wait per commit; memory:// skips fsync", async () => {
    const logger = createLogger({ level: "warn", service: "e2e", silent: true });
    const settings = async (url: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const { rows } = await c.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses')");
        return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
      } finally {
        await c.end();
      }
    };
    for (const [dir, want] of [
      [dataDir(), { fsync: "on", full_page_writes: "on", synchronous_commit: "off", listen_addresses: "" }],
      ["memory://", { fsync: "off", full_page_writes: "off", synchronous_commit: "off", listen_addresses: "" }],
    ] as const) {
      const db = await startEmbedded(dir, MIGRATIONS_DIR, logger);
      try {
        assert.deepEqual(await settings(db.url), want, dir);
      } finally {
        await db.stop();
      }
    }
  });

  it("when the server cannot start, then the error carries its log, nothing is left running and the data dir is free again", async () => {
    const logger = createLogger({ level: "warn", service: "e2e", silent: true });
    const dir = dataDir();
    await (await startEmbedded(dir, MIGRATIONS_DIR, logger)).stop();
    const conf = path.join(dir, "postgres", "postgresql.conf");
    const good = readFileSync(conf, "utf8");
    appendFileSync(conf, "\nshared_buffers = 'plenty'\n");
    await assert.rejects(startEmbedded(dir, MIGRATIONS_DIR, logger), /embedded PostgreSQL did not start .*shared_buffers/);
    assert.equal(serverOf(path.join(dir, "postgres")).all.length, 0, "no postgres or watchdog left");
    lockDataDir(dir).release();
    writeFileSync(conf, good);
    await (await startEmbedded(dir, MIGRATIONS_DIR, logger)).stop();
  });
});
