import { AppError } from "../../../platform/errors/app-error.js";

export const userNotFound = (id: string) =>
  new AppError({ code: "USERS.NOT_FOUND", httpStatus: 404, message: `user ${id} not found` });

export const userConflict = (fields: string[]) =>
  new AppError({
    code: "USERS.CONFLICT",
    httpStatus: 409,
    message: `${fields.join(" and ")} already taken`,
    details: fields.map((field) => ({ field, message: `${field} already taken` })),
  });
