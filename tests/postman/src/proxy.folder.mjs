import { request } from "./request.mjs";

const bigBody = `pm.variables.set("p_bigBody", JSON.stringify({ username: "x".repeat(300 * 1024), email: "big@example.com", firstName: "B", lastName: "B" }));`;

export const proxy = {
  name: "Proxy",
  description: "Strangler Fig proxy behaviour: X-Upstream names the backend, X-Request-Id is echoed and is the correlationId, body limits.",
  items: [
    request("users route names its upstream", "GET", "/api/users?limit=1", { test: `
expectStatus(200);
pm.test("X-Upstream is set", () => pm.expect(pm.response.headers.get("X-Upstream")).to.match(/\\S/));` }),
    request("inventory route names its upstream", "GET", "/api/inventory/quantity?productId={{$guid}}", { test: `expectError(404, ERR.INVENTORY_NOT_FOUND);` }),
    request("orders route names its upstream", "GET", "/api/orders/{{$guid}}", { test: `expectError(404, ERR.ORDERS_NOT_FOUND);` }),
    request("the error's correlationId is the X-Request-Id", "GET", "/api/users/{{$guid}}", { test: `
expectError(404, ERR.USERS_NOT_FOUND);
pm.test("correlationId = X-Request-Id", () => pm.expect(pm.response.json().correlationId).to.equal(pm.variables.get("sentRequestId")));` }),
    request("a body over the limit: 413", "POST", "/api/users", { pre: bigBody, body: "{{p_bigBody}}", test: `expectError(413, ERR.REQUEST_TOO_LARGE);` }),
    request("malformed JSON through the proxy: 400", "POST", "/api/inventory/update", { body: "{ not json", test: `expectError(400, ERR.REQUEST_INVALID_JSON);` }),
  ],
};
