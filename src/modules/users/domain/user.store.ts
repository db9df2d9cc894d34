import type { CreateUserInput, UserDto } from "../contracts/user.dto.js";

/**
 * The users module's storage port: what its use cases need, owned by the domain. Implemented by the Prisma
 * repository (data-access/user.repository.ts) and, for unit tests, by the in-memory `createFakeUserStore`.
 */
export interface UserStore {
  /** Inserts unless username or email is taken; undefined on a conflict. */
  insert(input: CreateUserInput): Promise<UserDto | undefined>;
  /** Which of `username` / `email` already belong to a user. */
  takenFields(input: Pick<CreateUserInput, "username" | "email">): Promise<string[]>;
  findById(id: string): Promise<UserDto | undefined>;
  exists(id: string): Promise<boolean>;
  /** Oldest first (createdAt, then id). */
  list(page: { limit: number; offset: number }): Promise<UserDto[]>;
}
