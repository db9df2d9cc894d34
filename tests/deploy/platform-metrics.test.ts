import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, broker, dropNamespace, kafkaEnv, newNamespace, rawProducer, withAdmin, freePort, startProcess, type StartedProcess } from "#test-support";
import { measureLag } from "../../src/platform/observability/kafka-lag.js";
import { helmTemplate, ofKind } from "./support/deploy-tools.js";
import { analysisQueries, dashboardExprs, exportedNames, metricNamesIn } from "./support/promql.js";

// The metric names the chart's Grafana dashboard and Argo Rollouts AnalysisTemplate query, checked against live
// /metrics scrapes of the real proxy (admin port) and a real app role (its own port, on a real Kafka broker).
const ON = { "monitoring.grafanaDashboard.enabled": "true", "inventory.rollout.enabled": "true" };
const scrape = async (url: string) => {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200, `${url}/metrics`);
  return res.text();
};

describe("platform metrics: what the dashboard and the canary analysis query is what the code exports", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "strangler-metrics-"));
  const ns = newNamespace("metrics");
  let monolith: StartedProcess;
  let proxy: StartedProcess;

  before(async () => {
    await broker("start");
    const env = { ...kafkaEnv(ns), DATABASE_URL: "", JWT_SECRET: "m".repeat(40), UNLEASH_URL: "", ROUTES_FILE: "", LOG_LEVEL: "warn" };
    monolith = await startProcess({ entry: "bin", role: ["monolith"], env: { ...env, DATA_DIR: path.join(dir, "monolith") }, readyPath: "/health", readyTimeoutMs: 90_000 });
    proxy = await startProcess({ entry: "bin", role: ["proxy"], env: { ...env, DATA_DIR: path.join(dir, "proxy"), ADMIN_PORT: String(await freePort()), MONOLITH_URL: monolith.url }, readyPath: "/health" });
    for (let i = 0; i < 3; i++) await fetch(`${proxy.url}/api/users/does-not-exist`); // samples through the proxy
  });
  after(async () => {
    await proxy?.stop();
    await monolith?.stop();
    await dropNamespace(ns);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the app role serves /metrics on its own port; the public proxy port answers /metrics itself with 404 (never forwards it)", async () => {
    assert.match(await scrape(monolith.url), /^# TYPE strangler_outbox_pending_rows gauge$/m);
    const res = await fetch(`${proxy.url}/metrics`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(await res.text(), /strangler_outbox_pending_rows/);
  });

  it("the app role exports its outbox backlog per module and its consumer lag per group/topic/partition", async () => {
    assert.match(await scrape(monolith.url), /^strangler_outbox_pending_rows\{module="orders"\} 0$/m);
    assert.match(await scrape(monolith.url), /^strangler_outbox_pending_rows\{module="inventory"\} 0$/m);
    // a message the inventory consumer rejects (dead-letter) and commits: its group now has committed offsets
    const producer = await rawProducer();
    await producer.send({ topic: `${ns}order-placed`, messages: [{ key: "k", value: "not json" }] });
    await producer.disconnect();
    const group = `${ns}strangler.inventory`;
    const lagLine = new RegExp(`^strangler_consumer_lag_messages\\{group="${group.replaceAll(".", "\\.")}",topic="${ns.replaceAll(".", "\\.")}order-placed",partition="\\d+"\\} 0$`, "m");
    await eventually(async () => lagLine.test(await scrape(monolith.url)), `lag series of ${group}`, 40_000);
  });

  it("consumer lag per partition = end offset - committed offset (from the partition's start when none is committed)", async () => {
    const topic = `${ns}lag-check`;
    const group = `${ns}lag-check-group`;
    await withAdmin((admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] }));
    const producer = await rawProducer();
    await producer.send({ topic, messages: [0, 1, 2, 3, 4].map((i) => ({ partition: 0, value: `m${i}` })) });
    await producer.send({ topic, messages: [{ partition: 1, value: "x" }] });
    await producer.disconnect();
    const lag = await withAdmin(async (admin) => {
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "2" }] });
      return measureLag(admin, group);
    });
    const byPartition = Object.fromEntries(lag.filter((s) => s.labels.topic === topic).map((s) => [s.labels.partition, s.value]));
    assert.deepEqual(byPartition, { "0": 3, "1": 1 });
  });

  it("every metric the Grafana dashboard queries is exported by the proxy or the app role", async () => {
    const cm = ofKind(helmTemplate(ON).objects, "ConfigMap").find((c) => c.metadata.labels?.grafana_dashboard === "1");
    assert.ok(cm?.data?.["strangler.json"], "dashboard ConfigMap");
    const names = dashboardExprs(JSON.parse(cm.data["strangler.json"])).flatMap(metricNamesIn);
    const exported = new Set([...exportedNames(await scrape(proxy.adminUrl!)), ...exportedNames(await scrape(monolith.url))]);
    for (const required of ["strangler_proxy_requests_total", "strangler_proxy_request_duration_seconds_bucket", "strangler_proxy_breaker_state", "strangler_proxy_fallbacks_total", "strangler_outbox_pending_rows", "strangler_consumer_lag_messages"])
      assert.ok(names.includes(required), `the dashboard shows ${required}`);
    assert.deepEqual(names.filter((n) => !exported.has(n)), [], "dashboard metrics nobody exports");
  });

  it("the AnalysisTemplate queries only metrics the proxy's admin port exports, with the upstream label the proxy sets", async () => {
    const [template] = ofKind(helmTemplate(ON).objects, "AnalysisTemplate");
    assert.ok(template, "AnalysisTemplate rendered");
    const queries = analysisQueries(template);
    const proxyScrape = await scrape(proxy.adminUrl!);
    const exported = exportedNames(proxyScrape);
    const names = queries.flatMap(metricNamesIn);
    assert.deepEqual([...new Set(names)].sort(), ["strangler_proxy_request_duration_seconds_bucket", "strangler_proxy_requests_total"]);
    assert.deepEqual(names.filter((n) => !exported.has(n)), []);
    // the labels the queries filter on are labels of those series
    assert.match(proxyScrape, /^strangler_proxy_requests_total\{route="[^"]+",upstream="monolith",status="\d{3}"\} 3$/m);
    for (const q of queries) assert.match(q, /upstream=~"\{\{args\.upstream\}\}"/);
  });
});
