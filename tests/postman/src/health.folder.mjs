import { request } from "./request.mjs";

export const health = {
  name: "Health",
  description: "Liveness, readiness, the proxy's status page and metrics.",
  items: [
    request("GET /health is 200 {status: ok}", "GET", "/health", { test: `
expectStatus(200);
pm.test("status ok", () => pm.expect(pm.response.json().status).to.equal("ok"));` }),
    request("GET /ready is 200 on a healthy stack", "GET", "/ready", { test: `expectStatus(200);` }),
    request("GET /_strangler shows the routing status", "GET", "/_strangler", { test: `
expectStatus(200);
pm.test("an HTML page", () => {
  pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html");
  pm.expect(pm.response.text()).to.include("Strangler");
});` }),
    request("GET /metrics is Prometheus text", "GET", "/metrics", { test: `
expectStatus(200);
pm.test("has # TYPE lines", () => pm.expect(pm.response.text()).to.include("# TYPE"));` }),
  ],
};
