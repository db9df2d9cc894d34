import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextClaimSize } from "../outbox-drain.js";

const sizing = { min: 100, max: 1000 };

describe("outbox claim sizing (follows the backlog)", () => {
  it("when claims keep coming back full, then the size doubles up to the cap and stays there", () => {
    const sizes = [100];
    for (let i = 0; i < 6; i++) sizes.push(nextClaimSize(sizes.at(-1)!, sizes.at(-1)!, sizing));
    assert.deepEqual(sizes, [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it("when a claim comes back mostly empty, then the size halves down to the first claim's size, never below", () => {
    assert.equal(nextClaimSize(1000, 10, sizing), 500);
    assert.equal(nextClaimSize(200, 0, sizing), 100);
    assert.equal(nextClaimSize(100, 0, sizing), 100);
  });

  it("when a claim comes back partly full, then the size is kept (a steady backlog, a steady claim)", () => {
    assert.equal(nextClaimSize(400, 300, sizing), 400);
    assert.equal(nextClaimSize(400, 101, sizing), 400);
  });
});
