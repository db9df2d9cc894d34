import { randomUUID } from "node:crypto";
import type { CreateUserInput, UserDto } from "../contracts/user.dto.js";
import type { UserStore } from "./user.store.js";

/** In-memory `UserStore` for unit tests (dependency-cruiser keeps it out of production code). */
export function createFakeUserStore(seed: UserDto[] = []): UserStore & { readonly users: UserDto[] } {
  const users = [...seed];
  return {
    users,
    async insert(input: CreateUserInput) {
      if (users.some((u) => u.username === input.username || u.email === input.email)) return undefined;
      const user: UserDto = { id: randomUUID(), ...input, createdAt: new Date().toISOString() };
      users.push(user);
      return { ...user };
    },
    async takenFields(input) {
      const fields: string[] = [];
      if (users.some((u) => u.username === input.username)) fields.push("username");
      if (users.some((u) => u.email === input.email)) fields.push("email");
      return fields;
    },
    findById: async (id) => {
      const user = users.find((u) => u.id === id);
      return user && { ...user };
    },
    exists: async (id) => users.some((u) => u.id === id),
    list: async ({ limit, offset }) =>
      [...users].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).slice(offset, offset + limit).map((u) => ({ ...u })),
  };
}
