import { notFound } from "next/navigation";
import { Forbidden } from "@/components/ui/forbidden";
import { ForbiddenError, NotFoundError } from "@/lib/errors";

/**
 * For Server Components: run a service verb; unknown ids become notFound(), refusals a
 * 403 view (the server refuses, it does not merely hide links).
 */
export async function runForPage<T>(fn: () => Promise<T>): Promise<{ ok: true; data: T } | { ok: false; view: React.ReactElement }> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    if (err instanceof ForbiddenError) return { ok: false, view: <Forbidden message={err.message} /> };
    throw err;
  }
}
