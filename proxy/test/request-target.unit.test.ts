import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { absoluteFormAuthority, normalizeTarget } from "../src/routing/request-target.js";
import { compileRouteMatcher, isReservedPath } from "../src/routing/route-table.js";

const match = compileRouteMatcher([{ prefix: "/api/users", module: "users" }, { prefix: "/api/orders", module: "orders" }]);
const moduleOf = (target: string) => {
  const url = normalizeTarget(target);
  return url === undefined ? "rejected" : (match(url)?.module ?? "monolith");
};

describe("request target: the one form the proxy routes and forwards", () => {
  it("when the target is already plain, then it is returned as it came (same string, query untouched)", () => {
    for (const t of ["/", "/api/users/1", "/api/users?x=%2F..%5C;", "/api/users/", "/a.b/c.d", "/api/users/..x/.y"]) assert.equal(normalizeTarget(t), t, t);
  });

  it("collapses empty segments, resolves . and .. segments and drops the fragment", () => {
    const cases: [string, string][] = [
      ["//api/users/1", "/api/users/1"],
      ["/api///users//1/", "/api/users/1/"],
      ["/api/./users/1", "/api/users/1"],
      ["/api/orders/../users/1", "/api/users/1"],
      ["/api/users/1/..", "/api/users/"],
      ["/api/users/.", "/api/users/"],
      ["/api/users#frag", "/api/users"],
      ["/api/users?q=1#frag", "/api/users?q=1"],
      ["//", "/"],
    ];
    for (const [t, want] of cases) assert.equal(normalizeTarget(t), want, t);
  });

  it("decodes escapes of unreserved characters (then resolves them) and keeps other escapes, hex upper-cased", () => {
    const cases: [string, string][] = [
      ["/api/%75sers/1", "/api/users/1"],
      ["/api/orders/%2e%2e/users/1", "/api/users/1"],
      ["/api/orders/%2E%2E/users", "/api/users"],
      ["/api/users/%2e/1", "/api/users/1"],
      ["/api/users/a%20b%3b", "/api/users/a%20b%3B"],
      ["/api/users/%c3%a9", "/api/users/%C3%A9"],
      ["/api/users/%25", "/api/users/%25"],
    ];
    for (const [t, want] of cases) assert.equal(normalizeTarget(t), want, t);
  });

  it("turns an absolute-form target into origin form, any scheme case", () => {
    assert.equal(normalizeTarget("http://x/api/orders/1"), "/api/orders/1");
    assert.equal(normalizeTarget("HTTPS://shop.example:8443/api/orders/1?a=b"), "/api/orders/1?a=b");
    assert.equal(normalizeTarget("http://x"), "/");
    assert.equal(normalizeTarget("http://x?y=1"), "/?y=1");
    assert.equal(normalizeTarget("http://x//api/../api/users"), "/api/users");
    assert.deepEqual(["http://x/a", "HTTPS://shop.example:8443?q", "/http://x/a"].map(absoluteFormAuthority), ["x", "shop.example:8443", undefined]);
  });

  it("rejects what it cannot normalise safely: escaped slashes, backslashes, ';', '..' above the root, malformed escapes, other forms", () => {
    const rejected = [
      "/api/users%2F1", "/api%2fusers", "/api/orders/..%2Fusers", "/api%5Cusers", "/api\\users", "/api/users;jsessionid=1/1", "/api/users/1;x",
      "/..", "/api/../../users", "/api/%2e%2e/%2e%2e/x", "/api/users/%zz", "/api/users/%4", "/api/users/%",
      "*", "shop.example:443", "api/users", "", "ftp://x/api/users", "http:///api/users", "http:/x/api/users",
    ];
    for (const t of rejected) assert.equal(normalizeTarget(t), undefined, t);
  });

  it("routes every spelling of a route's path to that route (case folded, as Express folds it)", () => {
    for (const t of ["/API/USERS", "/api/Users", "/Api/users/7?x=1", "//api/users/1", "/api/users/", "/api/./users", "/api/orders/../users/1", "http://x/api/users/1", "/api/%55sers/1"])
      assert.equal(moduleOf(t), "users", t);
    for (const t of ["http://x/api/orders/1", "/API/ORDERS", "/api/users/../orders"]) assert.equal(moduleOf(t), "orders", t);
    for (const t of ["/api/usersX", "/api/userz", "/API/USER"]) assert.equal(moduleOf(t), "monolith", t);
  });

  it("reserves the proxy's own paths in any case", () => {
    for (const t of ["/METRICS", "/Health", "/READY?x=1", "/_Strangler/status", "/health/DETAILS"]) assert.equal(isReservedPath(t), true, t);
    for (const t of ["/MetricsX", "/api/HEALTH", "/Users"]) assert.equal(isReservedPath(t), false, t);
  });
});
