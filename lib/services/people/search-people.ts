import { z } from "zod";
import { can, has } from "@/lib/auth/can";
import { searchPeople as query } from "@/db/queries/people";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const searchPeopleInput = z.object({
  q: z.string().trim().max(100).optional().transform((v) => v || undefined),
  department: z.string().max(100).optional().transform((v) => v || undefined),
  location: z.string().max(100).optional().transform((v) => v || undefined),
  status: z.enum(["pre_hire", "active", "on_leave", "terminated"]).optional().or(z.literal("").transform(() => undefined)),
  employmentType: z.enum(["employee", "contractor", "intern"]).optional().or(z.literal("").transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).default(25),
});

/** Directory search. Admins, auditors and security see everyone; managers their reporting line. */
export async function searchPeople({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "people.list")) throw new ForbiddenError("Only managers, admins, security and auditors can browse people.");
  const parsed = searchPeopleInput.safeParse(input);
  if (!parsed.success) throw new ValidationError("Invalid search: " + parsed.error.issues.map((i) => i.message).join("; "));
  const everyone = has(ctx.actor, "admin") || has(ctx.actor, "auditor") || has(ctx.actor, "security");
  // An agent sees its sponsor's reporting line; a manager their own.
  const result = await query(ctx.db, { ...parsed.data, withinLineOf: everyone ? undefined : (ctx.actor.agent?.sponsorId ?? ctx.actor.personId) });
  return { ...result, filter: parsed.data, scope: everyone ? ("everyone" as const) : ("reporting_line" as const) };
}
