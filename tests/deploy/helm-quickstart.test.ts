import assert from "node:assert/strict";
import { describe, it } from "node:test";
import path from "node:path";
import { CHART, KUBE_VERSION, RELEASE, chartValues, helmTemplate, kubeconform, ofKind, run, serviceForHost, services, tool, type K8sObject } from "./support/deploy-tools.js";

// charts/strangler with values-quickstart.yaml: the infrastructure an empty cluster needs (split from helm-chart.test.ts).
const QUICKSTART = ["-f", path.join(CHART, "values-quickstart.yaml")];
const INFRA = ["postgres", "kafka", "unleash"];

describe("quickstart infrastructure (values-quickstart.yaml)", () => {
  const workloads = (objs: K8sObject[]) => [...ofKind(objs, "Deployment"), ...ofKind(objs, "StatefulSet")];
  const b64 = (v: string | undefined) => Buffer.from(v ?? "", "base64").toString("utf8");
  /** host:port pairs the app (and Unleash) connect to, from the rendered ConfigMap, Secret and Unleash env. */
  const endpoints = (objs: K8sObject[]) => {
    const cm = ofKind(objs, "ConfigMap").find((c) => c.metadata.name === RELEASE)?.data ?? {};
    const secret = ofKind(objs, "Secret").find((c) => c.metadata.name === RELEASE)?.data ?? {};
    const unleash = workloads(objs).find((w) => w.metadata.name === "unleash");
    const unleashDb = unleash?.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "DATABASE_URL")?.value;
    const url = (u: string, dflt: number) => { const p = new URL(u); return { host: p.hostname, port: Number(p.port || dflt) }; };
    return {
      DATABASE_URL: url(b64(secret.DATABASE_URL), 5432),
      UNLEASH_URL: url(cm.UNLEASH_URL ?? "", 80),
      ...Object.fromEntries((cm.KAFKA_BROKERS ?? "").split(",").map((b, i) => [`KAFKA_BROKERS[${i}]`, { host: b.split(":")[0]!, port: Number(b.split(":")[1]) }])),
      "unleash DATABASE_URL": url(unleashDb ?? "", 5432),
    };
  };

  it("deploys PostgreSQL, Kafka and Unleash from their official images, each with a readiness probe", () => {
    const objs = helmTemplate({}, QUICKSTART).objects;
    const images = Object.fromEntries(workloads(objs).filter((w) => INFRA.includes(w.metadata.name)).map((w) => {
      const c = w.spec.template.spec.containers[0];
      assert.ok(c.readinessProbe, `${w.metadata.name} needs a readiness probe`);
      return [w.metadata.name, c.image];
    }));
    assert.deepEqual(images, { postgres: "postgres:16", kafka: "apache/kafka:3.9.1", unleash: "unleashorg/unleash-server:7" });
    assert.equal(ofKind(objs, "StatefulSet")[0]?.metadata.name, "postgres");
    const kafkaEnv = Object.fromEntries(workloads(objs).find((w) => w.metadata.name === "kafka")!.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(kafkaEnv.KAFKA_PROCESS_ROLES, "broker,controller");
    assert.equal(kafkaEnv.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, "1");
    assert.ok(kafkaEnv.KAFKA_NODE_ID && kafkaEnv.KAFKA_CONTROLLER_QUORUM_VOTERS?.startsWith(`${kafkaEnv.KAFKA_NODE_ID}@`));
  });

  it("points every URL of the app (ConfigMap, Secret) and Unleash's DATABASE_URL at a rendered Service and port", () => {
    const objs = helmTemplate({}, QUICKSTART).objects;
    const svcs = services(objs);
    for (const [key, { host, port }] of Object.entries(endpoints(objs))) {
      const svc = serviceForHost(host, svcs);
      assert.ok(svc, `${key}: host ${host} is no rendered Service (${[...svcs.keys()].join(", ")})`);
      assert.ok(svcs.get(svc)!.includes(port), `${key}: Service ${svc} has no port ${port}`);
    }
    // each Service selects the pods of a rendered workload
    for (const name of INFRA) {
      const svc = ofKind(objs, "Service").find((s) => s.metadata.name === name)!;
      const w = workloads(objs).find((x) => x.metadata.name === name)!;
      assert.deepEqual(svc.spec.selector, w.spec.template.metadata.labels, name);
    }
  });

  it("is off by default: values.yaml disables it and the defaults render no infra workload or Service", () => {
    const q = chartValues().quickstart;
    assert.deepEqual(INFRA.map((n) => q?.[n]?.enabled), [false, false, false]);
    const objs = helmTemplate().objects;
    assert.deepEqual(workloads(objs).map((w) => w.metadata.name).filter((n) => INFRA.includes(n)), []);
    assert.deepEqual([...services(objs).keys()].filter((n) => INFRA.includes(n)), []);
  });

  it("migrates in init containers of every app pod (wait for the database, then `strangler migrate`), no pre-install hook Job", () => {
    const objs = helmTemplate({}, QUICKSTART).objects;
    assert.equal(ofKind(objs, "Job").length, 0, "a pre-install Job would run before the chart's postgres exists");
    const apps = ofKind(objs, "Deployment").filter((d) => !INFRA.includes(d.metadata.name));
    assert.equal(apps.length, 4);
    for (const d of apps) {
      const init = d.spec.template.spec.initContainers as { name: string; args?: string[]; env: { name: string; valueFrom?: any }[] }[];
      assert.deepEqual(init?.map((c) => c.name), ["wait-for-database", "migrate"], d.metadata.name);
      assert.deepEqual(init[1]!.args, ["migrate"]);
      for (const c of init) assert.deepEqual(c.env.find((e) => e.name === "DATABASE_URL")?.valueFrom?.secretKeyRef, { name: RELEASE, key: "DATABASE_URL" });
    }
  });

  it("with Istio, lets the init containers reach the database past the not-yet-running sidecar", () => {
    const r = helmTemplate({ "istio.enabled": "true" }, QUICKSTART);
    kubeconform(r.text, r.objects.length);
    const apps = ofKind(r.objects, "Deployment").filter((d) => !INFRA.includes(d.metadata.name));
    for (const d of apps) assert.equal(d.spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"], "5432", d.metadata.name);
    const other = helmTemplate({ "istio.enabled": "true", "migration.mode": "initContainer", "secrets.databaseUrl": "postgresql://u:p@db.example:6432/app" }).objects;
    assert.equal(ofKind(other, "Deployment")[0]?.spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"], "6432");
    for (const d of ofKind(helmTemplate({ "istio.enabled": "true" }).objects, "Deployment"))
      assert.equal(d.spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"], undefined, "hook mode needs no exclusion");
  });

  it("refuses quickstart.postgres with the pre-install hook migration (it would wait forever)", () => {
    const r = run(tool("helm"), ["template", RELEASE, CHART, "--kube-version", KUBE_VERSION, "--set", "quickstart.postgres.enabled=true"], { check: false });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /migration\.mode=initContainer/);
  });
});
