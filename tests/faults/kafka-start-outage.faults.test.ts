import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { placeOne, seedShop } from "./support/order-ledger.js";
import { broker, eventually, type Stack, startStack } from "#test-support";

describe("Kafka broker down while pods start (a restart during a broker outage)", { timeout: 240_000 }, () => {
  let stack: Stack | undefined;
  after(async () => {
    await broker("start"); // whatever happened, leave the shared broker running
    await stack?.close();
  });

  it("when the broker is down at start, then the monolith and the inventory service start, are ready and accept orders; when it is back, the events flow", async () => {
    let orderId: string | undefined;
    try {
      await broker("stop");
      stack = await startStack({ label: "faults-kafka-start", kafka: true, services: ["inventory"] });
      for (const url of [stack.monolith.url, stack.services.inventory!.url]) assert.equal((await fetch(`${url}/ready`)).status, 200, `${url}/ready with the broker down`);
      const { userIds, productIds } = await seedShop(stack.monolith.url, 1, 1, 10);
      const placed = await placeOne(stack.monolith.url, userIds[0]!, productIds[0]!, 2);
      assert.equal(placed.status, 201, "orders are accepted while the broker is down");
      orderId = placed.order!.id;
    } finally {
      await broker("start");
    }
    // The relays and consumers start once the broker answers: the order's event is published and stock reserved.
    await eventually(async () => {
      const order = (await (await fetch(`${stack!.monolith.url}/api/orders/${orderId}`)).json()) as { stockStatus?: string };
      return order.stockStatus === "Reserved";
    }, "the order placed during the outage ends Reserved once the broker is back", 120_000);
  });
});
