import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ConflictError, ForbiddenError, NotFoundError, PayloadTooLargeError, redactSecrets, toUserError, UnauthorizedError, ValidationError } from "./errors";

describe("toUserError: the one mapping", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    [new ValidationError("bad"), 400, "invalid"], [new UnauthorizedError(), 401, "unauthenticated"], [new ForbiddenError(), 403, "forbidden"],
    [new NotFoundError(), 404, "not_found"], [new ConflictError("dup"), 409, "conflict"], [new PayloadTooLargeError(), 413, "too_large"],
  ])("%s → %i", (err, status, code) => expect(toUserError(err)).toMatchObject({ status, code, message: err.message }));

  it("a zod error that escaped a service is a 400 with field messages", () => {
    const r = z.object({ name: z.string().min(3) }).safeParse({ name: "x" });
    const e = toUserError(r.error);
    expect(e.status).toBe(400);
    expect(e.fields?.name).toBeTruthy();
  });

  it("database refusals caused by the input are 4xx, looked up through drizzle's wrapper", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const wrapped = (code: string) => Object.assign(new Error("Failed query: insert … params: secret-value"), { cause: Object.assign(new Error("pg"), { code }) });
    expect(toUserError(wrapped("23505")).status).toBe(409);
    expect(toUserError(wrapped("22021")).status).toBe(400);
    expect(toUserError(wrapped("22008")).status).toBe(400);
    expect(toUserError(wrapped("22P02")).status).toBe(400);
    expect(toUserError(wrapped("23503")).status).toBe(400);
  });

  it("anything else is a 500 with a reference, logged without query parameters or tokens", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const e = toUserError(new Error("Failed query: select * from scim_tokens where hash = $1 params: ghscim_abcdef123"));
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/reference [a-z0-9]+/);
    const line = String(log.mock.calls[0]?.[0]);
    expect(line).not.toContain("ghscim_abcdef123");
    expect(line).toContain("params: [redacted]");
  });

  it("redacts bearer tokens, passwords and connection-string credentials", () => {
    expect(redactSecrets("Authorization: Bearer abc.def")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets('{"password":"hunter2"}')).toBe('{"password":"[redacted]"}');
    expect(redactSecrets("postgres://gh:s3cret@db:5432/x")).toBe("postgres://gh:[redacted]@db:5432/x");
  });
});
