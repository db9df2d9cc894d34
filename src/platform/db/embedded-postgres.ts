import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../logger/logger.js";
import { lockDataDir } from "./data-dir-lock.js";
import { clusterDirFor, copyOfTemplate, findBinaries, initCluster, processTempDir, runAsUser } from "./embedded-cluster.js";
import { startServer } from "./embedded-server.js";
import { migratePostgres } from "./migrator.js";

/** The embedded database: a PostgreSQL server of its own, started, migrated and stopped by this process. */
export interface Embedded {
  readonly url: string;
  /** The cluster directory (under DATA_DIR, or the temp dir of a `memory://` database). */
  readonly cluster: string;
  stop(): Promise<void>;
}

/**
 * `DATA_DIR` (locked against a second process) holds the cluster in `postgres/`, made by initdb on the first start
 * and migrated on every start by the same path as `strangler migrate`. `memory://` is a throw-away cluster in the
 * OS temp dir (copied from a cached template, fsync off), removed on stop.
 */
export async function startEmbedded(dataDir: string, migrationsDir: string, logger: Logger): Promise<Embedded> {
  const startedAt = performance.now();
  const ephemeral = dataDir.startsWith("memory://");
  const bin = findBinaries();
  const user = runAsUser();
  const root = ephemeral ? processTempDir("strangler-db-", user) : path.resolve(dataDir);
  const lock = ephemeral ? undefined : lockDataDir(root);
  const cleanup = () => {
    if (ephemeral) rmSync(root, { recursive: true, force: true });
    lock?.release();
  };
  try {
    const { dir: cluster, relocated } = ephemeral ? { dir: path.join(root, "postgres"), relocated: false } : clusterDirFor(root, user);
    if (relocated) logger.warn("DATA_DIR is not reachable by the embedded server's user: its cluster is kept outside it", { dataDir: root, cluster, runAs: user?.name });
    let created = false;
    if (ephemeral) await copyOfTemplate(bin, cluster, user);
    else if (!existsSync(path.join(cluster, "PG_VERSION"))) {
      if (existsSync(path.join(root, "pglite"))) logger.warn("DATA_DIR holds a PGlite database (pglite/) from an earlier version; it is not migrated", { dataDir: root });
      await initCluster(bin, cluster, user, { sync: true });
      created = true;
    }
    const server = await startServer(bin, { cluster, user, logger, settings: ephemeral ? THROWAWAY : DURABLE });
    try {
      const { appliedMigrationNames } = await migratePostgres(server.url, migrationsDir);
      logger.info("embedded database ready", {
        dataDir: ephemeral ? dataDir : cluster,
        created,
        runAs: user?.name,
        appliedMigrations: appliedMigrationNames,
        startMs: Math.round(performance.now() - startedAt),
      });
    } catch (e) {
      await server.stop();
      throw e;
    }
    return {
      url: server.url,
      cluster,
      async stop() {
        try {
          await server.stop();
        } finally {
          cleanup();
        }
      },
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/**
 * DATA_DIR: crash-safe (fsync, full-page writes), but a commit does not wait for its WAL flush: a crash or power loss
 * can lose the last ~0.6 s of acknowledged transactions (never corrupts, never half a transaction: an order and
 * its outbox row go together). Without it every order waits for an fsync, which halves the rate on a busy disk.
 */
const DURABLE = { synchronous_commit: "off" };
/** A test database that is removed on close needs no durability. */
const THROWAWAY = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };
