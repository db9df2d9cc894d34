import { request } from "./request.mjs";

const newUser = `
pm.variables.set("u_username", randomName("user"));
pm.variables.set("u_email", randomName("mail") + "@example.com");`;
const validUser = { username: "{{u_username}}", email: "{{u_email}}", firstName: "Ada", lastName: "Lovelace" };

export const users = {
  name: "Users",
  description: "POST/GET /api/users, /api/users/{id}, /api/users/validate with every documented error.",
  items: [
    request("create a user: 201 + Location", "POST", "/api/users", { pre: newUser, body: validUser, test: `
expectStatus(201);
const u = pm.response.json();
pm.variables.set("u_userId", u.id);
pm.test("returns the user", () => {
  pm.expect(u.id).to.match(/^[0-9a-f-]{36}$/);
  pm.expect(u).to.include({ username: pm.variables.get("u_username"), email: pm.variables.get("u_email"), firstName: "Ada", lastName: "Lovelace" });
  pm.expect(u.createdAt).to.be.a("string");
});
pm.test("Location points at the user", () => pm.expect(pm.response.headers.get("Location")).to.include("/api/users/" + u.id));` }),
    request("duplicate username: 409", "POST", "/api/users", {
      body: { ...validUser, email: "other-{{u_email}}" },
      test: `expectError(409, ERR.USERS_CONFLICT);`,
    }),
    request("duplicate email: 409", "POST", "/api/users", {
      body: { ...validUser, username: "{{u_username}}x" },
      test: `expectError(409, ERR.USERS_CONFLICT);`,
    }),
    request("invalid body: 400 with every field in details", "POST", "/api/users", {
      body: { username: "ab", email: "not-an-email" },
      test: `
expectError(400, ERR.USERS_INVALID_BODY);
pm.test("details name username, email, firstName, lastName", () => {
  const details = JSON.stringify(pm.response.json().details);
  for (const f of ["username", "email", "firstName", "lastName"]) pm.expect(details).to.include(f);
});`,
    }),
    request("malformed JSON: 400", "POST", "/api/users", { body: '{"username": "broken",', test: `expectError(400, ERR.REQUEST_INVALID_JSON);` }),
    request("get the user by id", "GET", "/api/users/{{u_userId}}", { test: `
expectStatus(200);
pm.test("same user", () => pm.expect(pm.response.json()).to.include({ id: pm.variables.get("u_userId"), username: pm.variables.get("u_username") }));` }),
    request("unknown id: 404", "GET", "/api/users/{{$guid}}", { test: `expectError(404, ERR.USERS_NOT_FOUND);` }),
    request("id not a UUID: 400", "GET", "/api/users/not-a-uuid", { test: `expectError(400, ERR.USERS_INVALID_ID);` }),
    request("list users, paged", "GET", "/api/users?limit=2&offset=0", { test: `
expectStatus(200);
pm.test("an array of at most 2", () => pm.expect(pm.response.json()).to.be.an("array").with.length.within(1, 2));` }),
    request("validate a known id: valid", "GET", "/api/users/validate?id={{u_userId}}", { test: `
expectStatus(200);
pm.test("valid: true", () => pm.expect(pm.response.json().valid).to.equal(true));` }),
    request("validate an unknown id: 404", "GET", "/api/users/validate?id={{$guid}}", { test: `expectError(404, ERR.USERS_NOT_FOUND);` }),
    request("validate without id: 400", "GET", "/api/users/validate", { test: `expectError(400, ERR.USERS_INVALID_ID);` }),
    request("validate a bad id: 400", "GET", "/api/users/validate?id=42", { test: `expectError(400, ERR.USERS_INVALID_ID);` }),
  ],
};
