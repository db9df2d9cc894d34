// Postman v2.1 building blocks used by the folder files and build-collection.mjs.

/** First line of every request test: the helpers bound to this script's `pm` (see src/collection-test.js). */
const TEST_PRELUDE = "const { expectError, expectStatus, pollUntil } = helpers(pm);";

export const script = (listen, code) => ({ listen, script: { type: "text/javascript", exec: code.trim().split("\n") } });

/**
 * One request. opts: body (object or raw string), headers, auth ("customer" default | "staff" | "none" | "forged"), pre,
 * test, base ("baseUrl" default: the proxy's public port | "adminUrl": its admin port).
 */
export function request(name, method, path, opts = {}) {
  const { body, headers = {}, auth = "customer", pre, test, base = "baseUrl" } = opts;
  const event = [];
  if (pre) event.push(script("prerequest", pre));
  if (test) event.push(script("test", `${TEST_PRELUDE}\n${test.trim()}`));
  const header = Object.entries({ ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers })
    .map(([key, value]) => ({ key, value }));
  const token = { customer: "{{customerToken}}", staff: "{{staffToken}}", forged: "{{forgedToken}}" }[auth];
  return {
    name,
    event,
    request: {
      method,
      header,
      auth: token ? { type: "bearer", bearer: [{ key: "token", value: token, type: "string" }] } : { type: "noauth" },
      ...(body !== undefined ? { body: { mode: "raw", raw: typeof body === "string" ? body : JSON.stringify(body, null, 2) } } : {}),
      url: `{{${base}}}${path}`,
    },
  };
}
