/**
 * Read side of the lifecycle: the overview page (HR events with their plans and progress, time from HR event to
 * access complete, open leavers with live access) and one person's timeline. Readers of everything (admins,
 * security, auditors) see the overview; a person's timeline follows the person page's rule (self, managers,
 * readers of everything).
 */
import { z } from "zod";
import { lifecycleStats, listLifecycleEvents, openLeavers, personTimeline } from "@/db/queries/lifecycle";
import { managerChain } from "@/db/queries/people";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

const overviewInput = z.object({
  kind: z.enum(["joiner", "pre_hire", "mover", "leaver", "leave_start", "leave_end", "rehire"]).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  view: z.enum(["events", "open-leavers"]).default("events"),
});
export const LIFECYCLE_PAGE_SIZE = 50;

export async function getLifecycleOverview({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "operations.view")) throw new ForbiddenError("Only administrators, security and auditors see the lifecycle overview.");
  const parsed = overviewInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid filter");
  const { kind, page, view } = parsed.data;
  const [stats, events, leavers] = await Promise.all([
    lifecycleStats(ctx.db),
    view === "events" ? listLifecycleEvents(ctx.db, { kind, limit: LIFECYCLE_PAGE_SIZE, offset: (page - 1) * LIFECYCLE_PAGE_SIZE }) : Promise.resolve({ rows: [], total: 0 }),
    view === "open-leavers" ? openLeavers(ctx.db, 500) : Promise.resolve([]),
  ]);
  return { stats, events, leavers, kind: kind ?? null, page, view };
}

export async function getPersonTimeline({ ctx, input }: { ctx: Ctx; input: unknown }) {
  const id = z.string().uuid().safeParse((input as { personId?: unknown } | null)?.personId);
  if (!id.success) throw new ValidationError("Invalid person id");
  const chain = await managerChain(ctx.db, id.data);
  if (!can(ctx.actor, "person.viewAccess", { kind: "person", personId: id.data, managerChain: chain })) throw new ForbiddenError("You cannot see this person's history.");
  return personTimeline(ctx.db, id.data);
}
