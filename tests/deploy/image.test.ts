import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, it } from "node:test";
// @ts-expect-error -- plain .mjs helper shared with scripts/smoke-image.sh
import { readImageRuntime } from "../../scripts/dockerfile-runtime.mjs";
import { ROOT, chartValues, helmTemplate, ofKind, run, tool } from "./support/deploy-tools.js";

const rt = readImageRuntime(path.join(ROOT, "Dockerfile")) as {
  from: string[]; entrypoint: string[]; cmd: string[]; env: Record<string, string>; user?: string; expose: number[];
};
const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
const OWN_SCRIPTS = ["scripts/build.sh", "scripts/smoke-image.sh", "scripts/compose-tool.sh", "scripts/ci/newman.sh", "scripts/ci/containers.sh", "istio/run-breaker-test.sh"];

describe("Dockerfile", () => {
  it("builds on node:24-bookworm-slim with scripts/build.sh and serves from Debian slim with that stage's node", () => {
    assert.deepEqual(rt.from, ["node:24-bookworm-slim", "debian:bookworm-slim"]);
    assert.match(dockerfile, /^COPY --from=build \/usr\/local\/bin\/node \/usr\/local\/bin\/node$/m);
    assert.match(dockerfile, /apt-get install -y --no-install-recommends openssl/, "Prisma expects OpenSSL on the system");
    assert.doesNotMatch(dockerfile, /^# syntax=/m, "no feature needs a newer Dockerfile frontend");
    assert.match(dockerfile, /^RUN bash scripts\/build\.sh \S+$/m);
    assert.match(dockerfile, /^COPY --from=build /m);
  });

  it("starts the `all` role on embedded defaults with data in the /data volume", () => {
    assert.deepEqual(rt.entrypoint, ["node", "bin/strangler.js"]);
    assert.deepEqual(rt.cmd, ["all"]);
    assert.deepEqual(rt.env, { NODE_ENV: "production", DATA_DIR: "/data", HOST: "0.0.0.0" });
    assert.match(dockerfile, /^VOLUME \/data$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*CMD \["node", "scripts\/healthcheck\.mjs"\]$/m);
  });

  it("runs as the non-root uid the chart's pods require", () => {
    const [uid, gid] = (rt.user ?? "").split(":").map(Number);
    assert.ok(uid && uid > 0, `USER ${rt.user} must be a numeric non-root uid`);
    const pod = ofKind(helmTemplate().objects, "Deployment")[0]?.spec.template.spec.securityContext;
    assert.deepEqual([pod.runAsUser, pod.runAsGroup], [uid, gid]);
  });

  it("exposes every component port of the chart", () => {
    const v = chartValues();
    for (const c of ["proxy", "monolith", "users", "inventory", "orders"]) assert.ok(rt.expose.includes(v[c].port), `EXPOSE lacks ${c} ${v[c].port}`);
    assert.ok(rt.expose.includes(v.proxy.adminPort), `EXPOSE lacks the proxy admin port ${v.proxy.adminPort}`);
  });

  it("stages every runtime file named in scripts/build.sh", () => {
    const list = /RUNTIME_FILES=\(([^)]*)\)/.exec(readFileSync(path.join(ROOT, "scripts/build.sh"), "utf8"))?.[1]?.split(/\s+/).filter(Boolean);
    assert.ok(list, "RUNTIME_FILES not found in scripts/build.sh");
    for (const f of ["bin", "dist", "prisma/migrations", "package.json", "proxy/routes.yaml"]) assert.ok(list.includes(f), `runtime lacks ${f}`);
    assert.ok(list.includes("scripts/healthcheck.mjs"), "the HEALTHCHECK script must be in the image");
  });

  it("keeps the build context small (.dockerignore)", () => {
    const ignored = readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
    for (const p of [".git", "node_modules", "**/node_modules", "dist", ".tools", "data"]) assert.ok(ignored.includes(p), `.dockerignore lacks ${p}`);
  });
});

describe("scripts/healthcheck.mjs (the image's HEALTHCHECK)", () => {
  /** Exit code of the probe, run asynchronously so this process's test server can answer it. */
  const probe = (port: string, ...args: string[]) =>
    new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["scripts/healthcheck.mjs", ...args], { cwd: ROOT, env: { ...process.env, PORT: port }, stdio: "ignore" });
      child.on("exit", (code) => resolve(code ?? -1));
    });

  it("exits 0 when GET <path> answers 2xx on PORT, 1 on an error status or a closed port", async () => {
    const server = http.createServer((req, res) => { res.statusCode = req.url === "/health" ? 200 : 503; res.end(); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = String((server.address() as AddressInfo).port);
    try {
      assert.equal(await probe(port), 0, "GET /health 200");
      assert.equal(await probe(port, "/ready"), 1, "GET /ready 503");
    } finally {
      await new Promise((r) => server.close(r));
    }
    assert.equal(await probe(port), 1, "nothing listening");
  });
});

describe("shell scripts", () => {
  it("parse with bash -n", () => {
    for (const s of OWN_SCRIPTS) run("bash", ["-n", s]);
  });
  it("are shellcheck-clean", () => {
    run(tool("shellcheck"), OWN_SCRIPTS);
  });
});
