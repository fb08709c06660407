import { z } from "zod";
import { can } from "@/lib/auth/can";
import { applicationNames, applicationsPage, listApplications as query } from "@/db/queries/applications";
import { ForbiddenError, validationErrorOf } from "@/lib/errors";
import { text } from "@/lib/validation";
import type { Ctx } from "@/lib/services/context";

/** Every application (optionally matching `q`), with counts: for pickers that need them all. */
export async function listApplications({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "application.list")) throw new ForbiddenError();
  const p = z.object({ q: text(100).trim().optional() }).safeParse(input ?? {});
  if (!p.success) throw validationErrorOf(p.error, "Invalid search: ");
  const { q } = p.data;
  return query(ctx.db, q || undefined);
}

/** Every application's id and name (pickers such as the new-campaign form): no counts, one index-free read of a small table. */
export async function applicationChoices({ ctx }: { ctx: Ctx }) {
  if (!can(ctx.actor, "application.list")) throw new ForbiddenError();
  return applicationNames(ctx.db);
}

export const listApplicationsPageInput = z.object({
  q: text(100).trim().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

/** One page of applications by name (the Applications page), with the total; counts for the page's applications only. */
export async function listApplicationsPage({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "application.list")) throw new ForbiddenError();
  const p = listApplicationsPageInput.safeParse(input ?? {});
  if (!p.success) throw validationErrorOf(p.error, "Invalid search: ");
  const { q, page, pageSize } = p.data;
  const r = await applicationsPage(ctx.db, { q: q || undefined, page, pageSize });
  return { ...r, page, pageSize, pages: Math.max(1, Math.ceil(r.total / pageSize)) };
}
