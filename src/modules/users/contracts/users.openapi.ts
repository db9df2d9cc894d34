import { fromJoi, parametersOf } from "../../../platform/openapi/joi-openapi.js";
import { body, error, json, object, ref, str, uuid, dateTime, type OpenApiFragment } from "../../../platform/openapi/openapi-helpers.js";
import { createUserSchema, pageSchema, userIdSchema } from "./user.dto.js";

// The stateful phase of schemathesis follows these: create a user, then read it back.
const userLinks = {
  GetUser: { operationId: "getUser", parameters: { id: "$response.body#/id" } },
  ValidateUser: { operationId: "validateUser", parameters: { id: "$response.body#/id" } },
};

export const usersOpenApi: OpenApiFragment = {
  schemas: {
    CreateUser: fromJoi(createUserSchema),
    User: object({ id: uuid, username: str(), email: str(), firstName: str(), lastName: str(), createdAt: dateTime }),
  },
  paths: {
    "/api/users": {
      post: {
        operationId: "createUser",
        summary: "Create a user",
        tags: ["users"],
        requestBody: body(ref("CreateUser")),
        responses: {
          201: { ...json(ref("User"), "created (Location header)"), links: userLinks },
          400: error("invalid body", "USERS.INVALID_BODY"),
          409: error("username or email taken", "USERS.CONFLICT"),
        },
      },
      get: {
        operationId: "listUsers",
        summary: "List users (paged)",
        tags: ["users"],
        parameters: parametersOf(pageSchema, "query"),
        responses: { 200: json({ type: "array", items: ref("User") }), 400: error("bad paging", "USERS.INVALID_QUERY") },
      },
    },
    "/api/users/validate": {
      get: {
        operationId: "validateUser",
        summary: "Does the user exist?",
        tags: ["users"],
        parameters: parametersOf(userIdSchema, "query"),
        responses: { 200: json(object({ valid: { type: "boolean" } })), 400: error("missing or bad id", "USERS.INVALID_ID"), 404: error("unknown user", "USERS.NOT_FOUND") },
      },
    },
    "/api/users/{id}": {
      get: {
        operationId: "getUser",
        summary: "Get a user",
        tags: ["users"],
        parameters: parametersOf(userIdSchema, "path"),
        responses: { 200: json(ref("User")), 400: error("id is not a UUID", "USERS.INVALID_ID"), 404: error("unknown user", "USERS.NOT_FOUND") },
      },
    },
  },
};
