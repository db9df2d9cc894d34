import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { ROOT, chartValues, run, tool } from "./support/deploy-tools.js";

interface ComposeService {
  image?: string;
  build?: { context: string };
  command?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: { target: number; published: string; host_ip?: string }[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}

/** `docker compose config` through the docker CLI plugin (.tools/docker), or the same binary standalone. */
function composeConfig(): { services: Record<string, ComposeService> } {
  const compose = tool("docker-compose"); // fails with the install command when missing
  const hasDockerCli = spawnSync("sh", ["-c", "command -v docker"]).status === 0;
  const env = { DOCKER_CONFIG: path.join(ROOT, ".tools/docker"), JWT_SECRET: "", LOG_LEVEL: "" };
  const [cmd, args] = hasDockerCli ? ["docker", ["compose"]] : [compose, []];
  return JSON.parse(run(cmd, [...args, "-f", "docker-compose.yml", "config", "--format", "json"], { env }).stdout);
}

/** The chart component a compose command runs: ["service","users"] -> users, ["proxy"] -> proxy. */
const roleOf = (cmd: string[] | null | undefined) => (cmd?.[0] === "service" ? cmd[1] : cmd?.[0]);
const SERVER_ROLES = ["proxy", "monolith", "users", "inventory", "orders"];

/** The parsed compose model, loaded once by the first test (so a missing tool fails every test, loudly). */
let model: { svcs: Record<string, ComposeService>; app: [string, ComposeService][]; servers: [string, ComposeService][] } | undefined;
function load() {
  if (!model) {
    const svcs = composeConfig().services;
    const app = Object.entries(svcs).filter(([, s]) => s.image === "strangler:local");
    model = { svcs, app, servers: app.filter(([, s]) => SERVER_ROLES.includes(roleOf(s.command) ?? "")) };
  }
  return model;
}

describe("docker-compose.yml", () => {
  const values = chartValues();

  it("parses with `docker compose config` and has the whole stack", () => {
    const { svcs, app, servers } = load();
    assert.deepEqual(
      Object.keys(svcs).sort(),
      ["flags-init", "inventory", "kafka", "migrate", "monolith", "postgres", "proxy", "unleash", "users"],
    );
    assert.equal(svcs.kafka?.image, "apache/kafka:3.9.1");
    assert.match(svcs.unleash?.image ?? "", /^unleashorg\/unleash-server:7/);
    assert.match(svcs.postgres?.image ?? "", /^postgres:16/);
  });

  it("builds every app role from the one Dockerfile as one image", () => {
    const { svcs, app, servers } = load();
    assert.ok(app.length >= 6, "app services");
    for (const [name, s] of app) assert.equal(s.build?.context, ROOT, `${name} build context`);
    assert.deepEqual(app.map(([, s]) => roleOf(s.command)).sort(), ["flags", "inventory", "migrate", "monolith", "proxy", "users"]);
  });

  it("names each server service after its chart component and listens on the chart's port", () => {
    const { svcs, app, servers } = load();
    for (const [name, s] of servers) {
      const role = roleOf(s.command)!;
      assert.equal(name, role, `compose service ${name} runs role ${role}`);
      assert.equal(values[role]?.port, Number(s.environment?.PORT), `${name}: PORT ${s.environment?.PORT} vs chart ${role}.port`);
    }
  });

  it("publishes the proxy on 8000, its admin port 9000 on 127.0.0.1 only, and points its upstream URLs at compose services and their ports", () => {
    const { svcs, app, servers } = load();
    assert.deepEqual(svcs.proxy?.ports?.map((p) => [p.target, p.published, p.host_ip ?? ""]), [[8000, "8000", ""], [9000, "9000", "127.0.0.1"]]);
    const portOf = new Map(servers.map(([n, s]) => [n, Number(s.environment?.PORT)]));
    for (const [name, s] of servers) {
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        if (!/^(MONOLITH|[A-Z]+_SERVICE)_URL$/.test(k)) continue;
        const u = new URL(v ?? "");
        assert.ok(portOf.has(u.hostname), `${name}: ${k}=${v} names no compose app service`);
        assert.equal(Number(u.port), portOf.get(u.hostname), `${name}: ${k}=${v} has the wrong port`);
      }
    }
    const proxyEnv = svcs.proxy?.environment ?? {};
    for (const up of ["monolith", "users", "inventory"]) {
      const key = up === "monolith" ? "MONOLITH_URL" : `${up.toUpperCase()}_SERVICE_URL`;
      assert.ok(proxyEnv[key], `proxy lacks ${key}`);
    }
  });

  it("gives the proxy no DATABASE_URL and no JWT_SECRET, and every app role both", () => {
    const { svcs, servers } = load();
    for (const key of ["DATABASE_URL", "JWT_SECRET"]) assert.equal(svcs.proxy?.environment?.[key], undefined, `proxy has ${key}`);
    for (const [name, s] of servers) if (name !== "proxy") for (const key of ["DATABASE_URL", "JWT_SECRET"]) assert.ok(s.environment?.[key], `${name} lacks ${key}`);
  });

  it("orders start-up by healthchecks and completed one-shots, with no sleeps", () => {
    const { svcs, app, servers } = load();
    for (const [name, s] of Object.entries(svcs)) {
      const oneShot = ["migrate", "flags-init"].includes(name);
      if (!oneShot) assert.ok(s.healthcheck?.test?.length && !s.healthcheck.disable, `${name} needs a healthcheck`);
      for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
        const want = ["migrate", "flags-init"].includes(dep) ? "service_completed_successfully" : "service_healthy";
        assert.equal(d.condition, want, `${name} -> ${dep}`);
      }
      assert.doesNotMatch(JSON.stringify([s.command, s.healthcheck?.test]), /\bsleep\b/, `${name} sleeps`);
    }
    const deps = (n: string) => Object.keys(svcs[n]?.depends_on ?? {}).sort();
    assert.deepEqual(deps("proxy"), ["flags-init", "inventory", "monolith", "users"]);
    for (const n of ["monolith", "users", "inventory"]) assert.ok(deps(n).includes("migrate"), `${n} waits for migrate`);
    assert.ok(deps("flags-init").includes("unleash"));
  });

  it("seeds the Unleash tokens the app and `flags init` use", () => {
    const { svcs, app, servers } = load();
    const u = svcs.unleash?.environment ?? {};
    assert.equal(u.INIT_BACKEND_API_TOKENS, svcs.proxy?.environment?.UNLEASH_API_TOKEN);
    assert.equal(u.INIT_ADMIN_API_TOKENS, svcs["flags-init"]?.environment?.UNLEASH_ADMIN_TOKEN);
    assert.deepEqual(svcs["flags-init"]?.command, ["flags", "init"]);
    assert.match(u.DATABASE_URL ?? "", /@postgres:5432\/unleash$/);
  });
});
