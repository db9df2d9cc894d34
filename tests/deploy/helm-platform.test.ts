import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { CHART, KUBE_VERSION, RELEASE, ROOT, helmTemplate, kubeconform, ofKind, parseManifests, run, services, tool, type K8sObject } from "./support/deploy-tools.js";
import { analysisQueries, dashboardExprs, metricNamesIn, parsePromql } from "./support/promql.js";

// The platform options of charts/strangler (README "Platform options"): each off by default, each rendered and
// validated strictly offline; ci/all-options-values.yaml turns every one on.
const ALL = ["-f", path.join(CHART, "ci/all-options-values.yaml")];
const NEW_KINDS = ["Ingress", "HTTPRoute", "ServiceMonitor", "Rollout", "AnalysisTemplate", "ExternalSecret", "SecretStore", "ScaledObject"];
const named = (objs: K8sObject[], kind: string, name: string) => ofKind(objs, kind).find((o) => o.metadata.name === name);
const renderFails = (sets: Record<string, string>) => run(tool("helm"), ["template", RELEASE, CHART, "--kube-version", KUBE_VERSION, ...Object.entries(sets).flatMap(([k, v]) => ["--set", `${k}=${v}`])], { check: false });

describe("chart platform options", () => {
  it("with every option on, every rendered object validates with kubeconform -strict offline (and helm lint passes)", () => {
    const r = helmTemplate({}, ALL);
    for (const kind of NEW_KINDS) assert.ok(ofKind(r.objects, kind).length > 0, `${kind} rendered`);
    kubeconform(r.text, r.objects.length);
    run(tool("helm"), ["lint", CHART, "--strict", "--kube-version", KUBE_VERSION, ...ALL]);
  });

  it("renders none of them by default", () => {
    const objs = helmTemplate().objects;
    assert.deepEqual(NEW_KINDS.flatMap((k) => ofKind(objs, k)).map((o) => o.kind), []);
    assert.equal(ofKind(objs, "ConfigMap").length, 1, "no dashboard ConfigMap");
  });

  it("Ingress and HTTPRoute send to the proxy's public Service port, never its admin port", () => {
    const objs = helmTemplate({}, ALL).objects;
    const svcs = services(objs);
    const ing = ofKind(objs, "Ingress")[0]!;
    assert.equal(ing.spec.ingressClassName, "nginx");
    const backend = ing.spec.rules[0].http.paths[0].backend.service;
    assert.deepEqual([backend.name, backend.port.name], [`${RELEASE}-proxy`, "http"]);
    const route = ofKind(objs, "HTTPRoute")[0]!;
    const ref = route.spec.rules[0].backendRefs[0];
    assert.deepEqual([ref.name, ref.port], [`${RELEASE}-proxy`, 8000]);
    assert.ok(svcs.get(`${RELEASE}-proxy`)?.includes(ref.port));
  });

  it("one ServiceMonitor per component selects exactly that component's metrics Service and a port it has (the proxy: its admin Service)", () => {
    const objs = helmTemplate({}, ALL).objects;
    const svcList = ofKind(objs, "Service");
    const monitors = ofKind(objs, "ServiceMonitor");
    assert.deepEqual(monitors.map((m) => m.metadata.name).sort(), ["proxy", "monolith", "users", "inventory", "orders"].map((c) => `${RELEASE}-${c}`).sort());
    for (const m of monitors) {
      const selected = svcList.filter((s) => Object.entries(m.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => s.metadata.labels?.[k] === v));
      assert.equal(selected.length, 1, `${m.metadata.name} selects one Service`);
      const svc = selected[0]!;
      const want = m.metadata.name === `${RELEASE}-proxy` ? `${RELEASE}-proxy-admin` : m.metadata.name;
      assert.equal(svc.metadata.name, want);
      assert.ok((svc.spec.ports as { name: string }[]).some((p) => p.name === m.spec.endpoints[0].port), `${m.metadata.name} port`);
      assert.equal(m.spec.endpoints[0].path, "/metrics");
      assert.equal(m.metadata.labels?.release, "kube-prometheus-stack");
    }
  });

  it("ships the Grafana dashboard as a ConfigMap labelled grafana_dashboard=1, panels on every required signal", () => {
    const cm = ofKind(helmTemplate({}, ALL).objects, "ConfigMap").find((c) => c.metadata.labels?.grafana_dashboard === "1")!;
    const dashboard = JSON.parse(cm.data!["strangler.json"]!);
    assert.deepEqual(dashboard, JSON.parse(readFileSync(path.join(CHART, "dashboards/strangler.json"), "utf8")));
    lintDashboard(dashboard);
    const parsed = parsePromql(dashboardExprs(dashboard));
    assert.ok(parsed.ok, parsed.report);
    assert.equal(parsePromql(["sum(rate(strangler_proxy_requests_total[$__rate_interval])"]).ok, false, "the PromQL parser rejects an unclosed parenthesis");
    const names = new Set(dashboardExprs(dashboard).flatMap(metricNamesIn));
    for (const n of ["strangler_proxy_requests_total", "strangler_proxy_request_duration_seconds_bucket", "strangler_proxy_breaker_state", "strangler_proxy_fallbacks_total", "strangler_outbox_pending_rows", "strangler_consumer_lag_messages"])
      assert.ok(names.has(n), n);
  });

  it("a Rollout per component takes over its Deployment (workloadRef, no replicas in the Deployment, HPA on the Rollout) with a background analysis", () => {
    const objs = helmTemplate({ "inventory.rollout.enabled": "true" }).objects;
    assert.deepEqual(ofKind(objs, "Rollout").map((r) => r.metadata.name), [`${RELEASE}-inventory`]);
    const rollout = ofKind(objs, "Rollout")[0]!;
    assert.deepEqual(rollout.spec.workloadRef, { apiVersion: "apps/v1", kind: "Deployment", name: `${RELEASE}-inventory`, scaleDown: "progressively" });
    const deployment = named(objs, "Deployment", `${RELEASE}-inventory`)!;
    assert.equal(deployment.spec.replicas, undefined);
    assert.deepEqual(rollout.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    assert.ok(rollout.spec.strategy.canary.steps.some((s: { setWeight?: number }) => s.setWeight));
    assert.equal(named(objs, "HorizontalPodAutoscaler", `${RELEASE}-inventory`)!.spec.scaleTargetRef.kind, "Rollout");
    assert.equal(named(objs, "HorizontalPodAutoscaler", `${RELEASE}-users`)!.spec.scaleTargetRef.kind, "Deployment");
    const analysis = rollout.spec.strategy.canary.analysis;
    const template = ofKind(objs, "AnalysisTemplate")[0]!;
    assert.equal(analysis.templates[0].templateName, template.metadata.name);
    assert.deepEqual(analysis.args, [{ name: "upstream", value: "inventory" }]);
  });

  it("the AnalysisTemplate can fail: 5xx rate and p99 each with a threshold condition and a failure limit", () => {
    const template = ofKind(helmTemplate({ "users.rollout.enabled": "true" }, ["--set-json", "rollouts.analysis.maxErrorRate=0.01"]).objects, "AnalysisTemplate")[0]!;
    const metrics = template.spec.metrics as { name: string; successCondition: string; failureLimit: number; provider: { prometheus: { query: string } } }[];
    assert.deepEqual(metrics.map((m) => m.name), ["upstream-5xx-rate", "upstream-p99-seconds"]);
    assert.deepEqual(metrics.map((m) => m.successCondition), ["result[0] <= 0.01", "result[0] <= 1"]);
    for (const m of metrics) assert.equal(m.failureLimit, 1);
    assert.match(metrics[0]!.provider.prometheus.query, /status=~"5\.\."/);
    assert.match(metrics[1]!.provider.prometheus.query, /histogram_quantile\(0\.99,/);
    const parsed = parsePromql(analysisQueries(template));
    assert.ok(parsed.ok, parsed.report);
  });

  it("KEDA scales inventory on the lag of consumer group strangler.inventory, and replaces its HPA", () => {
    const objs = helmTemplate({ "keda.enabled": "true" }).objects;
    const so = ofKind(objs, "ScaledObject")[0]!;
    assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: `${RELEASE}-inventory` });
    const kafka = so.spec.triggers.find((t: { type: string }) => t.type === "kafka");
    assert.deepEqual([kafka.metadata.consumerGroup, kafka.metadata.bootstrapServers], ["strangler.inventory", "kafka:9092"]);
    assert.equal(named(objs, "HorizontalPodAutoscaler", `${RELEASE}-inventory`), undefined);
    assert.ok(named(objs, "HorizontalPodAutoscaler", `${RELEASE}-users`));
  });

  it("an ExternalSecret syncs exactly the Secret and keys the pods read, and the chart renders no Secret itself", () => {
    const objs = helmTemplate({ "externalSecret.enabled": "true", "migration.mode": "initContainer", "secrets.gitops": "true" }).objects;
    assert.deepEqual(ofKind(objs, "Secret"), []);
    const es = ofKind(objs, "ExternalSecret")[0]!;
    const synced = new Set((es.spec.data as { secretKey: string }[]).map((d) => `${es.spec.target.name}/${d.secretKey}`));
    const refs = ofKind(objs, "Deployment").flatMap((d) => [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])])
      .flatMap((c: { env?: { valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[] }) => c.env ?? [])
      // an optional key (the proxy's UNLEASH_ADMIN_TOKEN for the route guard) may be absent: the pod starts without it
      .flatMap((e) => (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional ? [`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : []));
    assert.ok(refs.length > 0);
    assert.deepEqual([...new Set(refs)].filter((r) => !synced.has(r)), [], "secretKeyRefs the ExternalSecret does not provide");
    assert.equal(ofKind(objs, "SecretStore").length, 0, "the Vault SecretStore is an extra option");
    const store = ofKind(helmTemplate({ "externalSecret.enabled": "true", "migration.mode": "initContainer", "externalSecret.vaultSecretStore.enabled": "true" }).objects, "SecretStore")[0]!;
    assert.equal(store.metadata.name, es.spec.secretStoreRef.name);
    assert.equal(store.spec.provider.vault.version, "v2");
    const checksum = (key: string) => ofKind(helmTemplate({ "externalSecret.enabled": "true", "migration.mode": "initContainer", "externalSecret.remoteKey": key }).objects, "Deployment")[0]!.spec.template.metadata.annotations["checksum/secret"];
    assert.notEqual(checksum("a"), checksum("b"), "checksum/secret follows the ExternalSecret's spec");
  });

  it("refuses an ExternalSecret with the pre-install migration hook or together with existingSecret", () => {
    assert.match(renderFails({ "externalSecret.enabled": "true" }).stderr, /migration\.mode=initContainer/);
    assert.match(renderFails({ "externalSecret.enabled": "true", "migration.mode": "initContainer", "secrets.existingSecret": "s" }).stderr, /alternatives/);
    assert.match(renderFails({ "ingress.enabeld": "true" }).stderr, /ingress|additional/i, "values.schema.json rejects a typo");
  });

  it("deploy/argocd/application.yaml: a valid Argo CD Application for this chart with automated sync and self-heal, whose values render", () => {
    const text = readFileSync(path.join(ROOT, "deploy/argocd/application.yaml"), "utf8");
    kubeconform(text, 1);
    const [app] = parseManifests(text);
    assert.equal(app!.kind, "Application");
    assert.deepEqual(app!.spec.syncPolicy.automated, { prune: true, selfHeal: true });
    assert.equal(app!.spec.source.path, "charts/strangler");
    const values = path.join(ROOT, ".run/argocd-values.yaml");
    run("bash", ["-c", `mkdir -p .run && cat > ${values}`], { input: JSON.stringify(app!.spec.source.helm.valuesObject) });
    const r = helmTemplate({}, ["-f", values]);
    kubeconform(r.text, r.objects.length);
    assert.equal(ofKind(r.objects, "Job").length + ofKind(r.objects, "Secret").length, 0, "no hook Job, no rendered Secret under GitOps");
  });
});

/**
 * The main rules of grafana/dashboard-linter (not available from the Go module proxy here, so it cannot be built);
 * the queries themselves go through Prometheus's own PromQL parser (parsePromql).
 */
function lintDashboard(d: any): void {
  assert.ok(d.uid && d.title && Number.isInteger(d.schemaVersion), "uid, title, schemaVersion");
  const vars = d.templating.list as { name: string; type: string; query?: unknown }[];
  assert.ok(vars.some((v) => v.name === "datasource" && v.type === "datasource" && v.query === "prometheus"), "a Prometheus datasource variable");
  const ids = new Set<number>();
  for (const p of d.panels) {
    assert.ok(!ids.has(p.id), `panel id ${p.id} unique`);
    ids.add(p.id);
    assert.ok(p.title && p.description, `panel ${p.id} has a title and a description`);
    assert.equal(p.datasource?.uid, "${datasource}", `panel "${p.title}" uses the datasource variable`);
    for (const t of p.targets) {
      assert.equal(t.datasource?.uid, "${datasource}", `target of "${p.title}" uses the datasource variable`);
      assert.match(t.expr, /namespace="\$namespace"/, `"${p.title}" filters by the namespace variable`);
      for (const w of t.expr.matchAll(/rate\([^[]*\[([^\]]+)\]/g)) assert.equal(w[1], "$__rate_interval", `"${p.title}" uses $__rate_interval`);
    }
  }
}
