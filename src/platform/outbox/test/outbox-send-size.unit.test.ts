import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bySendSize, MAX_SEND_BYTES, type OutboxRow } from "../outbox-batch.js";

const row = (id: number, bytes: number): OutboxRow => ({ id: BigInt(id), topic: "t", key: `k${id}`, envelope: "x".repeat(bytes) });
const ids = (sends: OutboxRow[][]) => sends.map((s) => s.map((r) => Number(r.id)));

describe("outbox sends bounded in size (a large claim never becomes a batch the broker refuses)", () => {
  it("when a claim's envelopes fit, then they go in one send", () => {
    assert.deepEqual(ids(bySendSize([1, 2, 3].map((i) => row(i, 1_000)))), [[1, 2, 3]]);
  });

  it("when they do not, then they are split in order, each send within the bound, an oversized row alone", () => {
    const third = Math.floor(MAX_SEND_BYTES / 3);
    const sends = bySendSize([row(1, third), row(2, third), row(3, third), row(4, third), row(5, MAX_SEND_BYTES * 2), row(6, 10)]);
    assert.deepEqual(ids(sends), [[1, 2, 3], [4], [5], [6]]);
    for (const s of sends.filter((s) => s.length > 1)) assert.ok(s.reduce((n, r) => n + r.envelope.length, 0) <= MAX_SEND_BYTES);
  });
});
