import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { clusterDirFor, processTempDir, reachable, ROOT_CLUSTERS_DIR } from "../db/embedded-cluster.js";

const base = mkdtempSync(path.join(os.tmpdir(), "strangler-reach-"));
chmodSync(base, 0o755);
after(() => rmSync(base, { recursive: true, force: true }));
// A user that owns nothing here (neither uid nor gid match): only the "other" permission bits apply to it.
const stranger = { name: "stranger", uid: 4_000_001, gid: 4_000_001 };

describe("the embedded server's user must reach its cluster (root hands PostgreSQL to an unprivileged user)", () => {
  it("when a directory above DATA_DIR is closed to that user, then DATA_DIR is unreachable, and the cluster goes under /var/lib/strangler, the same one each time", () => {
    const closed = path.join(base, "closed");
    mkdirSync(path.join(closed, "data"), { recursive: true, mode: 0o700 });
    const data = path.join(closed, "data");
    assert.equal(reachable(data, stranger), false);
    const first = clusterDirFor(data, stranger);
    assert.equal(first.relocated, true);
    assert.ok(first.dir.startsWith(`${ROOT_CLUSTERS_DIR}/`) && first.dir.endsWith("/postgres"), first.dir);
    assert.deepEqual(clusterDirFor(data, stranger), first, "stable across starts");
    assert.notEqual(clusterDirFor(path.join(closed, "other"), stranger).dir, first.dir, "one per DATA_DIR");
  });

  it("when every directory up to DATA_DIR lets others through, then the cluster is DATA_DIR/postgres; running as oneself needs no check", () => {
    const open = path.join(base, "open", "data");
    mkdirSync(open, { recursive: true, mode: 0o755 });
    assert.deepEqual(clusterDirFor(open, stranger), { dir: path.join(open, "postgres"), relocated: false });
    assert.equal(reachable(path.join(base, "closed", "data"), undefined), true);
  });
});

describe("temp dirs of embedded servers (memory:// clusters, unix sockets) are named after their process", () => {
  it("when a process that made one is gone, then the next one removes it; a live process's dir is kept", () => {
    const prefix = `strangler-unit-sweep-${process.pid}x`;
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const deadDir = path.join(os.tmpdir(), `${prefix}${dead}-old`);
    const liveDir = path.join(os.tmpdir(), `${prefix}${process.ppid}-old`);
    mkdirSync(deadDir);
    mkdirSync(liveDir);
    try {
      const mine = processTempDir(prefix, undefined);
      try {
        assert.ok(!existsSync(deadDir), "the dead process's dir is removed");
        assert.ok(existsSync(liveDir), "a running process's dir is kept");
        assert.ok(path.basename(mine).startsWith(`${prefix}${process.pid}-`));
      } finally {
        rmSync(mine, { recursive: true, force: true });
      }
    } finally {
      rmSync(deadDir, { recursive: true, force: true });
      rmSync(liveDir, { recursive: true, force: true });
    }
  });
});
