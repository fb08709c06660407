import { z } from "zod";
import { can } from "@/lib/auth/can";
import { listApplications as query } from "@/db/queries/applications";
import { ForbiddenError, validationErrorOf } from "@/lib/errors";
import { text } from "@/lib/validation";
import type { Ctx } from "@/lib/services/context";

export async function listApplications({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "application.list")) throw new ForbiddenError();
  const p = z.object({ q: text(100).trim().optional() }).safeParse(input ?? {});
  if (!p.success) throw validationErrorOf(p.error, "Invalid search: ");
  const { q } = p.data;
  return query(ctx.db, q || undefined);
}
