import { forbidden, notFound, redirect } from "next/navigation";
import { toUserError } from "@/lib/errors";

/**
 * For Server Components: run a service verb through the one error mapping (lib/errors.ts). Unknown ids and
 * input a link cannot mean (400) become notFound() (404); refusals forbidden() (HTTP 403 and
 * app/forbidden.tsx): the server refuses, it does not merely hide links; no session → sign-in. Anything
 * else is a real bug: logged with a reference by toUserError and rethrown to the error page.
 */
export async function runForPage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = toUserError(err);
    if (e.status === 404 || e.status === 400) notFound();
    if (e.status === 403) forbidden();
    if (e.status === 401) redirect("/signin");
    throw err;
  }
}

/** For pages gated on a permission: 403 unless allowed. */
export function requireAllowed(allowed: boolean): void {
  if (!allowed) forbidden();
}
