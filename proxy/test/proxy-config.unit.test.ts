import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { DEFAULT_MONOLITH_URL, DEFAULT_SERVICE_URLS } from "../../src/platform/config/default-endpoints.js";
import { ConfigError } from "../../src/platform/config/load-env.js";
import { DEFAULT_ROUTES_FILE, loadProxyConfig } from "../src/config/proxy.config.js";
import { loadRouteTable, parseRouteTable } from "../src/config/routes-file.js";

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail("expected a configuration error");
};

describe("proxy configuration", () => {
  it("when nothing is set, then the documented defaults apply (port 8000, file flags, packaged routes)", () => {
    const c = loadProxyConfig({});
    assert.equal(c.port, 8000);
    assert.equal(c.adminPort, 9000);
    assert.equal(c.flags.mode, "file");
    assert.equal(c.flags.refreshMs, 500);
    assert.equal(c.flags.environment, "development");
    assert.equal(c.flags.project, "default");
    assert.equal(c.routesFile, DEFAULT_ROUTES_FILE);
    assert.match(c.flags.flagsFile, /data\/flags\.json$/);
    assert.match(c.flags.backupDir, /data\/unleash-backup$/);
    assert.equal(c.upstreamDefaults.maxConcurrent, 1000);
    assert.equal(c.cookie.name, "strangler_sid");
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.flags));
  });

  it("when SHADOW_SECRET is set, then the shadow stage signs with it; unset, writes are not mirrored; short, refused", () => {
    assert.equal(loadProxyConfig({}).shadow.secret, undefined);
    assert.equal(loadProxyConfig({ SHADOW_SECRET: "p".repeat(40) }).shadow.secret, "p".repeat(40));
    assert.throws(() => loadProxyConfig({ SHADOW_SECRET: "too-short" }), /SHADOW_SECRET must be at least 32 characters/);
  });

  it("when ADMIN_PORT is set, then it is parsed like PORT (0 = any free port; out of range is refused)", () => {
    assert.equal(loadProxyConfig({ ADMIN_PORT: "9100" }).adminPort, 9100);
    assert.equal(loadProxyConfig({ ADMIN_PORT: "0" }).adminPort, 0);
    assert.ok(problemsOf(() => loadProxyConfig({ ADMIN_PORT: "70000" })).some((p) => p.includes("ADMIN_PORT")));
  });

  it("when several values are wrong, then every problem is listed at once", () => {
    const problems = problemsOf(() =>
      loadProxyConfig({ PORT: "99999", MONOLITH_URL: "not a url", FLAGS_REFRESH_MS: "5", UPSTREAM_MAX_CONCURRENCY: "0", INVENTORY_SERVICE_URL: "ftp://x" }),
    );
    assert.equal(problems.length, 5, problems.join("\n"));
    for (const key of ["PORT", "MONOLITH_URL", "FLAGS_REFRESH_MS", "UPSTREAM_MAX_CONCURRENCY", "INVENTORY_SERVICE_URL"])
      assert.ok(problems.some((p) => p.includes(key)), `${key} not reported: ${problems.join(" | ")}`);
  });

  it("when UNLEASH_URL is set without a client token, then the proxy refuses to start; the flags tool needs the admin token instead", () => {
    assert.ok(problemsOf(() => loadProxyConfig({ UNLEASH_URL: "http://127.0.0.1:4242/api" })).some((p) => p.includes("UNLEASH_API_TOKEN")));
    assert.ok(problemsOf(() => loadProxyConfig({ UNLEASH_URL: "http://127.0.0.1:4242/api" }, "flags")).some((p) => p.includes("UNLEASH_ADMIN_TOKEN")));
    const c = loadProxyConfig({ UNLEASH_URL: "http://127.0.0.1:4242/api", UNLEASH_API_TOKEN: "t" });
    assert.equal(c.flags.mode, "unleash");
  });

  it("when values are empty strings, then they count as unset", () => {
    assert.equal(loadProxyConfig({ PORT: "", UNLEASH_URL: "" }).flags.mode, "file");
  });
});

describe("route table file", () => {
  const config = loadProxyConfig({});

  it("loads the packaged table: users, inventory and orders behind strangler.* flags", () => {
    const table = loadRouteTable(config);
    assert.deepEqual(table.routes.map((r) => [r.prefix, r.module, r.flag]), [
      ["/api/users", "users", "strangler.users"],
      ["/api/inventory", "inventory", "strangler.inventory"],
      ["/api/orders", "orders", "strangler.orders"],
    ]);
    assert.equal(table.monolith.url, "http://127.0.0.1:8080");
    assert.deepEqual(table.services.map((s) => s.url), ["http://127.0.0.1:8081", "http://127.0.0.1:8082", "http://127.0.0.1:8083"]);
  });

  it("when <MODULE>_SERVICE_URL and MONOLITH_URL are set, then they win over the file", () => {
    const c = loadProxyConfig({ INVENTORY_SERVICE_URL: "http://10.0.0.2:9000", MONOLITH_URL: "http://10.0.0.1:9000" });
    const table = loadRouteTable(c);
    assert.equal(table.services.find((s) => s.name === "inventory")!.url, "http://10.0.0.2:9000");
    assert.equal(table.monolith.url, "http://10.0.0.1:9000");
  });

  it("when the packaged file names no URLs, then they come from the one defaults table, and a route's url wins over it", () => {
    assert.doesNotMatch(readFileSync(DEFAULT_ROUTES_FILE, "utf8"), /^\s*url:/m);
    const table = loadRouteTable(loadProxyConfig({}));
    assert.equal(table.monolith.url, DEFAULT_MONOLITH_URL);
    for (const s of table.services) assert.equal(s.url, DEFAULT_SERVICE_URLS[s.name]);
    const own = parseRouteTable({ routes: [{ prefix: "/api/users", module: "users", flag: "f", url: "http://10.0.0.3:1" }] }, loadProxyConfig({}));
    assert.equal(own.services[0]!.url, "http://10.0.0.3:1");
  });

  it("when a route overrides limits, then only that upstream changes; the env gives the defaults", () => {
    const c = loadProxyConfig({ UPSTREAM_TIMEOUT_MS: "2000", BREAKER_VOLUME_THRESHOLD: "7" });
    const table = parseRouteTable({ routes: [{ prefix: "/api/inventory", module: "inventory", flag: "f", maxConcurrent: 10, breaker: { resetTimeoutMs: 900 } }] }, c);
    const s = table.services[0]!;
    assert.deepEqual([s.settings.maxConcurrent, s.settings.timeoutMs, s.settings.breaker.resetTimeoutMs, s.settings.breaker.volumeThreshold], [10, 2000, 900, 7]);
    assert.equal(table.monolith.settings.maxConcurrent, 1000);
  });

  it("when a route lists shadow ignore rules, then they are kept; without any, the list is empty", () => {
    const table = parseRouteTable({ routes: [{ prefix: "/api/inventory", module: "inventory", flag: "f", shadow: { ignore: ["/id", "/items/*/id"] } }, { prefix: "/api/users", module: "users", flag: "g" }] }, config);
    assert.deepEqual(table.routes.map((r) => r.shadowIgnore), [["/id", "/items/*/id"], []]);
    assert.ok(problemsOf(() => parseRouteTable({ routes: [{ prefix: "/a", module: "a", flag: "f", url: "http://x", shadow: { ignore: ["has space"] } }] }, config)).length > 0);
  });

  it("when the file has several mistakes, then each one is reported", () => {
    const problems = problemsOf(() =>
      parseRouteTable(
        {
          routes: [
            { prefix: "/api/inventory/", module: "inventory", flag: "a" },
            { prefix: "api/users", module: "Users", flag: "b" },
            { prefix: "/api/orders/*", module: "orders", flag: "has space" },
            { prefix: "/api/x", module: "x", flag: "c", timeoutMs: 1 },
          ],
        },
        config,
      ),
    );
    assert.ok(problems.length >= 6, problems.join("\n"));
  });

  it("when a prefix is listed twice, a module name is reserved, or a module has no URL, then start-up fails", () => {
    const dup = problemsOf(() => parseRouteTable({ routes: [{ prefix: "/a", module: "a", flag: "f", url: "http://x" }, { prefix: "/a", module: "b", flag: "g", url: "http://y" }] }, config));
    assert.ok(dup.some((p) => p.includes("duplicate")), dup.join("|"));
    const reserved = problemsOf(() => parseRouteTable({ routes: [{ prefix: "/a", module: "monolith", flag: "f", url: "http://x" }] }, config));
    assert.ok(reserved.some((p) => p.includes("reserved")), reserved.join("|"));
    const noUrl = problemsOf(() => parseRouteTable({ routes: [{ prefix: "/api/payments", module: "payments", flag: "f" }] }, config));
    assert.ok(noUrl.some((p) => p.includes("PAYMENTS_SERVICE_URL")), noUrl.join("|"));
  });

  it("when one module is declared twice with different settings, then start-up fails; identical is fine", () => {
    const base = { module: "inventory", flag: "f", url: "http://x" };
    const conflict = problemsOf(() => parseRouteTable({ routes: [{ ...base, prefix: "/a" }, { ...base, prefix: "/b", maxConcurrent: 5 }] }, config));
    assert.ok(conflict.some((p) => p.includes("declared twice")), conflict.join("|"));
    assert.equal(parseRouteTable({ routes: [{ ...base, prefix: "/a" }, { ...base, prefix: "/b" }] }, config).services.length, 1);
  });

  it("when the routes file is missing or not YAML, then the error names the file", () => {
    const missing = problemsOf(() => loadRouteTable(loadProxyConfig({ ROUTES_FILE: "/nonexistent/routes.yaml" })));
    assert.match(missing[0]!, /\/nonexistent\/routes\.yaml/);
  });
  it("when GUARD_* are set and a route has a guard: block, then the route's guard is the env defaults with its overrides", () => {
    const c = loadProxyConfig({ GUARD_WINDOW_MS: "5000", GUARD_MIN_SAMPLES: "20" });
    assert.deepEqual(loadProxyConfig({}).guard, { enabled: true, windowMs: 60_000, minSamples: 50, errorMarginPct: 2, latencyRatio: 1.5, latencySlackMs: 50 });
    const table = parseRouteTable({ routes: [{ prefix: "/api/inventory", module: "inventory", flag: "f", guard: { errorMarginPct: 5, latencySlackMs: 100 } }] }, c);
    assert.deepEqual(table.routes[0]!.guard, { enabled: true, windowMs: 5000, minSamples: 20, errorMarginPct: 5, latencyRatio: 1.5, latencySlackMs: 100 });
    const bad = problemsOf(() => parseRouteTable({ routes: [{ prefix: "/api/x", module: "x", flag: "f", url: "http://a:1", guard: { latencyRatio: 0.5, windowMs: 10 } }] }, c));
    assert.ok(bad.some((p) => p.includes("latencyRatio")) && bad.some((p) => p.includes("windowMs")), bad.join("; "));
    assert.ok(problemsOf(() => loadProxyConfig({ GUARD_MIN_SAMPLES: "0" })).some((p) => p.includes("GUARD_MIN_SAMPLES")));
  });
});
