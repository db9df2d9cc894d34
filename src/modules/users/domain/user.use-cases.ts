import type { CreateUserInput, UserDto } from "../contracts/user.dto.js";
import type { UserStore } from "./user.store.js";
import { userConflict, userNotFound } from "./users.errors.js";

export function createUserUseCases(repo: UserStore) {
  return {
    async createUser(input: CreateUserInput): Promise<UserDto> {
      const created = await repo.insert(input);
      if (created) return created;
      const taken = await repo.takenFields(input);
      throw userConflict(taken.length ? taken : ["username"]);
    },
    async getUser(id: string): Promise<UserDto> {
      const user = await repo.findById(id);
      if (!user) throw userNotFound(id);
      return user;
    },
    listUsers: (page: { limit: number; offset: number }) => repo.list(page),
    userExists: (id: string) => repo.exists(id),
  };
}

export type UserUseCases = ReturnType<typeof createUserUseCases>;
