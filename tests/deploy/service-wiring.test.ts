import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import {
  ROOT, RELEASE, chartValues, helmTemplate, kubeconform, ofKind, parseManifests, serviceForHost, services, type K8sObject,
} from "./support/deploy-tools.js";

/** *_URL settings that name infrastructure outside the chart (not Services it renders). */
const EXTERNAL_URLS = new Set(["UNLEASH_URL", "JWT_JWKS_URL"]);
const UPSTREAM_ENV: Record<string, string> = {
  monolith: "MONOLITH_URL", users: "USERS_SERVICE_URL", inventory: "INVENTORY_SERVICE_URL", orders: "ORDERS_SERVICE_URL",
};
const VARIANTS: Record<string, Record<string, string>> = {
  "istio enabled": { "istio.enabled": "true" },
  "all services enabled": { "istio.enabled": "true", "orders.enabled": "true" },
  "users extracted only": { "istio.enabled": "true", "inventory.enabled": "false" },
};

function assertPointsAtService(url: string, objs: K8sObject[], what: string): string {
  const u = new URL(url);
  const svcs = services(objs);
  const svc = serviceForHost(u.hostname, svcs);
  assert.ok(svc, `${what}=${url}: host ${u.hostname} is not a rendered Service (${[...svcs.keys()].join(", ")})`);
  assert.ok(svcs.get(svc)?.includes(Number(u.port)), `${what}=${url}: Service ${svc} has no port ${u.port} (ports ${svcs.get(svc)})`);
  return svc;
}

function upstreamComponents(sets: Record<string, string>): string[] {
  const v = chartValues();
  const enabled = (c: string) => (sets[`${c}.enabled`] ?? String(v[c].enabled)) === "true";
  return Object.keys(UPSTREAM_ENV).filter(enabled);
}

describe("service wiring of the rendered chart", () => {
  for (const [name, sets] of Object.entries({ "default values": {}, ...VARIANTS })) {
    it(`every *_URL in the ConfigMap points at a rendered Service and port: ${name}`, () => {
      const objs = helmTemplate(sets).objects;
      const [cm] = ofKind(objs, "ConfigMap");
      assert.ok(cm?.data, "no ConfigMap");
      const urls = Object.entries(cm.data).filter(([k]) => k.endsWith("_URL") && !EXTERNAL_URLS.has(k));
      for (const [k, url] of urls) assertPointsAtService(url, objs, k);
      for (const c of upstreamComponents(sets)) {
        const key = UPSTREAM_ENV[c]!;
        assert.ok(cm.data[key], `${key} missing although ${c} is enabled`);
        assert.equal(assertPointsAtService(cm.data[key], objs, key), `${RELEASE}-${c}`);
      }
      assert.equal(urls.length, upstreamComponents(sets).length, "one URL per enabled upstream, no stale ones");
    });
  }

  it("every Service selects a Deployment's pods, on the container's http port, which PORT tells the app (the proxy's admin Service: ADMIN_PORT)", () => {
    const objs = helmTemplate(VARIANTS["all services enabled"]).objects;
    const deployments = new Map(ofKind(objs, "Deployment").map((d) => [d.metadata.name, d]));
    for (const s of ofKind(objs, "Service")) {
      const admin = s.metadata.name === `${RELEASE}-proxy-admin`;
      const d = deployments.get(admin ? `${RELEASE}-proxy` : s.metadata.name);
      assert.ok(d, `Service ${s.metadata.name} has no Deployment of the same name`);
      const pod = d.spec.template;
      for (const [k, v] of Object.entries(s.spec.selector as Record<string, string>)) assert.equal(pod.metadata.labels[k], v, `${s.metadata.name} selector ${k}`);
      const c = pod.spec.containers[0];
      const http = c.ports.find((p: { name: string }) => p.name === s.spec.ports[0].targetPort);
      assert.ok(http, `${s.metadata.name}: targetPort ${s.spec.ports[0].targetPort} is not a container port`);
      assert.equal(String(http.containerPort), c.env.find((e: { name: string }) => e.name === (admin ? "ADMIN_PORT" : "PORT"))?.value, `${s.metadata.name}: PORT env`);
      assert.equal(s.spec.ports[0].port, http.containerPort, `${s.metadata.name}: Service port = container port`);
    }
  });

  for (const [name, sets] of Object.entries(VARIANTS)) {
    it(`every DestinationRule/VirtualService host equals a rendered Service: ${name}`, () => {
      const objs = helmTemplate(sets).objects;
      const svcs = services(objs);
      const drs = ofKind(objs, "DestinationRule");
      const vss = ofKind(objs, "VirtualService");
      const guarded = new Set<string>();
      for (const dr of drs) {
        const svc = serviceForHost(dr.spec.host, svcs);
        assert.ok(svc, `DestinationRule ${dr.metadata.name}: host ${dr.spec.host} is no rendered Service`);
        guarded.add(svc);
        const pool = dr.spec.trafficPolicy.connectionPool;
        assert.ok(pool.tcp.maxConnections && pool.http.http1MaxPendingRequests && pool.http.maxRequestsPerConnection !== undefined);
        assert.ok(dr.spec.trafficPolicy.outlierDetection.consecutive5xxErrors !== undefined);
      }
      const upstreams = upstreamComponents(sets).map((c) => `${RELEASE}-${c}`);
      assert.deepEqual([...guarded].sort(), upstreams.sort(), "one DestinationRule per upstream Service");
      for (const vs of vss) {
        for (const h of vs.spec.hosts) assert.ok(serviceForHost(h, svcs), `VirtualService ${vs.metadata.name}: host ${h} is no rendered Service`);
        for (const route of vs.spec.http) {
          for (const r of route.route) {
            const svc = serviceForHost(r.destination.host, svcs);
            assert.ok(svc, `VirtualService ${vs.metadata.name}: destination ${r.destination.host} is no rendered Service`);
            assert.ok(svcs.get(svc)?.includes(r.destination.port.number), `VirtualService ${vs.metadata.name}: port ${r.destination.port.number}`);
          }
        }
      }
      assert.equal(vss.length, upstreams.length, "one VirtualService per upstream Service");
    });
  }

  it("retries only idempotent requests: GET/HEAD route retries, the catch-all route has attempts 0", () => {
    for (const vs of ofKind(helmTemplate(VARIANTS["all services enabled"]).objects, "VirtualService")) {
      for (const route of vs.spec.http) {
        const methods: string[] = (route.match ?? []).map((m: { method?: { exact?: string } }) => m.method?.exact);
        assert.ok(route.timeout, `${vs.metadata.name}/${route.name}: timeout`);
        if (route.retries.attempts > 0) {
          assert.ok(methods.length > 0 && methods.every((m) => m === "GET" || m === "HEAD"), `${vs.metadata.name}/${route.name} retries ${methods.join(",") || "every method"}`);
        }
      }
      const last = vs.spec.http.at(-1);
      assert.equal(last.match, undefined, `${vs.metadata.name}: the last route must catch every other method`);
      assert.equal(last.retries.attempts, 0, `${vs.metadata.name}: non-idempotent requests must not be retried`);
    }
  });

  it("takes the DestinationRule numbers from values", () => {
    const objs = helmTemplate({ ...VARIANTS["istio enabled"], "istio.connectionPool.tcp.maxConnections": "7", "istio.outlierDetection.baseEjectionTime": "42s" }).objects;
    for (const dr of ofKind(objs, "DestinationRule")) {
      assert.equal(dr.spec.trafficPolicy.connectionPool.tcp.maxConnections, 7);
      assert.equal(dr.spec.trafficPolicy.outlierDetection.baseEjectionTime, "42s");
    }
  });
});

describe("istio/ standalone circuit-breaker manifests", () => {
  const read = (f: string) => readFileSync(path.join(ROOT, "istio", f), "utf8");
  const text = `${read("destination-rule.yaml")}\n---\n${read("fortio.yaml")}`;
  const objs = parseManifests(text);

  it("validate with kubeconform -strict", () => kubeconform(text, objs.length));

  it("aim the breaker at the chart's inventory Service for the default release name", () => {
    const [dr] = ofKind(objs, "DestinationRule");
    assert.ok(dr, "no DestinationRule in istio/destination-rule.yaml");
    const inventory = services(helmTemplate().objects);
    assert.equal(serviceForHost(dr.spec.host, inventory), `${RELEASE}-inventory`);
    const script = read("run-breaker-test.sh");
    assert.match(script, new RegExp(`^SVC=${RELEASE}-inventory$`, "m"), "run-breaker-test.sh targets another service");
    assert.match(script, new RegExp(`^PORT=${chartValues().inventory.port}$`, "m"), "run-breaker-test.sh uses another port");
  });

  it("use the numbers of Istio's circuit-breaking task", () => {
    const tp = ofKind(objs, "DestinationRule")[0]?.spec.trafficPolicy;
    assert.deepEqual(tp.connectionPool, { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } });
    assert.deepEqual(tp.outlierDetection, { consecutive5xxErrors: 1, interval: "1s", baseEjectionTime: "3m", maxEjectionPercent: 100 });
  });

  it("run fortio with a sidecar and cluster.outbound stats", () => {
    const [d] = ofKind(objs, "Deployment");
    assert.match(d?.spec.template.spec.containers[0].image, /^fortio\/fortio:/);
    assert.equal(d?.spec.template.metadata.labels["sidecar.istio.io/inject"], "true");
    assert.match(d?.spec.template.metadata.annotations["proxy.istio.io/config"], /cluster\.outbound/);
  });
});
