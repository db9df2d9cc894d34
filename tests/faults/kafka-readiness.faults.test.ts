import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { placeOne, seedShop } from "./support/order-ledger.js";
import { broker, eventually, type Stack, startStack } from "#test-support";

type Details = {
  status: string;
  checks: Record<string, { status: string }>;
  messaging: { kind: string; broker?: { status: "up" | "down"; error?: string }; consumers: { groupId: string; state: string; lag?: number }[] };
  "outbox.orders"?: { pending: number };
  "outbox.inventory"?: { pending: number };
};
const details = async (url: string) => (await (await fetch(`${url}/health/details`, { signal: AbortSignal.timeout(15_000) })).json()) as Details;

describe("Kafka broker stopped: pods stay in service (readiness is the database only)", { timeout: 240_000 }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ label: "faults-kafka-ready", kafka: true, services: ["inventory"] });
  });
  after(async () => {
    await broker("start"); // whatever happened, leave the shared broker running
    await stack?.close();
  });

  it("when the broker is down, then /ready of the monolith and the inventory service stays 200 while /health/details reports Kafka down and the outbox backlog", async () => {
    const roles = { monolith: stack.monolith.url, inventory: stack.services.inventory!.url };
    const { userIds, productIds } = await seedShop(roles.monolith, 1, 1, 1_000);
    for (const url of Object.values(roles)) {
      const d = await details(url);
      assert.equal(d.messaging.broker?.status, "up", JSON.stringify(d));
      assert.ok(d.messaging.consumers.length > 0, `consumers listed: ${JSON.stringify(d.messaging)}`);
    }
    const answers: Record<string, number[]> = { monolith: [], inventory: [] };
    let downDetails: Record<string, Details> = {};
    let orderDuringOutage = 0;
    try {
      await broker("stop");
      const until = Date.now() + 8_000;
      while (Date.now() < until) {
        for (const [name, url] of Object.entries(roles)) answers[name]!.push((await fetch(`${url}/ready`).catch(() => undefined))?.status ?? 0);
        await sleep(100);
      }
      orderDuringOutage = (await placeOne(roles.monolith, userIds[0]!, productIds[0]!, 1)).status;
      downDetails = Object.fromEntries(await Promise.all(Object.entries(roles).map(async ([name, url]) => [name, await details(url)] as const)));
    } finally {
      await broker("start"); // ALWAYS: the broker is shared with every other suite
    }
    for (const [name, statuses] of Object.entries(answers)) {
      assert.ok(statuses.length > 20, `${name} polled`);
      assert.deepEqual([...new Set(statuses)], [200], `${name} /ready stayed 200 with the broker down: ${statuses.join(",")}`);
    }
    assert.equal(orderDuringOutage, 201, "orders are accepted while the broker is down");
    for (const [name, d] of Object.entries(downDetails)) {
      assert.equal(d.status, "ready", name);
      assert.equal(d.checks.database?.status, "ok", name);
      assert.equal(d.messaging.kind, "kafka", name);
      assert.equal(d.messaging.broker?.status, "down", `${name}: ${JSON.stringify(d.messaging)}`);
      assert.ok(d.messaging.broker?.error, `${name}: the broker error is shown in the details`);
    }
    assert.ok((downDetails.monolith?.["outbox.orders"]?.pending ?? 0) >= 1, `the order waits in the outbox: ${JSON.stringify(downDetails.monolith)}`);
    assert.ok(downDetails.inventory?.["outbox.inventory"] !== undefined, "the inventory service shows its own outbox");
    assert.equal(downDetails.inventory?.["outbox.orders"], undefined, "…and not the orders outbox it does not relay");

    // Back: the details say so, the consumers rejoined and the backlog drained. (Waiting for the rejoin also keeps the
    // teardown clean: a SIGTERM while a kafkajs consumer is still restarting after the outage can hang its disconnect.)
    await eventually(async () => {
      const all = await Promise.all(Object.values(roles).map(details));
      const back = all.every((d) => d.messaging.broker?.status === "up" && d.messaging.consumers.every((c) => c.state === "running"));
      return back && all[0]!["outbox.orders"]?.pending === 0;
    }, "broker back up, consumers running again, outbox drained", 120_000);
  });
});
