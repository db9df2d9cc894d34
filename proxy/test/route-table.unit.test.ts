import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRouteMatcher, isReservedPath } from "../src/routing/route-table.js";

const routes = [
  { prefix: "/api/users", module: "users" },
  { prefix: "/api/inventory", module: "inventory" },
  { prefix: "/api/inventory/reports", module: "reports" },
  { prefix: "/api/orders", module: "orders" },
];
const match = compileRouteMatcher(routes);
const moduleOf = (url: string) => match(url)?.module ?? "monolith";

describe("route table", () => {
  it("when the path is the prefix itself or continues with a segment, then the route matches", () => {
    assert.equal(moduleOf("/api/inventory"), "inventory");
    assert.equal(moduleOf("/api/inventory/check"), "inventory");
    assert.equal(moduleOf("/api/inventory/"), "inventory");
    assert.equal(moduleOf("/api/users/3f1c/orders"), "users");
  });

  it("when the prefix continues inside a segment, then it does not match (segment boundary)", () => {
    assert.equal(moduleOf("/api/inventoryX"), "monolith");
    assert.equal(moduleOf("/api/inventory-old/check"), "monolith");
    assert.equal(moduleOf("/api/user"), "monolith");
    assert.equal(moduleOf("/api/usersettings"), "monolith");
  });

  it("when a query string or fragment follows the prefix, then the route matches", () => {
    assert.equal(moduleOf("/api/inventory?productId=1"), "inventory");
    assert.equal(moduleOf("/api/inventory/check?productId=1&quantity=2"), "inventory");
    assert.equal(moduleOf("/api/orders#x"), "orders");
  });

  it("when several prefixes match, then the longest wins", () => {
    assert.equal(moduleOf("/api/inventory/reports"), "reports");
    assert.equal(moduleOf("/api/inventory/reports/daily"), "reports");
    assert.equal(moduleOf("/api/inventory/reportsX"), "inventory");
  });

  it("when a path is unlisted, then nothing matches (the monolith answers)", () => {
    // "//api/users" is the matcher's raw input here; the pipeline normalises it first (request-target.ts). Case is folded.
    for (const url of ["/", "/health/x", "/api", "/api/", "/apix/users", "//api/users", ""]) assert.equal(moduleOf(url), "monolith", url);
    assert.equal(moduleOf("/API/users"), "users");
  });

  it("when the table is empty, then every path is unlisted", () => {
    assert.equal(compileRouteMatcher([])("/api/users"), undefined);
  });

  it("reserves /_strangler…, /metrics, /health, /health/details and /ready for the proxy, and nothing that merely starts alike", () => {
    const reserved = ["/_strangler", "/_strangler/", "/_strangler/status", "/_strangler?x=1", "/metrics", "/metrics?x", "/health", "/health?probe=1"];
    for (const url of [...reserved, "/ready", "/ready?probe=1", "/health/details", "/health/details?x=1"]) assert.equal(isReservedPath(url), true, url);
    for (const url of ["/_stranglerX", "/metricsX", "/healthz", "/health/deep", "/health/details/x", "/readyz", "/ready/x", "/api/health", "/api/ready"])
      assert.equal(isReservedPath(url), false, url);
  });
});
