import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import path from "node:path";
import { CHART, KUBE_VERSION, RELEASE, helmTemplate, kubeconform, ofKind, run, services, tool, type K8sObject } from "./support/deploy-tools.js";

const FIXED_JWT = "x".repeat(40); // a fixed secret makes the Secret (and its checksum) deterministic
const ALL_ON = { "istio.enabled": "true", "orders.enabled": "true" };
const QUICKSTART = ["-f", path.join(CHART, "values-quickstart.yaml")];

const podAnnotations = (objs: K8sObject[]) =>
  ofKind(objs, "Deployment").map((d) => d.spec.template.metadata.annotations as Record<string, string>);
const checksums = (sets: Record<string, string>) => {
  const [first, ...rest] = podAnnotations(helmTemplate({ "secrets.jwtSecret": FIXED_JWT, ...sets }).objects);
  assert.ok(first, "no Deployment rendered");
  for (const a of rest) assert.deepEqual([a["checksum/config"], a["checksum/secret"]], [first["checksum/config"], first["checksum/secret"]]);
  return { config: first["checksum/config"], secret: first["checksum/secret"] };
};
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
/** Body of one rendered template file (without helm's "---" / "# Source:" header). */
const renderedFile = (file: string, sets: Record<string, string>) =>
  helmTemplate(sets, ["--show-only", `templates/${file}`]).text.replace(/^---\n# Source: [^\n]*\n/, "");

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
const container = (d: K8sObject) => d.spec.template.spec.containers[0];
const envOf = (d: K8sObject) => (container(d).env ?? []) as EnvVar[];
const secretRefs = (d: K8sObject) => envOf(d).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : []));
const proxyDeployment = (objs: K8sObject[]) => ofKind(objs, "Deployment").find((d) => d.metadata.name === `${RELEASE}-proxy`)!;
/** The app roles' Deployments (not the proxy, not the quickstart infra). */
const appDeployments = (objs: K8sObject[]) =>
  ofKind(objs, "Deployment").filter((d) => ["monolith", "users", "inventory", "orders"].some((c) => d.metadata.name === `${RELEASE}-${c}`));

describe("helm chart charts/strangler", () => {
  it("passes helm lint (default values and everything enabled)", () => {
    run(tool("helm"), ["lint", CHART, "--strict", "--kube-version", KUBE_VERSION]);
    run(tool("helm"), ["lint", CHART, "--strict", "--kube-version", KUBE_VERSION, "--set", "istio.enabled=true,orders.enabled=true"]);
  });

  const variants: Record<string, Record<string, string>> = {
    "default values": {},
    "istio enabled": { "istio.enabled": "true" },
    "all services and istio enabled": ALL_ON,
    "existingSecret, no migration": { "secrets.existingSecret": "my-secret", "migration.enabled": "false" },
  };
  for (const [name, sets] of Object.entries(variants)) {
    it(`renders objects that kubeconform -strict accepts: ${name}`, () => {
      const r = helmTemplate(sets);
      assert.ok(r.objects.length > 0);
      kubeconform(r.text, r.objects.length);
    });
  }
  it("renders objects that kubeconform -strict accepts: values-quickstart.yaml (and passes helm lint with it)", () => {
    const r = helmTemplate({}, QUICKSTART);
    assert.ok(ofKind(r.objects, "StatefulSet").length > 0, "the quickstart infra must be rendered");
    kubeconform(r.text, r.objects.length);
    run(tool("helm"), ["lint", CHART, "--strict", "--kube-version", KUBE_VERSION, ...QUICKSTART]);
  });

  it("renders the expected kinds: per component Deployment/Service/HPA/PDB (plus the proxy's admin Service), one ConfigMap, Secret, migration Job", () => {
    const objs = helmTemplate(ALL_ON).objects;
    const count = (k: string) => ofKind(objs, k).length;
    assert.deepEqual(
      ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap", "Job", "DestinationRule", "VirtualService"].map(count),
      [5, 6, 5, 5, 1, 1, 4, 4],
    );
    assert.deepEqual([...services(objs).keys()].sort(), ["proxy", "proxy-admin", "monolith", "users", "inventory", "orders"].map((c) => `${RELEASE}-${c}`).sort());
    assert.equal(ofKind(helmTemplate().objects, "Deployment").length, 4, "orders is off by default");
  });

  it("gives every Deployment probes on /health and /ready, resources and a zero-downtime rolling update", () => {
    for (const d of ofKind(helmTemplate(ALL_ON).objects, "Deployment")) {
      const c = d.spec.template.spec.containers[0];
      assert.equal(d.spec.strategy.type, "RollingUpdate", d.metadata.name);
      assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0, d.metadata.name);
      assert.equal(c.livenessProbe.httpGet.path, "/health", d.metadata.name);
      assert.equal(c.readinessProbe.httpGet.path, "/ready", d.metadata.name);
      assert.ok(c.resources.requests.cpu && c.resources.limits.memory, `${d.metadata.name} resources`);
      assert.equal(d.spec.template.spec.securityContext.runAsNonRoot, true);
    }
  });

  it("drains on rollouts: SHUTDOWN_DRAIN_MS in the ConfigMap, grace period above drain + shutdown timeout, sidecar kept as long", () => {
    const variants: Record<string, string>[] = [{}, { "istio.enabled": "true", "config.shutdownDrainMs": "12000", "config.shutdownTimeoutMs": "20000" }];
    for (const sets of variants) {
      const objs = helmTemplate(sets).objects;
      const cm = ofKind(objs, "ConfigMap").find((c) => c.metadata.name === RELEASE)?.data ?? {};
      const drain = Number(cm.SHUTDOWN_DRAIN_MS);
      const timeout = Number(cm.SHUTDOWN_TIMEOUT_MS);
      assert.ok(drain > 0, "the chart must drain (endpoint propagation takes seconds)");
      for (const d of ofKind(objs, "Deployment")) {
        const grace = d.spec.template.spec.terminationGracePeriodSeconds;
        assert.ok(grace * 1000 > drain + timeout, `${d.metadata.name}: terminationGracePeriodSeconds ${grace} must exceed ${drain} + ${timeout} ms`);
        const istio = d.spec.template.metadata.annotations?.["proxy.istio.io/config"];
        if (sets["istio.enabled"]) assert.equal(JSON.parse(istio).terminationDrainDuration, `${grace}s`, d.metadata.name);
        else assert.equal(istio, undefined);
      }
    }
  });

  describe("least privilege (issue 11)", () => {
    const secretVariants: Record<string, Record<string, string>> = {
      "generated JWT_SECRET": {},
      "given secrets.jwtSecret": { "secrets.jwtSecret": FIXED_JWT },
      existingSecret: { "secrets.existingSecret": "prod-secrets" },
      quickstart: {},
    };
    for (const [name, sets] of Object.entries(secretVariants)) {
      it(`gives the proxy no DATABASE_URL and no JWT_SECRET from any source, and no whole Secret (${name})`, () => {
        const objs = helmTemplate({ ...ALL_ON, ...sets }, name === "quickstart" ? QUICKSTART : []).objects;
        const proxy = proxyDeployment(objs);
        const c = container(proxy);
        const names = envOf(proxy).map((e) => e.name);
        for (const key of ["DATABASE_URL", "JWT_SECRET"]) {
          assert.ok(!names.includes(key), `proxy env has ${key}`);
          assert.ok(!secretRefs(proxy).some((r) => r.key === key), `proxy reads secret key ${key}`);
        }
        assert.deepEqual(secretRefs(proxy).map((r) => r.key), ["UNLEASH_API_TOKEN", "UNLEASH_ADMIN_TOKEN", "SHADOW_SECRET"]);
        assert.equal((secretRefs(proxy)[1] as { optional?: boolean }).optional, true, "the guard's admin token is optional");
        assert.equal((secretRefs(proxy)[2] as { optional?: boolean }).optional, true, "SHADOW_SECRET is optional (none: reads only are mirrored)");
        for (const from of (c.envFrom ?? []) as { secretRef?: unknown; configMapRef?: { name: string } }[]) {
          assert.equal(from.secretRef, undefined, "no envFrom of a whole Secret");
          const cm = ofKind(objs, "ConfigMap").find((m) => m.metadata.name === from.configMapRef?.name);
          assert.ok(cm, `ConfigMap ${from.configMapRef?.name} rendered`);
          for (const key of ["DATABASE_URL", "JWT_SECRET"]) assert.equal(cm.data?.[key], undefined, `ConfigMap ${cm.metadata.name} carries ${key}`);
        }
        for (const d of appDeployments(objs)) {
          assert.deepEqual(secretRefs(d).map((r) => r.key).sort(), ["DATABASE_URL", "JWT_SECRET", "SHADOW_SECRET"], d.metadata.name);
          assert.ok(!(container(d).envFrom ?? []).some((e: { secretRef?: unknown }) => e.secretRef), `${d.metadata.name}: no envFrom of a whole Secret`);
        }
      });
    }

    it("serves the proxy's admin port (9000) only on the ClusterIP Service <fullname>-proxy-admin; the proxy probes use it", () => {
      const objs = helmTemplate(ALL_ON).objects;
      const all = new Map(ofKind(objs, "Service").map((o) => [o.metadata.name, o]));
      const pub = all.get(`${RELEASE}-proxy`)!;
      assert.deepEqual(pub.spec.ports.map((p: { port: number }) => p.port), [8000]);
      assert.ok(!pub.spec.ports.some((p: { targetPort: unknown }) => p.targetPort === "admin" || p.targetPort === 9000), "public Service exposes the admin port");
      const admin = all.get(`${RELEASE}-proxy-admin`);
      assert.ok(admin, "admin Service rendered");
      assert.equal(admin.spec.type, "ClusterIP");
      assert.deepEqual(admin.spec.ports.map((p: { port: number; targetPort: string }) => [p.port, p.targetPort]), [[9000, "admin"]]);
      assert.deepEqual(admin.spec.selector, pub.spec.selector);
      const proxy = proxyDeployment(objs);
      const c = container(proxy);
      assert.deepEqual(c.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]), [["http", 8000], ["admin", 9000]]);
      assert.equal(envOf(proxy).find((e) => e.name === "ADMIN_PORT")?.value, "9000");
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) assert.equal(c[probe].httpGet.port, "admin", probe);
      for (const d of appDeployments(objs)) assert.ok(!container(d).ports.some((p: { name: string }) => p.name === "admin"), d.metadata.name);
    });
  });

  it("points each HPA and PDB at a rendered Deployment's pods", () => {
    const objs = helmTemplate(ALL_ON).objects;
    const deployments = new Map(ofKind(objs, "Deployment").map((d) => [d.metadata.name, d]));
    for (const h of ofKind(objs, "HorizontalPodAutoscaler")) {
      assert.equal(h.apiVersion, "autoscaling/v2");
      assert.ok(deployments.has(h.spec.scaleTargetRef.name), `HPA ${h.metadata.name} targets ${h.spec.scaleTargetRef.name}`);
    }
    for (const p of ofKind(objs, "PodDisruptionBudget")) {
      assert.equal(p.apiVersion, "policy/v1");
      const d = deployments.get(p.metadata.name);
      assert.ok(d, `PDB ${p.metadata.name} has no Deployment`);
      assert.deepEqual(p.spec.selector.matchLabels, d.spec.selector.matchLabels);
    }
  });

  it("runs `strangler migrate` as a pre-install/pre-upgrade hook Job with DATABASE_URL from a hook Secret (no JWT_SECRET)", () => {
    const objs = helmTemplate().objects;
    const [job] = ofKind(objs, "Job");
    assert.ok(job, "no migration Job");
    assert.equal(job.metadata.annotations?.["helm.sh/hook"], "pre-install,pre-upgrade");
    const c = job.spec.template.spec.containers[0];
    assert.deepEqual(c.args, ["migrate"]);
    assert.equal(c.envFrom, undefined, "no envFrom of a whole Secret");
    assert.equal(envOf(job).find((e) => e.name === "DATABASE_URL")?.valueFrom?.secretKeyRef?.key, "DATABASE_URL");
    const ref = envOf(job).find((e) => e.name === "DATABASE_URL")!.valueFrom!.secretKeyRef!;
    const hookSecret = ofKind(objs, "Secret").find((s) => s.metadata.name === ref.name);
    assert.ok(hookSecret?.data?.DATABASE_URL, `Secret ${ref.name} with DATABASE_URL must be rendered`);
    const appSecret = ofKind(objs, "Secret").find((s) => s.metadata.name === RELEASE);
    assert.equal(hookSecret.data.DATABASE_URL, appSecret?.data?.DATABASE_URL);
    // a pre-upgrade hook is re-rendered on every upgrade (and every Argo CD sync): it must carry nothing generated
    assert.equal(hookSecret.data.JWT_SECRET, undefined, "migrate needs no JWT_SECRET");
    assert.match(hookSecret.metadata.annotations?.["helm.sh/hook"] ?? "", /pre-install/, "the Secret must exist before the pre-install Job");
    assert.ok(Number(hookSecret.metadata.annotations?.["helm.sh/hook-weight"]) < Number(job.metadata.annotations?.["helm.sh/hook-weight"]));
  });

  describe("secrets under GitOps (helm template / Argo CD render on every sync)", () => {
    const isHook = (o: K8sObject) => Boolean(o.metadata.annotations?.["helm.sh/hook"]);
    const jwtEnv = (d: K8sObject) =>
      (d.spec.template.spec.containers[0].env as { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]).find((e) => e.name === "JWT_SECRET");

    it("renders identical non-hook manifests twice with default values (no random value outside the install hook)", () => {
      const nonHook = () => helmTemplate().objects.filter((o) => !isHook(o));
      const [a, b] = [nonHook(), nonHook()];
      assert.ok(ofKind(a, "Secret").length === 1 && ofKind(a, "Deployment").length > 0);
      assert.deepEqual(a, b);
    });

    it("puts secrets.shadowSecret in the release Secret (SHADOW_SECRET, read by the proxy and every app role); none by default", () => {
      const release = (objs: ReturnType<typeof helmTemplate>["objects"]) => ofKind(objs, "Secret").find((s) => s.metadata.name === RELEASE);
      assert.equal(release(helmTemplate().objects)?.data?.SHADOW_SECRET, undefined);
      const secret = "chart-shadow-secret-chart-shadow-secret-01";
      assert.equal(Buffer.from(release(helmTemplate({ "secrets.shadowSecret": secret }).objects)?.data?.SHADOW_SECRET ?? "", "base64").toString(), secret);
    });

    it("generates JWT_SECRET once, in a pre-install-only hook Secret kept by helm, which every Deployment reads", () => {
      const objs = helmTemplate().objects;
      const appSecret = ofKind(objs, "Secret").find((s) => s.metadata.name === RELEASE);
      assert.equal(appSecret?.data?.JWT_SECRET, undefined, "the release Secret must not carry a generated value");
      const jwt = ofKind(objs, "Secret").find((s) => s.metadata.name === `${RELEASE}-jwt`);
      assert.ok(jwt?.data?.JWT_SECRET, `hook Secret ${RELEASE}-jwt with JWT_SECRET`);
      assert.ok(Buffer.from(jwt.data.JWT_SECRET, "base64").length >= 32);
      assert.equal(jwt.metadata.annotations?.["helm.sh/hook"], "pre-install", "pre-upgrade would regenerate it on every upgrade");
      assert.equal(jwt.metadata.annotations?.["helm.sh/resource-policy"], "keep");
      const job = ofKind(objs, "Job")[0];
      assert.ok(Number(jwt.metadata.annotations?.["helm.sh/hook-weight"]) < Number(job?.metadata.annotations?.["helm.sh/hook-weight"]));
      for (const d of appDeployments(objs))
        assert.deepEqual(jwtEnv(d)?.valueFrom?.secretKeyRef, { name: `${RELEASE}-jwt`, key: "JWT_SECRET" }, d.metadata.name);
      assert.equal(jwtEnv(proxyDeployment(objs)), undefined, "the proxy never gets JWT_SECRET");
    });

    it("puts a given secrets.jwtSecret in the release Secret and renders no hook Secret for it", () => {
      const objs = helmTemplate({ "secrets.jwtSecret": FIXED_JWT }).objects;
      assert.equal(ofKind(objs, "Secret").find((s) => s.metadata.name === RELEASE)?.data?.JWT_SECRET, Buffer.from(FIXED_JWT).toString("base64"));
      assert.equal(ofKind(objs, "Secret").find((s) => s.metadata.name === `${RELEASE}-jwt`), undefined);
      assert.deepEqual(ofKind(objs, "Secret").filter((s) => isHook(s) && s.data?.JWT_SECRET).map((s) => s.metadata.name), [], "no hook copy of it");
      for (const d of appDeployments(objs))
        assert.deepEqual(jwtEnv(d)?.valueFrom?.secretKeyRef, { name: RELEASE, key: "JWT_SECRET" }, d.metadata.name);
      assert.equal(jwtEnv(proxyDeployment(objs)), undefined, "the proxy never gets JWT_SECRET");
    });

    it("secrets.gitops=true without existingSecret fails with a message naming existingSecret", () => {
      const r = run(tool("helm"), ["template", RELEASE, CHART, "--kube-version", KUBE_VERSION, "--set", "secrets.gitops=true"], { check: false });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /secrets\.gitops=true needs secrets\.existingSecret/);
    });

    it("secrets.gitops=true with existingSecret renders byte-identical output twice, hooks included, and no Secret", () => {
      const sets = { "secrets.gitops": "true", "secrets.existingSecret": "strangler-external" };
      const [a, b] = [helmTemplate(sets), helmTemplate(sets)];
      assert.equal(a.text, b.text);
      assert.equal(ofKind(a.objects, "Secret").length, 0);
      kubeconform(a.text, a.objects.length);
    });
  });

  it("uses secrets.existingSecret everywhere instead of rendering a Secret", () => {
    const objs = helmTemplate({ "secrets.existingSecret": "prod-secrets" }).objects;
    assert.equal(ofKind(objs, "Secret").length, 0);
    for (const d of ofKind(objs, "Deployment")) {
      const refs = secretRefs(d);
      assert.ok(refs.length > 0 && refs.every((r) => r.name === "prod-secrets"), `${d.metadata.name}: ${JSON.stringify(refs)}`);
    }
    const job = ofKind(objs, "Job")[0];
    assert.deepEqual(secretRefs(job!), [{ name: "prod-secrets", key: "DATABASE_URL" }]);
  });

  describe("checksum annotations", () => {
    it("are the sha256 of the rendered ConfigMap and Secret, not literal text", () => {
      const sets = { "secrets.jwtSecret": FIXED_JWT };
      const { config, secret } = checksums({});
      const digests = (body: string) => [sha256(`\n${body.trim()}\n`), sha256(body), sha256(body.trim())];
      assert.ok(digests(renderedFile("configmap.yaml", sets)).includes(config!), "checksum/config != sha256(rendered ConfigMap)");
      assert.ok(digests(renderedFile("secret.yaml", sets)).includes(secret!), "checksum/secret != sha256(rendered Secret)");
    });

    it("stay the same when nothing changes", () => {
      assert.deepEqual(checksums({}), checksums({}));
    });

    it("change checksum/config (only) when a config value changes", () => {
      const base = checksums({});
      const changes: Record<string, string>[] = [{ "config.logLevel": "debug" }, { "config.extraEnv.FOO": "bar" }, { "orders.enabled": "true" }];
      for (const sets of changes) {
        const changed = checksums(sets);
        assert.notEqual(changed.config, base.config, `config checksum unchanged by ${JSON.stringify(sets)}`);
        assert.equal(changed.secret, base.secret);
      }
    });

    it("change checksum/secret when a secret value changes", () => {
      const base = checksums({});
      assert.notEqual(checksums({ "secrets.databaseUrl": "postgresql://u:p@db:5432/other" }).secret, base.secret);
      assert.notEqual(checksums({ "secrets.jwtSecret": "y".repeat(40) }).secret, base.secret);
    });
  });

  describe("values.schema.json", () => {
    const rejects = (args: string[], pattern: RegExp) => {
      const r = run(tool("helm"), ["template", RELEASE, CHART, "--kube-version", KUBE_VERSION, ...args], { check: false });
      assert.notEqual(r.status, 0, `helm template ${args.join(" ")} should fail`);
      assert.match(r.stderr, pattern);
    };
    it("rejects a SHADOW_SECRET shorter than 32 characters", () => rejects(["--set", "secrets.shadowSecret=short"], /shadowSecret/));
    it("rejects a top-level typo", () => rejects(["--set", "isito.enabled=true"], /additional properties 'isito' not allowed/));
    it("rejects a typo inside a component", () => rejects(["--set", "users.enabeld=false"], /additional properties 'enabeld' not allowed/));
    it("rejects wrong types", () => {
      rejects(["--set", "inventory.port=http"], /inventory\/port/);
      rejects(["--set-string", "istio.enabled=yes"], /istio\/enabled/);
      rejects(["--set", "istio.connectionPool.tcp.maxConnections=-1"], /maxConnections/);
    });
    it("rejects a JWT secret shorter than 32 characters", () => rejects(["--set", "secrets.jwtSecret=short"], /jwtSecret/));
  });
});
