/**
 * Errors whose message may reach users. Anything else is logged with a request id and
 * shown as a generic message (see toUserError).
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
    public readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}
export class NotFoundError extends AppError {
  constructor(what = "Not found") {
    super("not_found", what, 404);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = "You do not have permission to do that.") {
    super("forbidden", message, 403);
  }
}
export class ValidationError extends AppError {
  constructor(message: string, fields?: Record<string, string>) {
    super("invalid", message, 400, fields);
  }
}
export class ConflictError extends AppError {
  constructor(message: string) {
    super("conflict", message, 409);
  }
}

export function toUserError(err: unknown): { code: string; message: string; status: number; fields?: Record<string, string> } {
  if (err instanceof AppError) return { code: err.code, message: err.message, status: err.status, fields: err.fields };
  const requestId = Math.random().toString(36).slice(2, 10);
  console.error(`[error ${requestId}]`, err);
  return { code: "internal", message: `Something went wrong (reference ${requestId}).`, status: 500 };
}
