import assert from "node:assert/strict";
import { it } from "node:test";
import { findShortages } from "../domain/find-shortages.js";

it("reports every item short of stock, unknown products as 0 available", () => {
  const available = new Map([["a", 5], ["b", 1]]);
  assert.deepEqual(findShortages([{ productId: "a", quantity: 5 }, { productId: "b", quantity: 2 }, { productId: "c", quantity: 1 }], available), [
    { productId: "b", requested: 2, available: 1 },
    { productId: "c", requested: 1, available: 0 },
  ]);
  assert.deepEqual(findShortages([{ productId: "a", quantity: 5 }], available), []);
});
