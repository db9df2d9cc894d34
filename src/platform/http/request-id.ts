import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { runWithContext } from "../logger/request-context.js";
import { extractedModulesOf } from "./extracted-modules.js";

const VALID_ID = /^[\w.:-]{1,128}$/;

/**
 * Takes X-Request-Id from the caller (when sane) or makes one, echoes it back and runs the request in its context,
 * with the modules the proxy says are extracted for this caller (X-Strangler-Extracted).
 */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const incoming = req.headers["x-request-id"];
  const requestId = typeof incoming === "string" && VALID_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-Id", requestId);
  runWithContext({ requestId, extracted: extractedModulesOf(req.headers) }, next);
};
