import { Router } from "express";
import Joi from "joi";
import { validate } from "../../../../platform/http/validate.js";
import { uuidSchema } from "../../../../platform/http/uuid.schema.js";
import { createUserSchema, pageSchema } from "../../contracts/user.dto.js";
import type { UserUseCases } from "../../domain/user.use-cases.js";
import { userNotFound } from "../../domain/users.errors.js";

const idQuery = Joi.object({ id: uuidSchema.required() });
const idParam = Joi.object({ id: uuidSchema.required() });

export function createUsersRouter(useCases: UserUseCases): Router {
  const router = Router();

  router.post("/api/users", async (req, res) => {
    const input = validate(createUserSchema, req.body, "USERS.INVALID_BODY", "user is invalid");
    const user = await useCases.createUser(input);
    res.status(201).location(`/api/users/${user.id}`).json(user);
  });

  router.get("/api/users", async (req, res) => {
    const page = validate(pageSchema, req.query, "USERS.INVALID_QUERY", "paging parameters are invalid");
    res.json(await useCases.listUsers(page));
  });

  router.get("/api/users/validate", async (req, res) => {
    const { id } = validate(idQuery, req.query, "USERS.INVALID_ID", "id must be a UUID");
    if (!(await useCases.userExists(id))) throw userNotFound(id);
    res.json({ valid: true });
  });

  router.get("/api/users/:id", async (req, res) => {
    const { id } = validate(idParam, req.params, "USERS.INVALID_ID", "id must be a UUID");
    res.json(await useCases.getUser(id));
  });

  return router;
}
