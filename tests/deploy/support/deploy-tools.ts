/**
 * Shared plumbing of the deploy tests: the pinned CLI tools in .tools/bin (scripts/tools.sh,
 * scripts/compose-tool.sh), helm rendering, kubeconform validation and small manifest queries.
 * A missing tool throws with the command that installs it: these tests fail, never skip.
 *
 * @example
 *   const docs = helmTemplate({ "istio.enabled": "true" });
 *   kubeconform(docs.text);
 *   services(docs.objects).get("strangler-inventory")?.ports; // [8082]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const CHART = path.join(ROOT, "charts/strangler");
export const SCHEMAS = path.join(ROOT, ".tools/schemas");
/** Kubernetes version of the offline schemas (scripts/schemas.sh) and of `helm template --kube-version`. */
export const KUBE_VERSION = "1.37.0";
export const RELEASE = "strangler";
export const NAMESPACE = "strangler-test";

const INSTALLERS: Record<string, string> = {
  helm: "bash scripts/tools.sh helm",
  kubeconform: "bash scripts/tools.sh kubeconform",
  "promql-check": "bash scripts/tools.sh promql-check",
  "docker-compose": "bash scripts/compose-tool.sh",
  shellcheck: "apt-get install -y shellcheck",
};

/** Absolute path of a pinned tool in .tools/bin (or on PATH for system tools); throws if absent. */
export function tool(name: string): string {
  const local = path.join(ROOT, ".tools/bin", name);
  if (existsSync(local)) return local;
  const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (which.status === 0 && name === "shellcheck") return which.stdout.trim();
  throw new Error(`${name} is not installed (looked in .tools/bin${name === "shellcheck" ? " and PATH" : ""}): run \`${INSTALLERS[name] ?? "?"}\``);
}

export function requireSchemas(): void {
  if (!existsSync(path.join(SCHEMAS, "master-standalone-strict")))
    throw new Error(`offline kubeconform schemas missing in ${SCHEMAS}: run \`bash scripts/tools.sh schemas\``);
}

export interface RunResult { status: number; stdout: string; stderr: string }

/** Runs a command (no shell) from the repo root; `check` throws on a non-zero exit with its stderr. */
export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; check?: boolean } = {}): RunResult {
  const r = spawnSync(cmd, args, { cwd: ROOT, input: opts.input, env: { ...process.env, ...opts.env }, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  const res = { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  if (opts.check !== false && res.status !== 0)
    throw new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${res.status}:\n${res.stderr || res.stdout}`);
  return res;
}

/** A Kubernetes object as rendered (only the fields the tests read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // manifests are free-form
  data?: Record<string, string>;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`YAML error: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

export interface Rendered { text: string; objects: K8sObject[] }

/** `helm template strangler charts/strangler` with --set values (plus any extra args). */
export function helmTemplate(sets: Record<string, string> = {}, extra: string[] = []): Rendered {
  const args = ["template", RELEASE, CHART, "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION, ...extra];
  for (const [k, v] of Object.entries(sets)) args.push("--set", `${k}=${v}`);
  const text = run(tool("helm"), args).stdout;
  return { text, objects: parseManifests(text) };
}

/** Validates manifests with kubeconform -strict against the offline schemas; a kind without a schema fails. */
export function kubeconform(text: string, expectedCount?: number): void {
  requireSchemas();
  const r = run(tool("kubeconform"), ["-strict", "-summary", "-output", "json", "-schema-location", SCHEMAS, "-"], { input: text, check: false });
  if (r.status !== 0) throw new Error(`kubeconform rejected the manifests:\n${r.stdout}\n${r.stderr}`);
  const summary = JSON.parse(r.stdout).summary as { valid: number; invalid: number; errors: number; skipped: number };
  if (summary.skipped !== 0) throw new Error(`kubeconform skipped ${summary.skipped} resources`);
  if (expectedCount !== undefined && summary.valid !== expectedCount)
    throw new Error(`kubeconform validated ${summary.valid} resources, expected ${expectedCount}`);
}

export const ofKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);

/** Rendered Services: name -> ports. */
export function services(objs: K8sObject[]): Map<string, number[]> {
  return new Map(ofKind(objs, "Service").map((s) => [s.metadata.name, (s.spec.ports as { port: number }[]).map((p) => p.port)]));
}

/** Resolves an in-cluster host (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`) to a rendered Service name, or undefined. */
export function serviceForHost(host: string, svcs: Map<string, number[]>, namespace = NAMESPACE): string | undefined {
  const [name, ns, ...rest] = host.split(".");
  if (!name || !svcs.has(name)) return undefined;
  if (ns === undefined) return name;
  if (ns !== namespace) return undefined;
  return rest.length === 0 || rest.join(".") === "svc.cluster.local" ? name : undefined;
}

/** The chart's default values.yaml. */
export function chartValues(): Record<string, any> {
  return parse(readFileSync(path.join(CHART, "values.yaml"), "utf8"));
}
