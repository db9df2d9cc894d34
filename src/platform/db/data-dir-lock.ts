import { mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

const SQLITE_BUSY = 5;
const SQLITE_NOTADB = 26;

/**
 * One process per data dir: PostgreSQL's own `postmaster.pid` check compares PIDs, which two containers sharing a
 * volume defeat (both servers can have the same PID in their own namespace). The guard is an OS-level
 * exclusive lock (SQLite's POSIX record lock on `strangler.lock`, taken through node:sqlite, no native addon),
 * held for the life of the process. The kernel drops it when the process exits or is killed, so there is no stale
 * lock to detect, and no PID to compare: two containers sharing a volume are both PID 1. `strangler.lock.owner`
 * only names the holder in the error message.
 */
export function lockDataDir(dir: string): { release(): void } {
  const root = path.resolve(dir);
  mkdirSync(root, { recursive: true });
  const file = path.join(root, "strangler.lock");
  const ownerFile = `${file}.owner`;
  const db = openLock(file);
  try {
    // EXCLUSIVE locking mode keeps the lock after the first write transaction, until the connection closes.
    db.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (at TEXT); COMMIT;");
  } catch (e) {
    db.close();
    if (errcode(e) !== SQLITE_BUSY) throw e;
    const owner = readOwner(ownerFile);
    throw new Error(`data dir ${root} is in use by another process${owner ? ` (${owner})` : ""}; stop it or set DATA_DIR to another directory`);
  }
  writeFileSync(ownerFile, `pid ${process.pid} on host ${os.hostname()} since ${new Date().toISOString()}\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(ownerFile, { force: true });
      db.close();
    },
  };
}

/** Opens the lock database; a `strangler.lock` from the earlier pid-file lock is not a database and is replaced. */
function openLock(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    db.exec("PRAGMA schema_version");
    return db;
  } catch (e) {
    if (errcode(e) !== SQLITE_NOTADB) return db; // busy: the exclusive attempt below reports the holder
    db.close();
    rmSync(file, { force: true });
    return new DatabaseSync(file, { timeout: 0 });
  }
}

const errcode = (e: unknown) => (e as { errcode?: number }).errcode;

function readOwner(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
