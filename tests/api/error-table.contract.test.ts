import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { inventoryOpenApi } from "../../src/modules/inventory/index.js";
import { ordersOpenApi } from "../../src/modules/orders/index.js";
import { usersOpenApi } from "../../src/modules/users/index.js";
import { buildOpenApi } from "../../src/platform/openapi/build-openapi.js";
import { ROOT } from "#test-support";

type Json = Record<string, unknown>;

/** "404 ROUTE.NOT_FOUND" for every row of README's error table (one status per row, codes in backticks). */
function readmeErrors(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("| status | codes |"));
  const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
  assert.ok(rows.length > 5, "README has the error table");
  return rows.flatMap((row) => {
    const [, status, codes] = row.split("|").map((c) => c.trim());
    assert.match(status!, /^\d{3}$/, `one status per row: ${row}`);
    return [...codes!.matchAll(/`([A-Z]+\.[A-Z_]+)`/g)].map((m) => `${status} ${m[1]}`);
  });
}

/** "status code" for every error response the document gives, with the codes its schema allows. */
function documentedErrors(doc: Json): string[] {
  const components = (doc.components as { responses: Record<string, Json> }).responses;
  const resolve = (r: Json) => (typeof r.$ref === "string" ? components[r.$ref.split("/").at(-1)!]! : r);
  const codesOf = (r: Json) => {
    const schema = (r.content as { "application/json"?: { schema: { allOf?: Json[] } } } | undefined)?.["application/json"]?.schema;
    return ((schema?.allOf?.[1] as { properties?: { code?: { enum?: string[] } } } | undefined)?.properties?.code?.enum ?? []);
  };
  const out = new Set<string>();
  const add = (status: string, r: Json) => codesOf(resolve(r)).forEach((c) => out.add(`${status} ${c}`));
  for (const ops of Object.values(doc.paths as Record<string, Record<string, { responses: Record<string, Json> }>>))
    for (const op of Object.values(ops)) for (const [status, r] of Object.entries(op.responses)) if (Number(status) >= 400) add(status, r);
  add("404", components.RouteNotFound!); // for paths the document does not list
  return [...out].sort();
}

describe("README's error table", () => {
  it("lists exactly the statuses and codes of the generated OpenAPI document", () => {
    const doc = buildOpenApi("monolith", [usersOpenApi, inventoryOpenApi, ordersOpenApi]) as unknown as Json;
    assert.deepEqual(readmeErrors().sort(), documentedErrors(doc));
  });

  it("every error response in the document names its codes", () => {
    const doc = buildOpenApi("monolith", [usersOpenApi, inventoryOpenApi, ordersOpenApi]);
    const unnamed = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).flatMap(([m, op]) =>
        Object.entries(op.responses)
          .filter(([status, r]) => Number(status) >= 400 && !p.startsWith("/ready") && !("$ref" in r) && !JSON.stringify(r).includes('"enum"'))
          .map(([status]) => `${m.toUpperCase()} ${p} ${status}`),
      ),
    );
    assert.deepEqual(unnamed, []);
  });
});
