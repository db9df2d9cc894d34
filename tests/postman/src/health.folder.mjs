import { request } from "./request.mjs";

export const health = {
  name: "Health",
  description: "Liveness, readiness; the proxy's status page and metrics on its admin port (adminUrl), never on the public one.",
  items: [
    request("GET /health is 200 {status: ok}", "GET", "/health", { test: `
expectStatus(200);
pm.test("status ok", () => pm.expect(pm.response.json().status).to.equal("ok"));` }),
    request("GET /ready is 200 on a healthy stack", "GET", "/ready", { test: `expectStatus(200);` }),
    request("GET /_strangler on the admin port shows the routing status", "GET", "/_strangler", { base: "adminUrl", auth: "none", test: `
expectStatus(200);
pm.test("an HTML page", () => {
  pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html");
  pm.expect(pm.response.text()).to.include("Strangler");
});` }),
    request("GET /metrics on the admin port is Prometheus text", "GET", "/metrics", { base: "adminUrl", auth: "none", test: `
expectStatus(200);
pm.test("has # TYPE lines", () => pm.expect(pm.response.text()).to.include("# TYPE"));` }),
    ...["/metrics", "/_strangler/status", "/health/details"].map((path) =>
      request(`GET ${path} on the public port is the proxy's own 404`, "GET", path, { auth: "none", test: `
expectStatus(404);
pm.test("answered by the proxy, not forwarded", () => pm.expect(pm.response.headers.get("X-Upstream")).to.equal("proxy"));
pm.test("shows no internals", () => pm.expect(pm.response.text()).not.to.match(/strangler_proxy_|upstreams|routes/));` }),
    ),
  ],
};
