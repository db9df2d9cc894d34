import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createFakeUserStore } from "../domain/fake-user.store.js";
import { createUserUseCases } from "../domain/user.use-cases.js";

const ada = { username: "ada", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" };
const code = (expected: string, status: number) => (e: { code?: string; httpStatus?: number }) => e.code === expected && e.httpStatus === status;

describe("user use cases (in-memory store)", () => {
  it("when a user is created, then it can be read, listed and is known to exist", async () => {
    const store = createFakeUserStore();
    const users = createUserUseCases(store);
    const created = await users.createUser(ada);
    assert.deepEqual({ ...created, id: undefined, createdAt: undefined }, { ...ada, id: undefined, createdAt: undefined });
    assert.deepEqual(await users.getUser(created.id), created);
    assert.deepEqual(await users.listUsers({ limit: 10, offset: 0 }), [created]);
    assert.deepEqual(await users.listUsers({ limit: 10, offset: 1 }), []);
    assert.equal(await users.userExists(created.id), true);
  });

  it("when the username is taken, then 409 USERS.CONFLICT names username only", async () => {
    const users = createUserUseCases(createFakeUserStore());
    await users.createUser(ada);
    await assert.rejects(users.createUser({ ...ada, email: "other@example.com" }), (e: { code?: string; details?: { field?: string }[] }) =>
      e.code === "USERS.CONFLICT" && e.details?.map((d) => d.field).join() === "username");
  });

  it("when username and email are both taken, then both are named", async () => {
    const users = createUserUseCases(createFakeUserStore());
    await users.createUser(ada);
    await assert.rejects(users.createUser(ada), (e: { httpStatus?: number; message: string; details?: { field?: string }[] }) =>
      e.httpStatus === 409 && e.message === "username and email already taken" && e.details?.length === 2);
  });

  it("when the insert conflicts but no field is found taken any more (a race), then the conflict names username", async () => {
    const store = { ...createFakeUserStore(), insert: async () => undefined };
    await assert.rejects(createUserUseCases(store).createUser(ada), (e: { code?: string; details?: { field?: string }[] }) =>
      e.code === "USERS.CONFLICT" && e.details?.[0]?.field === "username");
  });

  it("when the user does not exist, then getUser is 404 USERS.NOT_FOUND and userExists is false", async () => {
    const users = createUserUseCases(createFakeUserStore());
    const id = "00000000-0000-4000-8000-000000000001";
    await assert.rejects(users.getUser(id), code("USERS.NOT_FOUND", 404));
    assert.equal(await users.userExists(id), false);
  });
});
