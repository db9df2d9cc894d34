import { body, error, intParam, json, object, ref, str, uuid, uuidParam, dateTime, type OpenApiFragment } from "../../../platform/openapi/openapi-helpers.js";

export const usersOpenApi: OpenApiFragment = {
  schemas: {
    CreateUser: object({ username: str({ minLength: 3, maxLength: 50 }), email: str({ format: "email" }), firstName: str(), lastName: str() }),
    User: object({ id: uuid, username: str(), email: str(), firstName: str(), lastName: str(), createdAt: dateTime }),
  },
  paths: {
    "/api/users": {
      post: {
        summary: "Create a user",
        tags: ["users"],
        requestBody: body(ref("CreateUser")),
        responses: { 201: json(ref("User"), "created (Location header)"), 400: error("invalid body"), 409: error("username or email taken"), 413: error("body too large") },
      },
      get: {
        summary: "List users (paged)",
        tags: ["users"],
        parameters: [intParam("limit", false, 1), intParam("offset")],
        responses: { 200: json({ type: "array", items: ref("User") }), 400: error("bad paging") },
      },
    },
    "/api/users/validate": {
      get: {
        summary: "Does the user exist?",
        tags: ["users"],
        parameters: [uuidParam("id", "query")],
        responses: { 200: json(object({ valid: { type: "boolean" } })), 400: error("missing or bad id"), 404: error("unknown user") },
      },
    },
    "/api/users/{id}": {
      get: {
        summary: "Get a user",
        tags: ["users"],
        parameters: [uuidParam("id")],
        responses: { 200: json(ref("User")), 400: error("id is not a UUID"), 404: error("unknown user") },
      },
    },
  },
};
