/** One field-level problem, as listed in an error body's `details`. */
export interface ErrorDetail {
  readonly field?: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

/**
 * The one error type the code throws on purpose. `code` is stable and documented (API.md),
 * `httpStatus` is what the central handler answers, `isOperational` false means a bug.
 */
export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details?: readonly ErrorDetail[];
  readonly isOperational: boolean;

  constructor(args: { code: string; message: string; httpStatus: number; details?: ErrorDetail[]; cause?: unknown; isOperational?: boolean }) {
    super(args.message, { cause: args.cause });
    this.name = "AppError";
    this.code = args.code;
    this.httpStatus = args.httpStatus;
    this.details = args.details;
    this.isOperational = args.isOperational ?? true;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** A dependency needed to answer (another module over HTTP, the database, Kafka) is unavailable. */
export const dependencyUnavailable = (dependency: string, cause?: unknown): AppError =>
  new AppError({ code: "DEPENDENCY.UNAVAILABLE", httpStatus: 503, message: `${dependency} is unavailable, try again later`, details: [{ dependency, message: "unavailable" }], cause });
