import { forbidden, notFound } from "next/navigation";
import { ForbiddenError, NotFoundError } from "@/lib/errors";

/**
 * For Server Components: run a service verb; unknown ids become notFound() (404), refusals
 * forbidden() (HTTP 403 and app/forbidden.tsx): the server refuses, it does not merely hide links.
 */
export async function runForPage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    if (err instanceof ForbiddenError) forbidden();
    throw err;
  }
}

/** For pages gated on a permission: 403 unless allowed. */
export function requireAllowed(allowed: boolean): void {
  if (!allowed) forbidden();
}
