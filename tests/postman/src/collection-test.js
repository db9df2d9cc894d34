// Collection-level test script: runs after every response, before the request's own tests, and
// defines helpers(pm), the assertion helpers the request tests use (a global: no let/const).

/** Assertion helpers bound to a script's own `pm`. Every request test starts with
 *  `const { expectError, expectStatus, pollUntil } = helpers(pm);` (added by build-collection.mjs). */
helpers = (pm) => {
  /** Asserts an error response: status (one or a list), body {code, message, details?, correlationId}. */
  const expectError = (status, code) => {
    const statuses = [].concat(status);
    pm.test(`answers ${statuses.join(" or ")} ${code}`, () => {
      pm.expect(pm.response.code, pm.response.text().slice(0, 300)).to.be.oneOf(statuses);
      const body = pm.response.json();
      pm.expect(body.code).to.equal(code);
      pm.expect(body.message).to.be.a("string").and.not.empty;
      pm.expect(body.correlationId).to.be.a("string").and.not.empty;
    });
  };

  const expectStatus = (status) => pm.test(`answers ${status}`, () => pm.expect(pm.response.code, pm.response.text().slice(0, 300)).to.equal(status));

  /** Polls the current request (bounded): re-runs it after `delayMs` until done() or `max` tries. */
  const pollUntil = (key, done, { max = 40, delayMs = 250 } = {}) => {
    const tries = Number(pm.variables.get(key) || 0);
    if (!done() && tries < max) {
      pm.variables.set(key, tries + 1);
      setTimeout(() => {}, delayMs); // the runner waits for pending timers before the next request
      pm.execution.setNextRequest(pm.info.requestName);
      return false;
    }
    pm.variables.unset(key);
    return true;
  };
  return { expectError, expectStatus, pollUntil };
};

const path = pm.request.url.getPath();

if (path.startsWith("/api/")) {
  pm.test("echoes X-Request-Id", () => {
    pm.expect(pm.response.headers.get("X-Request-Id")).to.equal(pm.variables.get("sentRequestId"));
  });
  pm.test("says which backend answered (X-Upstream)", () => {
    pm.expect(pm.response.headers.get("X-Upstream"), "X-Upstream header").to.be.a("string").and.not.empty;
  });
}

if (pm.response.code >= 400 && pm.response.headers.get("Content-Type")?.includes("json")) {
  pm.test("error body is {code, message, details?, correlationId}", () => {
    const body = pm.response.json();
    pm.expect(body.code).to.match(/^[A-Z]+\.[A-Z_]+$/);
    pm.expect(body.message).to.be.a("string");
    pm.expect(body.correlationId).to.be.a("string").and.not.empty;
    if (body.details !== undefined) pm.expect(body.details).to.be.an("array");
    pm.expect(JSON.stringify(body)).not.to.match(/\bat .+\(.+:\d+:\d+\)/, "no stack trace");
  });
}
