/**
 * The one shell for server actions: every refusal comes back as `{ ok: false, message, fields? }`
 * (mapped by toUserError) instead of a thrown error, which Next would turn into an error page / 500.
 * Form text is checked first (no NUL, no lone surrogates, in any field or file name). Next's own
 * control flow (redirect(), notFound()) passes through.
 */
import { unstable_rethrow } from "next/navigation";
import { isSafeText, UNSAFE_TEXT_MESSAGE } from "@/lib/domain/strict-input";
import { toUserError, ValidationError } from "@/lib/errors";
import { assertSafeText } from "@/lib/validation";

export type Refusal = { ok: false; message: string; fields?: Record<string, string> };

/** Refuse a form whose text fields (or file names) hold NUL characters or lone surrogates. */
export function assertSafeForm(form: FormData): void {
  for (const [k, v] of form.entries()) {
    const s = typeof v === "string" ? v : v.name;
    if (!isSafeText(k) || !isSafeText(s)) throw new ValidationError(`The field "${isSafeText(k) ? k : "?"}" ${UNSAFE_TEXT_MESSAGE}.`, isSafeText(k) ? { [k]: UNSAFE_TEXT_MESSAGE } : undefined);
  }
}

/** Run an action's body; `input` (its FormData or argument object) is checked for unsafe text first. */
export async function runAction<T>(fn: () => Promise<T>, input?: unknown): Promise<T | Refusal> {
  try {
    if (input instanceof FormData) assertSafeForm(input);
    else if (input !== undefined) assertSafeText(input, "The form");
    return await fn();
  } catch (err) {
    unstable_rethrow(err);
    const e = toUserError(err);
    return { ok: false, message: e.message, ...(e.fields ? { fields: e.fields } : {}) };
  }
}
