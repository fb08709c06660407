/**
 * decideItem: keep or revoke one review item. Only the item's reviewer can even find it (reviewer_id = actor in
 * the WHERE clause; anyone else gets "not found" and nothing changes). Keeping an item the triage recommends
 * removing needs a comment. A revoke changes the desired state at once (grant → revoked) and plans the
 * operations in the same transaction (closed-loop removal, not at campaign end); the dispatcher is woken after
 * commit. Each decision writes one audit event (target review_item) whose seq the evidence export cites.
 * With campaign.secondStage "security", keeping privileged access at the first stage (one by one or in bulk)
 * creates a second-stage item for a security person (addSecondStage).
 *
 * bulkApproveNoAction: keep every undecided "no_action" item of the actor in one campaign; needs confirm=true
 * and, when given, the count the confirmation dialog showed (a changed count is refused, not silently applied).
 */
import { and, eq, inArray, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { createHash } from "node:crypto";
import { entitlements, grants, portalRoleAssignments, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import type { Ctx } from "@/lib/services/context";
import { planPeople } from "@/lib/services/provisioning/plan";
import { confirmKeptAfterMove } from "@/lib/services/lifecycle/mover-review";

export const decideItemInput = z.object({
  itemId: z.string().uuid(),
  /** When given (the route's campaign), the item must belong to it. */
  campaignId: z.string().uuid().optional(),
  decision: z.enum(["keep", "revoke"]),
  comment: z.string().trim().max(2000).optional().transform((v) => v || undefined),
});

export type DecideItemResult = { itemId: string; decision: "keep" | "revoke"; operationIds: string[]; secondStageItemId?: string };

export async function decideItem({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<DecideItemResult> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const p = decideItemInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid decision");
  const r = await ctx.db.transaction((tx) => decideInTx({ ...ctx, db: tx }, p.data, now));
  if (r.operationIds.length) wakeDispatcher();
  return r;
}

async function decideInTx(ctx: Ctx, input: z.infer<typeof decideItemInput>, now: Date): Promise<DecideItemResult> {
  const tx = ctx.db;
  const actorId = ctx.actor.personId;
  const [row] = await tx
    .select({ item: reviewItems, campaign: { id: reviewCampaigns.id, name: reviewCampaigns.name, status: reviewCampaigns.status, secondStage: reviewCampaigns.secondStage } })
    .from(reviewItems)
    .innerJoin(reviewCampaigns, eq(reviewCampaigns.id, reviewItems.campaignId))
    .where(and(eq(reviewItems.id, input.itemId), eq(reviewItems.reviewerId, actorId), input.campaignId ? eq(reviewItems.campaignId, input.campaignId) : undefined))
    .for("update");
  if (!row) throw new NotFoundError("No such review item is waiting for you.");
  const { item, campaign } = row;
  if (!can(ctx.actor, "review.decide", { kind: "review_item", reviewerId: item.reviewerId, personId: item.personId })) throw new ForbiddenError("Nobody reviews their own access.");
  if (campaign.status !== "active") throw new ConflictError("This campaign is not open for decisions.");
  if (item.decision === input.decision) throw new ConflictError(`Already decided (${item.decision}).`);
  if (input.decision === "keep" && item.recommendation === "remove" && !input.comment)
    throw new ValidationError("Removal is recommended for this access: say why it should be kept.", { comment: "Required to keep access the review recommends removing" });

  // A decision can be changed while the campaign is open: a revoke is undone by restoring the grant (the
  // planner re-provisions it), a keep becomes a revoke (an undecided second-stage look is withdrawn).
  const previous = item.decision;
  let operationIds: string[] = [];
  if (previous === "revoke") {
    operationIds = await restoreRevokedGrant(tx, item, now, actorId);
  } else if (previous === "keep" && item.stage === "first") {
    await withdrawSecondStage(tx, campaign.id, item);
  }
  if (input.decision === "revoke") {
    operationIds = await revokeGrants(tx, [{ grantId: item.grantId, personId: item.personId }], now, actorId, `Access review "${campaign.name}"${input.comment ? `: ${input.comment}` : ""}`, { kind: "review", id: item.id });
  } else {
    // A mover review kept: a birthright grant in its mover overlap stays (expiry cancelled).
    await confirmKeptAfterMove(tx, { campaignName: campaign.name, grantId: item.grantId, managerName: ctx.actor.name });
  }
  await tx
    .update(reviewItems)
    .set({ decision: input.decision, decidedById: actorId, decidedAt: now, comment: input.comment ?? null, revokedAt: input.decision === "revoke" ? now : null })
    .where(eq(reviewItems.id, item.id));
  const second = input.decision === "keep" ? await addSecondStage(tx, campaign, [item], actorId, now) : [];
  await recordAudit(tx, {
    actorId, actorKind: "person", action: previous ? "review.decision_changed" : "review.decided", targetKind: "review_item", targetId: item.id,
    data: {
      campaignId: campaign.id, decision: input.decision, ...(previous ? { previousDecision: previous, previousComment: item.comment } : {}), comment: input.comment ?? null, grantId: item.grantId, personId: item.personId,
      entitlementId: item.entitlementId, recommendation: item.recommendation, reasons: item.reasons, stale: item.stale, operationIds,
      stage: item.stage, ...(second.length ? { secondStageItemId: second[0]!.id } : {}),
    },
  });
  return { itemId: item.id, decision: input.decision, operationIds, ...(second.length ? { secondStageItemId: second[0]!.id } : {}) };
}

/**
 * Undo of a revoke while the campaign is open: the grant this item revoked becomes active again (same source,
 * expiry and history; revoke fields cleared) and the planner writes the operations that give it back. When the
 * person meanwhile got the same access another way, nothing is restored (they hold it already).
 */
async function restoreRevokedGrant(
  tx: Queryable,
  item: { id: string; grantId: string | null; personId: string; entitlementId: string },
  now: Date,
  actorId: string,
): Promise<string[]> {
  if (!item.grantId) return [];
  const [g] = await tx.select().from(grants).where(eq(grants.id, item.grantId)).for("update");
  if (!g || g.status !== "revoked") return [];
  const [other] = await tx
    .select({ id: grants.id })
    .from(grants)
    .where(and(eq(grants.personId, item.personId), eq(grants.entitlementId, item.entitlementId), eq(grants.status, "active")));
  if (other) return [];
  if (g.expiresAt && g.expiresAt <= now) throw new ConflictError("This access has expired since it was revoked; it cannot be restored from the review.");
  await tx.update(grants).set({ status: "active", revokedAt: null, revokedById: null, revokeReason: null }).where(eq(grants.id, g.id));
  const plan = await planPeople(tx, [item.personId], { kind: "review", id: item.id, actorId }, now);
  return plan.operationIds;
}

/** A kept first-stage item becomes a revoke: its undecided second-stage item goes; a decided one blocks the change. */
async function withdrawSecondStage(tx: Queryable, campaignId: string, item: { id: string; grantId: string | null; personId: string; entitlementId: string }) {
  const seconds = await tx
    .select({ id: reviewItems.id, decision: reviewItems.decision })
    .from(reviewItems)
    .where(and(eq(reviewItems.campaignId, campaignId), eq(reviewItems.stage, "second"), eq(reviewItems.personId, item.personId), eq(reviewItems.entitlementId, item.entitlementId)))
    .for("update");
  if (seconds.some((s) => s.decision)) throw new ConflictError("Security has already decided the second stage of this item; it can no longer be changed here.");
  if (seconds.length) await tx.delete(reviewItems).where(inArray(reviewItems.id, seconds.map((s) => s.id)));
}

export const decideItemsInput = z.object({
  campaignId: z.string().uuid(),
  itemIds: z.array(z.string().uuid()).min(1, "Select at least one item.").max(500, "Decide at most 500 items at once."),
  decision: z.enum(["keep", "revoke"]),
  comment: z.string().trim().max(2000).optional().transform((v) => v || undefined),
});

/**
 * The reviewer's multi-select: the same decision (and comment) for several of their items of one campaign, all
 * or nothing in one transaction (an item that needs a comment to keep, or is already so decided, refuses the lot
 * and says which).
 */
export async function decideItems({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<{ count: number; operationIds: string[] }> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const p = decideItemsInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid decisions");
  const ids = [...new Set(p.data.itemIds)];
  const r = await ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const ops: string[] = [];
    for (const itemId of ids) {
      try {
        const one = await decideInTx(txCtx, { itemId, campaignId: p.data.campaignId, decision: p.data.decision, comment: p.data.comment }, now);
        ops.push(...one.operationIds);
      } catch (e) {
        if (e instanceof ValidationError || e instanceof ConflictError || e instanceof NotFoundError || e instanceof ForbiddenError) {
          const [it] = await tx
            .select({ ent: entitlements.name })
            .from(reviewItems)
            .innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId))
            .where(eq(reviewItems.id, itemId));
          const msg = `${it ? `${it.ent}: ` : ""}${e.message} Nothing was decided.`;
          if (e instanceof ValidationError) throw new ValidationError(msg);
          if (e instanceof NotFoundError) throw new NotFoundError(msg);
          if (e instanceof ForbiddenError) throw new ForbiddenError(msg);
          throw new ConflictError(msg);
        }
        throw e;
      }
    }
    return { count: ids.length, operationIds: ops };
  });
  if (r.operationIds.length) wakeDispatcher();
  return r;
}

/**
 * Second stage (campaign.secondStage = "security"): privileged access a first-stage reviewer keeps goes to a
 * security person (portal role "security") for a second look. The security reviewer is chosen by a stable hash
 * of the person under review among the security people who are neither that person nor the first-stage decider
 * (four eyes); with nobody eligible no second-stage item is made and the audit event says so.
 * Returns the created items (stage "second", the first item's recommendation and reasons behind a lead line).
 */
export async function addSecondStage(
  tx: Queryable,
  campaign: { id: string; secondStage: "none" | "security" },
  kept: Array<{ id: string; stage: "first" | "second"; grantId: string | null; personId: string; entitlementId: string; recommendation: "no_action" | "review" | "remove"; reasons: string[]; stale: string | null }>,
  deciderId: string | null,
  now: Date,
): Promise<Array<{ id: string; firstItemId: string; reviewerId: string }>> {
  if (campaign.secondStage !== "security") return [];
  const first = kept.filter((k) => k.stage === "first");
  if (first.length === 0) return [];
  const entIds = [...new Set(first.map((k) => k.entitlementId))];
  const priv = new Set<string>();
  for (let i = 0; i < entIds.length; i += 1000) {
    const r = await tx.select({ id: entitlements.id }).from(entitlements).where(and(inArray(entitlements.id, entIds.slice(i, i + 1000)), eq(entitlements.privileged, true)));
    for (const e of r) priv.add(e.id);
  }
  const todo = first.filter((k) => priv.has(k.entitlementId));
  if (todo.length === 0) return [];
  const security = (await tx.select({ id: portalRoleAssignments.personId }).from(portalRoleAssignments).where(eq(portalRoleAssignments.role, "security")))
    .map((r) => r.id)
    .sort();
  const rows: Array<typeof reviewItems.$inferInsert & { firstItemId: string }> = [];
  for (const k of todo) {
    const eligible = security.filter((s) => s !== k.personId && s !== deciderId);
    if (eligible.length === 0) continue;
    const reviewerId = eligible[createHash("sha1").update(k.personId).digest().readUInt32BE(0) % eligible.length]!;
    rows.push({
      firstItemId: k.id, campaignId: campaign.id, grantId: k.grantId, personId: k.personId, entitlementId: k.entitlementId, reviewerId, stage: "second",
      recommendation: k.recommendation, stale: k.stale,
      reasons: [`second stage: privileged access kept by the first reviewer on ${now.toISOString().slice(0, 10)}`, ...k.reasons],
    });
  }
  const out: Array<{ id: string; firstItemId: string; reviewerId: string }> = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const ins = await tx.insert(reviewItems).values(chunk.map(({ firstItemId: _f, ...r }) => r)).returning({ id: reviewItems.id });
    ins.forEach((r, j) => out.push({ id: r.id, firstItemId: chunk[j]!.firstItemId, reviewerId: chunk[j]!.reviewerId! }));
  }
  const skipped = todo.length - rows.length;
  await recordAudit(tx, [
    ...out.map((o) => ({
      actorId: deciderId, actorKind: (deciderId ? "person" : "system") as "person" | "system", action: "review.second_stage_created", targetKind: "review_item", targetId: o.id,
      data: { campaignId: campaign.id, firstItemId: o.firstItemId, reviewerId: o.reviewerId },
    })),
    ...(skipped ? [{ actorId: deciderId, actorKind: (deciderId ? "person" : "system") as "person" | "system", action: "review.second_stage_skipped", targetKind: "review_campaign", targetId: campaign.id, data: { items: skipped, reason: "no eligible security reviewer" } }] : []),
  ]);
  return out;
}

/** Desired state: the grants become revoked; the planner writes the operations (same transaction). */
export async function revokeGrants(
  tx: Queryable,
  list: Array<{ grantId: string | null; personId: string }>,
  now: Date,
  actorId: string | null,
  reason: string,
  cause: { kind: string; id: string },
): Promise<string[]> {
  const ids = list.map((l) => l.grantId).filter((g): g is string => Boolean(g));
  if (ids.length === 0) return [];
  for (let i = 0; i < ids.length; i += 1000) {
    await tx
      .update(grants)
      .set({ status: "revoked", revokedAt: now, revokedById: actorId, revokeReason: reason })
      .where(and(inArray(grants.id, ids.slice(i, i + 1000)), eq(grants.status, "active")));
  }
  const plan = await planPeople(tx, list.map((l) => l.personId), { ...cause, actorId }, now);
  return plan.operationIds;
}

export const bulkApproveInput = z.object({
  campaignId: z.string().uuid(),
  confirm: z.literal(true, { message: "Confirm the bulk approval first." }),
  expectedCount: z.number().int().nonnegative().optional(),
});

export async function bulkApproveNoAction({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<{ count: number }> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const p = bulkApproveInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Confirm the bulk approval first.");
  const actorId = ctx.actor.personId;
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, p.data.campaignId)).for("update");
    if (!c) throw new NotFoundError("No such campaign.");
    if (c.status !== "active") throw new ConflictError("This campaign is not open for decisions.");
    const mine = and(
      eq(reviewItems.campaignId, c.id), eq(reviewItems.reviewerId, actorId), eq(reviewItems.recommendation, "no_action"),
      isNull(reviewItems.decision), ne(reviewItems.personId, actorId),
    );
    const pending = await tx.select({ id: reviewItems.id }).from(reviewItems).where(mine);
    if (p.data.expectedCount !== undefined && p.data.expectedCount !== pending.length)
      throw new ConflictError(`The number of no-action items changed (${pending.length}, not ${p.data.expectedCount}); review the list again.`);
    if (pending.length === 0) return { count: 0 };
    const done = await tx.update(reviewItems).set({ decision: "keep", decidedById: actorId, decidedAt: now, comment: "Bulk approved: no action recommended" }).where(mine).returning({
      id: reviewItems.id, grantId: reviewItems.grantId, personId: reviewItems.personId, entitlementId: reviewItems.entitlementId, reasons: reviewItems.reasons,
      stage: reviewItems.stage, recommendation: reviewItems.recommendation, stale: reviewItems.stale,
    });
    await addSecondStage(tx, c, done, actorId, now);
    await recordAudit(tx, done.map((d) => ({
      actorId, actorKind: "person" as const, action: "review.decided", targetKind: "review_item", targetId: d.id,
      data: { campaignId: c.id, decision: "keep", bulk: true, comment: "Bulk approved: no action recommended", grantId: d.grantId, personId: d.personId, entitlementId: d.entitlementId, recommendation: "no_action", reasons: d.reasons, operationIds: [] },
    })));
    return { count: done.length };
  });
}
