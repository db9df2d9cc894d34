import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { hit, steadyLoad } from "./support/steady-load.js";
import { createTestDatabase, ensureTemplateDatabase, freePort, type StartedProcess, startProcess } from "#test-support";

const DRAIN_MS = 2_000;
const ENDPOINT_POLL_MS = 100;

/**
 * One Service address in front of two pods, as kube-proxy gives it: every new connection goes to an endpoint whose
 * readiness probe passed on its last poll (every 100 ms here; seconds in a real cluster, which SHUTDOWN_DRAIN_MS
 * covers). Kubernetes itself cannot run here: this emulates only what the rollout depends on, endpoint removal
 * on a failing /ready, with real TCP to the real processes.
 */
async function serviceAddress(endpoints: StartedProcess[]) {
  const ready = new Map(endpoints.map((e) => [e.port, true]));
  const notReadySince = new Map<number, number>();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      await Promise.all(
        endpoints.map(async (e) => {
          const ok = await fetch(`${e.url}/ready`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false);
          if (!ok && ready.get(e.port)) notReadySince.set(e.port, Date.now());
          ready.set(e.port, ok);
        }),
      );
      await sleep(ENDPOINT_POLL_MS);
    }
  })();
  let next = 0;
  const server = net.createServer((client) => {
    const live = endpoints.filter((e) => ready.get(e.port));
    const target = live[next++ % Math.max(live.length, 1)];
    if (!target) return client.destroy();
    const upstream = net.connect(target.port, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    notReadySince: (e: StartedProcess) => notReadySince.get(e.port),
    async close() {
      polling = false;
      await poll;
      server.close();
    },
  };
}

describe("rolling update: SIGTERM one of two monolith pods under steady POST load through the proxy (real processes, real PostgreSQL)", { timeout: 120_000 }, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pods: StartedProcess[] = [];
  let proxy: StartedProcess | undefined;
  let service: Awaited<ReturnType<typeof serviceAddress>> | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "strangler-rollout-"));

  before(async () => {
    await ensureTemplateDatabase();
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.databaseUrl!, JWT_SECRET: "rollout-secret-rollout-secret-rollout-01", KAFKA_BROKERS: "", SHUTDOWN_DRAIN_MS: String(DRAIN_MS) };
    pods = [await startProcess({ entry: "bin", role: ["monolith"], env, readyPath: "/health" }), await startProcess({ entry: "bin", role: ["monolith"], env, readyPath: "/health" })];
    service = await serviceAddress(pods);
    proxy = await startProcess({ entry: "bin", role: ["proxy"], env: { MONOLITH_URL: service.url, DATA_DIR: dataDir, UNLEASH_URL: "", ROUTES_FILE: "" }, readyPath: "/health" });
  });
  after(async () => {
    await proxy?.stop();
    await service?.close();
    for (const p of pods) await p.kill();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("when a pod gets SIGTERM, then /ready turns 503 at once, it keeps serving through the drain, exits 0, and no request fails", async () => {
    const [leaving, staying] = pods as [StartedProcess, StartedProcess];
    const send = (n: number) =>
      hit(`${proxy!.url}/api/users`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: `rollout-${n}`, email: `rollout-${n}@example.com`, firstName: "Roll", lastName: "Out" }),
      });
    const load = steadyLoad({ workers: 16, send, isFailure: (o) => o.status !== 201 });
    await sleep(1_500);
    const sentBeforeSignal = load.stats.sent;
    const signalledAt = Date.now();
    const exited = leaving.stop();
    const code = await exited;
    const exitedAt = Date.now();
    await sleep(1_000); // and the remaining pod carries on alone
    const stats = await load.stop();

    assert.equal(stats.failed, 0, `${stats.failed} of ${stats.sent} POSTs failed during the rollout: ${stats.samples.join("; ")}`);
    assert.equal(code, 0, `the terminated pod exited ${code}:\n${leaving.output().slice(-2000)}`);
    assert.ok(stats.sent - sentBeforeSignal > 100, `too little load during the rollout (${stats.sent - sentBeforeSignal} requests) to prove anything`);
    const leftAfter = service!.notReadySince(leaving);
    assert.ok(leftAfter !== undefined && leftAfter - signalledAt < 1_000, "the terminated pod's /ready must fail right after SIGTERM");
    assert.ok(exitedAt - signalledAt >= DRAIN_MS, `the pod exited ${exitedAt - signalledAt} ms after SIGTERM, before its ${DRAIN_MS} ms drain`);
    assert.equal((await fetch(`${staying.url}/ready`)).status, 200);
  });
});
