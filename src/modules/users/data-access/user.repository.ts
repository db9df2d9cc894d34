import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../../platform/db/database.js";
import type { CreateUserInput, UserDto } from "../contracts/user.dto.js";
import type { UserStore } from "../domain/user.store.js";

type Row = { id: string; username: string; email: string; first_name: string; last_name: string; created_at: Date };

const toDto = (r: Row): UserDto => ({
  id: r.id,
  username: r.username,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  createdAt: r.created_at.toISOString(),
});

export function createUserRepository(prisma: PrismaClient): UserStore {
  return {
    /** Inserts unless username or email is taken; returns undefined on a conflict (race-free: ON CONFLICT). */
    async insert(input: CreateUserInput): Promise<UserDto | undefined> {
      const rows = await prisma.$queryRaw<Row[]>`
        INSERT INTO users.users (id, username, email, first_name, last_name)
        VALUES (${randomUUID()}::uuid, ${input.username}, ${input.email}, ${input.firstName}, ${input.lastName})
        ON CONFLICT DO NOTHING
        RETURNING id, username, email, first_name, last_name, created_at`;
      return rows[0] && toDto(rows[0]);
    },
    async takenFields(input: Pick<CreateUserInput, "username" | "email">): Promise<string[]> {
      const rows = await prisma.user.findMany({
        where: { OR: [{ username: input.username }, { email: input.email }] },
        select: { username: true, email: true },
      });
      const fields: string[] = [];
      if (rows.some((r) => r.username === input.username)) fields.push("username");
      if (rows.some((r) => r.email === input.email)) fields.push("email");
      return fields;
    },
    async findById(id: string): Promise<UserDto | undefined> {
      const rows = await prisma.$queryRaw<Row[]>`
        SELECT id, username, email, first_name, last_name, created_at FROM users.users WHERE id = ${id}::uuid`;
      return rows[0] && toDto(rows[0]);
    },
    async exists(id: string): Promise<boolean> {
      const rows = await prisma.$queryRaw<unknown[]>`SELECT 1 FROM users.users WHERE id = ${id}::uuid`;
      return rows.length > 0;
    },
    async list(page: { limit: number; offset: number }): Promise<UserDto[]> {
      const rows = await prisma.$queryRaw<Row[]>`
        SELECT id, username, email, first_name, last_name, created_at FROM users.users
        ORDER BY created_at, id LIMIT ${page.limit} OFFSET ${page.offset}`;
      return rows.map(toDto);
    },
  };
}
