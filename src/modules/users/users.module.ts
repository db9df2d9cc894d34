import type { Router } from "express";
import type { OpenApiFragment } from "../../platform/openapi/openapi-helpers.js";
import type { Database } from "../../platform/db/database.js";
import type { UsersApi } from "./contracts/user.dto.js";
import { createUserRepository } from "./data-access/user.repository.js";
import { createUserUseCases } from "./domain/user.use-cases.js";
import { usersOpenApi } from "./contracts/users.openapi.js";
import { createUsersRouter } from "./entry-points/http/users.router.js";

export interface UsersModule {
  /** The facade other modules use in-process. */
  readonly api: UsersApi;
  readonly router: Router;
  /** This module's part of the OpenAPI document. */
  readonly openapi: OpenApiFragment;
}

export function createUsersModule(deps: { db: Database }): UsersModule {
  const useCases = createUserUseCases(createUserRepository(deps.db.prisma));
  return { api: { userExists: useCases.userExists }, router: createUsersRouter(useCases), openapi: usersOpenApi };
}
