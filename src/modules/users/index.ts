// Public API of the users module: the only file other modules and the composition root may import.
export { createUsersModule, type UsersModule } from "./users.module.js";
export { createUsersHttpClient } from "./users-http.client.js";
export type { UsersApi, UserDto } from "./contracts/user.dto.js";
export { usersOpenApi } from "./contracts/users.openapi.js";
