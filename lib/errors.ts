/**
 * Errors whose message may reach users, and the ONE mapping from any thrown value to what a
 * user (page, route handler, server action, SCIM client) is told. Anything that is not a known
 * refusal is logged with a reference (secrets redacted) and shown as a generic message.
 *
 * Mapping (toUserError): AppError subclasses → their status (validation 400, forbidden 403,
 * not found 404, conflict 409, payload too large 413); a zod error that escaped a service → 400
 * with field messages; database refusals caused by the input rather than by a bug → 4xx
 * (unique violation 409; bad values such as NUL bytes, impossible dates, numbers out of range,
 * foreign keys to nothing, check constraints → 400). Everything else → 500 and a log line.
 */
import { ZodError } from "zod";

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
/** No session (route handlers answer 401; actions show the message). */
export class UnauthorizedError extends AppError {
  constructor(message = "Sign in first.") {
    super("unauthenticated", message, 401);
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
export class PayloadTooLargeError extends AppError {
  constructor(message = "The request is too large.") {
    super("too_large", message, 413);
  }
}

export type UserError = { code: string; message: string; status: number; fields?: Record<string, string> };

/** A zod error as a ValidationError: the first messages joined, each field's first message. */
export function validationErrorOf(err: ZodError, prefix = ""): ValidationError {
  const fields: Record<string, string> = {};
  for (const i of err.issues) {
    const k = i.path.map(String).join(".");
    if (k && !(k in fields)) fields[k] = i.message;
  }
  const msg = err.issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
  return new ValidationError(`${prefix}${msg || "Invalid input."}`, Object.keys(fields).length ? fields : undefined);
}

/** The SQLSTATE of a database error, looking through wrappers (drizzle puts the driver's error in `cause`). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let x: unknown = err, i = 0; x && typeof x === "object" && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Database refusals that the input caused (PostgreSQL error classes 22 and 23), as user errors. */
function databaseRefusal(err: unknown): AppError | null {
  const state = sqlStateOf(err);
  if (!state) return null;
  if (state === "23505") return new ConflictError("That value is already in use by another record.");
  if (state === "23503") return new ValidationError("That refers to something that does not exist.");
  if (state === "22021" || state === "22P05") return new ValidationError("Text must not contain NUL characters or invalid Unicode.");
  if (state === "22007" || state === "22008") return new ValidationError("A date or time is invalid or out of range.");
  if (state.startsWith("22") || state === "23514" || state === "23502") return new ValidationError("A value is invalid or out of range.");
  return null;
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(params|parameters):[\s\S]*$/i, "$1: [redacted]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  [/\bghscim_[A-Za-z0-9_-]+/g, "ghscim_[redacted]"],
  [/\b(password|passwd|secret|token|apikey|api_key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, "$1$2[redacted]"],
  [/(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/gi, "$1[redacted]@"],
];

/** A message with query parameters, bearer tokens, passwords and connection-string credentials removed. */
export function redactSecrets(s: string): string {
  return SECRET_PATTERNS.reduce((acc, [re, by]) => acc.replace(re, by), s);
}

/** One log line for an unexpected error: name, SQLSTATE, redacted message and stack; never the raw object (it may hold query parameters). */
export function logUnexpected(tag: string, ref: string, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = e.cause instanceof Error ? ` cause: ${e.cause.name}: ${redactSecrets(e.cause.message)}` : "";
  const stack = (e.stack ?? "").split("\n").slice(1, 8).join("\n");
  console.error(`[${tag} ${ref}] ${e.name}${sqlStateOf(err) ? ` (${sqlStateOf(err)})` : ""}: ${redactSecrets(e.message)}${cause}\n${stack}`);
}

export const newReference = () => Math.random().toString(36).slice(2, 10);

export function toUserError(err: unknown): UserError {
  const refused = err instanceof AppError || err instanceof ZodError ? null : databaseRefusal(err);
  // The database caught what validation should have: answered as the user's error, logged so the gap gets closed.
  if (refused) console.warn(`[input refused by the database] SQLSTATE ${sqlStateOf(err)}: ${refused.message}`);
  const known = err instanceof AppError ? err : err instanceof ZodError ? validationErrorOf(err) : refused;
  if (known) return { code: known.code, message: known.message, status: known.status, fields: known.fields };
  const requestId = newReference();
  logUnexpected("error", requestId, err);
  return { code: "internal", message: `Something went wrong (reference ${requestId}).`, status: 500 };
}
