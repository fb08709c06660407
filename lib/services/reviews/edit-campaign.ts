/**
 * editCampaign (admin): change a launched campaign without starting over: add grants (triaged like the rest),
 * remove undecided items, reassign items to another reviewer, extend the due date (never into the past, never
 * shortened: reviewers planned on the date they were given). Every change is audited in its transaction.
 */
import { and, eq, inArray, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { reviewCampaigns, reviewItems } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { buildItems } from "./create-campaign";

export const editCampaignInput = z.object({
  campaignId: z.string().uuid(),
  addGrantIds: z.array(z.string().uuid()).max(5000).default([]),
  removeItemIds: z.array(z.string().uuid()).max(5000).default([]),
  reassign: z.object({ itemIds: z.array(z.string().uuid()).min(1).max(5000), reviewerId: z.string().uuid() }).optional(),
  /** New due date (YYYY-MM-DD, end of that day UTC): later than the current one. */
  extendTo: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "A date is YYYY-MM-DD")
    .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s; }, "Not a calendar date")
    .optional(),
});

export async function editCampaign({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const p = editCampaignInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid change");
  const input = p.data;
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, input.campaignId)).for("update");
    if (!c) throw new NotFoundError("No such campaign.");
    if (c.status !== "active") throw new ConflictError("Only an active campaign can be edited.");
    let added: string[] = [];
    if (input.addGrantIds.length) {
      const existing = new Set((await tx.select({ g: reviewItems.grantId }).from(reviewItems).where(and(eq(reviewItems.campaignId, c.id), inArray(reviewItems.grantId, input.addGrantIds)))).map((r) => r.g));
      const fresh = input.addGrantIds.filter((g) => !existing.has(g));
      // (nobody is made reviewer of their own access.) Added grants are triaged like the rest; the scope filters do not apply to an explicit addition.
      const built = fresh.length ? await buildItems(tx, { ...c, scope: {} }, now, fresh) : [];
      if (built.length) added = (await tx.insert(reviewItems).values(built).returning({ id: reviewItems.id })).map((r) => r.id);
    }
    let removed: string[] = [];
    if (input.removeItemIds.length) {
      removed = (await tx.delete(reviewItems).where(and(eq(reviewItems.campaignId, c.id), inArray(reviewItems.id, input.removeItemIds), isNull(reviewItems.decision))).returning({ id: reviewItems.id })).map((r) => r.id);
    }
    let extendedTo: string | null = null;
    if (input.extendTo) {
      const due = new Date(`${input.extendTo}T23:59:59Z`);
      if (due.getTime() <= now.getTime()) throw new ValidationError("The new due date has passed already.");
      if (c.dueAt && due.getTime() <= c.dueAt.getTime()) throw new ValidationError(`The new due date must be later than the current one (${c.dueAt.toISOString().slice(0, 10)}).`);
      await tx.update(reviewCampaigns).set({ dueAt: due }).where(eq(reviewCampaigns.id, c.id));
      extendedTo = due.toISOString();
    }
    let reassigned: string[] = [];
    if (input.reassign) {
      reassigned = (
        await tx
          .update(reviewItems)
          .set({ reviewerId: input.reassign.reviewerId })
          .where(and(eq(reviewItems.campaignId, c.id), inArray(reviewItems.id, input.reassign.itemIds), isNull(reviewItems.decision), ne(reviewItems.personId, input.reassign.reviewerId)))
          .returning({ id: reviewItems.id })
      ).map((r) => r.id);
    }
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "review.campaign_edited", targetKind: "review_campaign", targetId: c.id,
      data: { added, removed, reassigned, reviewerId: input.reassign?.reviewerId ?? null, ...(extendedTo ? { dueAt: { from: c.dueAt?.toISOString() ?? null, to: extendedTo } } : {}) },
    });
    return { added: added.length, removed: removed.length, reassigned: reassigned.length, dueAt: extendedTo };
  });
}
