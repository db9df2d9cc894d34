import { request } from "./request.mjs";

const address = { street: "1 Main St", city: "Springfield", state: "IL", country: "US", zipCode: "62701" };
const orderOf = (items) => ({ userId: "{{o_userId}}", shippingAddress: address, items });
const A = (quantity, unitPrice = 1000.0) => ({ productId: "{{o_productA}}", quantity, unitPrice });
const B = (quantity, unitPrice = 25.5) => ({ productId: "{{o_productB}}", quantity, unitPrice });
const setStatus = (name, orderVar, status, test, auth = "staff") =>
  request(name, "PUT", `/api/orders/{{${orderVar}}}/status`, { auth, body: { status }, test });
const statusIs = (s) => `
expectStatus(200);
pm.test("status ${s}", () => pm.expect(pm.response.json().status).to.equal("${s}"));`;
const stock = (name, productVar, n) => request(name, "POST", "/api/inventory/update", {
  pre: `pm.variables.set("${productVar}", uuid());`,
  body: `{ "productId": "{{${productVar}}}", "quantity": ${n} }`,
  test: `expectStatus(200);`,
});
const create = (name, orderVar, items) => request(name, "POST", "/api/orders", {
  body: orderOf(items),
  test: `
expectStatus(201);
pm.variables.set("${orderVar}", pm.response.json().id);`,
});
/** Polls GET /api/orders/{id} until the order-placed event reserved its stock (bounded), as Shipped needs it. */
const waitReserved = (orderVar) => request(`wait until ${orderVar} stock is Reserved`, "GET", `/api/orders/{{${orderVar}}}`, { test: `
const order = pm.response.json();
if (pollUntil("poll_${orderVar}", () => order.stockStatus === "Reserved")) {
  pm.test("stock reserved (asynchronously, by the order-placed event)", () => pm.expect(order.stockStatus).to.equal("Reserved"));
}` });

export const orders = {
  name: "Orders",
  description: "Placing orders (validation, unknown user, stock, idempotency) and status transitions with a staff token.",
  items: [
    request("setup: create a user", "POST", "/api/users", {
      pre: `pm.variables.set("o_username", randomName("buyer"));`,
      body: { username: "{{o_username}}", email: "{{o_username}}@example.com", firstName: "Grace", lastName: "Hopper" },
      test: `
expectStatus(201);
pm.variables.set("o_userId", pm.response.json().id);`,
    }),
    stock("setup: product A with stock 10", "o_productA", 10),
    stock("setup: product B with stock 5", "o_productB", 5),
    request("invalid body: 400 with details", "POST", "/api/orders", {
      body: { userId: "{{o_userId}}", shippingAddress: { ...address, city: " " }, items: [] },
      test: `
expectError(400, ERR.ORDERS_INVALID_BODY);
pm.test("details name items and the blank city", () => {
  const details = JSON.stringify(pm.response.json().details);
  pm.expect(details).to.include("items");
  pm.expect(details).to.include("city");
});`,
    }),
    request("bad item (quantity 0, price 0): 400", "POST", "/api/orders", { body: orderOf([A(0, 0)]), test: `expectError(400, ERR.ORDERS_INVALID_BODY);` }),
    request("unknown user: 404/422", "POST", "/api/orders", {
      body: { ...orderOf([A(1)]), userId: "{{$guid}}" },
      test: `expectError([404, 422], ERR.ORDERS_USER_NOT_FOUND);`,
    }),
    request("more than in stock: 409 with details per product", "POST", "/api/orders", {
      body: orderOf([A(1000)]),
      test: `
expectError(409, ERR.ORDERS_INSUFFICIENT_STOCK);
pm.test("details name the product", () => pm.expect(JSON.stringify(pm.response.json().details)).to.include(pm.variables.get("o_productA")));`,
    }),
    request("place an order (duplicate products merged): 201", "POST", "/api/orders", {
      pre: `pm.variables.set("o_idemKey", uuid());`,
      headers: { "Idempotency-Key": "{{o_idemKey}}" },
      body: orderOf([A(2), B(1), A(1)]),
      test: `
expectStatus(201);
const o = pm.response.json();
pm.variables.set("o_orderId", o.id);
pm.test("Created, merged items, total 3025.50", () => {
  pm.expect(o).to.include({ userId: pm.variables.get("o_userId"), status: "Created" });
  const a = o.items.filter((i) => i.productId === pm.variables.get("o_productA"));
  pm.expect(a).to.have.length(1);
  pm.expect(a[0].quantity).to.equal(3);
  pm.expect(o.items).to.have.length(2);
  pm.expect(Number(o.totalAmount)).to.be.closeTo(3025.5, 0.001);
  pm.expect(o.shippingAddress.zipCode).to.equal("62701");
});
pm.test("Location points at the order", () => pm.expect(pm.response.headers.get("Location")).to.include("/api/orders/" + o.id));`,
    }),
    request("same Idempotency-Key + body: the first response again", "POST", "/api/orders", {
      headers: { "Idempotency-Key": "{{o_idemKey}}" },
      body: orderOf([A(2), B(1), A(1)]),
      test: `
expectStatus(201);
pm.test("same order id", () => pm.expect(pm.response.json().id).to.equal(pm.variables.get("o_orderId")));`,
    }),
    request("the user has exactly one order (no second one from the replay)", "GET", "/api/orders?userId={{o_userId}}", { auth: "staff", test: `
expectStatus(200);
pm.test("one order", () => pm.expect(pm.response.json().map((o) => o.id)).to.deep.equal([pm.variables.get("o_orderId")]));` }),
    request("list my orders (a customer token whose sub is the user): 200, only mine", "GET", "/api/orders?userId={{o_userId}}", {
      auth: "none",
      pre: `pm.variables.set("o_userToken", signJwt({ sub: pm.variables.get("o_userId"), role: "customer" }, pm.variables.get("jwtSecret")));`,
      headers: { Authorization: "Bearer {{o_userToken}}" },
      test: `
expectStatus(200);
pm.test("only my order", () => pm.expect(pm.response.json().map((o) => o.id)).to.deep.equal([pm.variables.get("o_orderId")]));`,
    }),
    request("list every order with a customer token: 403", "GET", "/api/orders", { test: `expectError(403, ERR.AUTH_FORBIDDEN);` }),
    request("list another user's orders with a customer token: 403", "GET", "/api/orders?userId={{o_userId}}", { test: `expectError(403, ERR.AUTH_FORBIDDEN);` }),
    request("list orders without a token: 401", "GET", "/api/orders", { auth: "none", test: `expectError(401, ERR.AUTH_UNAUTHORIZED);` }),
    request("get the order", "GET", "/api/orders/{{o_orderId}}", { test: statusIs("Created") }),
    request("unknown order: 404", "GET", "/api/orders/{{$guid}}", { test: `expectError(404, ERR.ORDERS_NOT_FOUND);` }),
    request("order id not a UUID: 400", "GET", "/api/orders/123", { test: `expectError(400, ERR.ORDERS_INVALID_ID);` }),
    setStatus("status without a token: 401", "o_orderId", "Shipped", `expectError(401, ERR.AUTH_UNAUTHORIZED);`, "none"),
    setStatus("status with a forged token: 401", "o_orderId", "Shipped", `expectError(401, ERR.AUTH_UNAUTHORIZED);`, "forged"),
    setStatus("status with a customer token: 403", "o_orderId", "Shipped", `expectError(403, ERR.AUTH_FORBIDDEN);`, "customer"),
    setStatus("unknown status value: 400", "o_orderId", "Teleported", `expectError(400, ERR.ORDERS_INVALID_STATUS);`),
    setStatus("Created -> Delivered: 409", "o_orderId", "Delivered", `expectError(409, ERR.ORDERS_INVALID_TRANSITION);`),
    waitReserved("o_orderId"),
    request("stock of A went down by 3", "GET", "/api/inventory/quantity?productId={{o_productA}}", { test: `
expectStatus(200);
pm.test("7 left", () => pm.expect(pm.response.json().quantity).to.equal(7));` }),
    setStatus("Created -> Shipped (staff): 200", "o_orderId", "Shipped", statusIs("Shipped")),
    setStatus("Shipped -> Cancelled: 409", "o_orderId", "Cancelled", `expectError(409, ERR.ORDERS_INVALID_TRANSITION);`),
    setStatus("Shipped -> Delivered: 200", "o_orderId", "Delivered", statusIs("Delivered")),
    setStatus("Delivered -> Shipped: 409", "o_orderId", "Shipped", `expectError(409, ERR.ORDERS_INVALID_TRANSITION);`),
    create("place a second order", "o_order2", [B(1)]),
    setStatus("ship at once: 409 stock not reserved (200 if the event was already handled)", "o_order2", "Shipped", `
pm.test("409 ORDERS.STOCK_NOT_RESERVED, or 200 when reservation already happened", () => {
  pm.expect(pm.response.code).to.be.oneOf([200, 409]);
  if (pm.response.code === 409) pm.expect(pm.response.json().code).to.equal(ERR.ORDERS_STOCK_NOT_RESERVED);
});`),
    create("place a third order", "o_order3", [B(1)]),
    setStatus("Created -> Cancelled (staff): 200, stock Released", "o_order3", "Cancelled", `${statusIs("Cancelled")}
pm.test("stockStatus Released (the stock is given back)", () => pm.expect(pm.response.json().stockStatus).to.equal("Released"));`),
    setStatus("Cancelled -> Shipped: 409", "o_order3", "Shipped", `expectError(409, ERR.ORDERS_INVALID_TRANSITION);`),
  ],
};
