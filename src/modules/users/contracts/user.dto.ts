import Joi from "joi";
import { uuidSchema } from "../../../platform/http/uuid.schema.js";

/** A user as every API and event carries it. */
export interface UserDto {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: string;
}

export interface CreateUserInput {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
}

const name = Joi.string().trim().min(1).max(100).required();

export const createUserSchema = Joi.object<CreateUserInput>({
  username: Joi.string().trim().min(3).max(50).required(),
  email: Joi.string().trim().lowercase().max(320).email({ tlds: false }).required(),
  firstName: name,
  lastName: name,
}).required();

/** `{ id }`: GET /api/users/{id} (path) and GET /api/users/validate (query). */
export const userIdSchema = Joi.object({ id: uuidSchema.required() });

export const pageSchema = Joi.object({
  limit: Joi.number().integer().min(1).max(500).default(50),
  offset: Joi.number().integer().min(0).max(1_000_000).default(0),
});

/**
 * What other modules may ask of the users module (in-process, or over HTTP once extracted).
 * @example if (!(await users.userExists(order.userId))) throw userNotFound();
 */
export interface UsersApi {
  userExists(id: string): Promise<boolean>;
}
