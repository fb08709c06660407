import { z } from "zod";
import { can } from "@/lib/auth/can";
import { listApplications as query } from "@/db/queries/applications";
import { ForbiddenError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export async function listApplications({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "application.list")) throw new ForbiddenError();
  const { q } = z.object({ q: z.string().trim().max(100).optional() }).parse(input ?? {});
  return query(ctx.db, q || undefined);
}
