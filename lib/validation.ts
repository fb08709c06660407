/**
 * Shared zod pieces for every input schema: safe text (no NUL, no lone surrogates) and strict
 * calendar dates. The rules themselves live in lib/domain/strict-input.ts.
 */
import { z } from "zod";
import { firstUnsafeText, isSafeText, parseDateOrDateTime, parseIsoDate, parseIsoDateTime, UNSAFE_TEXT_MESSAGE } from "@/lib/domain/strict-input";
import { ValidationError } from "@/lib/errors";

/** A string that PostgreSQL can store: `text(200)` = at most 200 characters, no NUL, no lone surrogate. */
export const text = (max = 10_000) => z.string().max(max, `at most ${max} characters`).refine(isSafeText, UNSAFE_TEXT_MESSAGE);

/** `YYYY-MM-DD` that exists on the calendar (2026-02-30 is refused). */
export const isoDate = z.string().trim().refine((s) => parseIsoDate(s) !== null, "must be a real date written YYYY-MM-DD");

/** RFC 3339 date-time (2026-03-01T10:00:00Z), strictly checked, as a Date. */
export const isoDateTime = z
  .string()
  .trim()
  .transform((s, c) => {
    const d = parseIsoDateTime(s);
    if (!d) {
      c.addIssue({ code: "custom", message: "must be a real date and time such as 2026-03-01T10:00:00Z" });
      return z.NEVER;
    }
    return d;
  });

/** A date (`YYYY-MM-DD`, read as `dayTime` of that day, default 23:59:59Z: "due on that day") or a date-time, as a Date. Date objects pass through. */
export const dayOrDateTime = (dayTime = "T23:59:59Z") =>
  z.union([z.date(), z.string()]).transform((v, c) => {
    const d = v instanceof Date ? (Number.isNaN(v.getTime()) ? null : v) : parseDateOrDateTime(v.trim(), dayTime);
    if (!d) {
      c.addIssue({ code: "custom", message: "must be a real date (YYYY-MM-DD) or date-time" });
      return z.NEVER;
    }
    return d;
  });

/** Refuse a parsed body (JSON, form fields) holding a NUL or lone surrogate anywhere, naming where. */
export function assertSafeText(value: unknown, what = "The request"): void {
  const at = firstUnsafeText(value);
  if (at) throw new ValidationError(`${what} ${UNSAFE_TEXT_MESSAGE}${at === "(value)" ? "" : ` (at ${at})`}.`, at === "(value)" ? undefined : { [at]: UNSAFE_TEXT_MESSAGE });
}
