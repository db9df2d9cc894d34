import { request } from "./request.mjs";

const quantityIs = (n) => `
expectStatus(200);
pm.test("quantity is ${n}", () => pm.expect(pm.response.json()).to.deep.equal({ productId: pm.variables.get("i_productId"), quantity: ${n} }));`;
const update = (name, delta, test) =>
  request(name, "POST", "/api/inventory/update", { body: '{ "productId": "{{i_productId}}", "quantity": ' + delta + " }", test });

export const inventory = {
  name: "Inventory",
  description: "Stock deltas, checks and quantities with every documented error.",
  items: [
    request("create a product with stock 10", "POST", "/api/inventory/update", {
      pre: `pm.variables.set("i_productId", uuid());`,
      body: '{ "productId": "{{i_productId}}", "quantity": 10 }',
      test: quantityIs(10),
    }),
    update("add 5 (delta)", 5, quantityIs(15)),
    update("remove 3 (negative delta)", -3, quantityIs(12)),
    update("below zero: 409, nothing changes", -100, `expectError(409, ERR.INVENTORY_INSUFFICIENT_STOCK);`),
    request("quantity unchanged after the 409", "GET", "/api/inventory/quantity?productId={{i_productId}}", { test: quantityIs(12) }),
    request("invalid body: 400", "POST", "/api/inventory/update", {
      body: { productId: "not-a-uuid", quantity: "many" },
      test: `
expectError(400, ERR.INVENTORY_INVALID_BODY);
pm.test("details name productId and quantity", () => {
  const details = JSON.stringify(pm.response.json().details);
  pm.expect(details).to.include("productId");
  pm.expect(details).to.include("quantity");
});`,
    }),
    request("quantity of an unknown product: 404", "GET", "/api/inventory/quantity?productId={{$guid}}", { test: `expectError(404, ERR.INVENTORY_NOT_FOUND);` }),
    request("quantity with a bad productId: 400", "GET", "/api/inventory/quantity?productId=nope", { test: `expectError(400, ERR.INVENTORY_INVALID_QUERY);` }),
    request("check 5: in stock", "GET", "/api/inventory/check?productId={{i_productId}}&quantity=5", { test: `
expectStatus(200);
pm.test("inStock true", () => pm.expect(pm.response.json()).to.deep.equal({ productId: pm.variables.get("i_productId"), requested: 5, available: 12, inStock: true }));` }),
    request("check 100: 200 but not in stock", "GET", "/api/inventory/check?productId={{i_productId}}&quantity=100", { test: `
expectStatus(200);
pm.test("inStock false", () => pm.expect(pm.response.json()).to.include({ requested: 100, available: 12, inStock: false }));` }),
    request("check an unknown product: 404", "GET", "/api/inventory/check?productId={{$guid}}&quantity=1", { test: `expectError(404, ERR.INVENTORY_NOT_FOUND);` }),
    request("check with a bad quantity: 400", "GET", "/api/inventory/check?productId={{i_productId}}&quantity=-1", { test: `expectError(400, ERR.INVENTORY_INVALID_QUERY);` }),
    request("check without productId: 400", "GET", "/api/inventory/check?quantity=1", { test: `expectError(400, ERR.INVENTORY_INVALID_QUERY);` }),
  ],
};
