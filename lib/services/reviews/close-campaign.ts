/**
 * closeCampaign: at (or after) the due date, apply the campaign's default decision to every undecided item and
 * close it. keep → kept; revoke → revoked; recommendation → revoked where the triage recommended removal, kept
 * otherwise. Revokes change the desired state and are planned in the same transaction (cause: the campaign).
 * One audit event per defaulted item (target review_item), so the evidence export can cite its seq.
 * `now` is injected (tests; the scheduler passes the clock). Admins may close; closeDueCampaigns is the sweep.
 * Recurring campaigns (recurrence "quarterly"): closing also creates the next occurrence as a draft with the same
 * scope and settings and both dates three months on; the sweep launches it once its start date has come.
 */
import { and, eq, inArray, isNotNull, lte } from "drizzle-orm";
import { z } from "zod";
import { undecidedItems } from "@/db/queries/reviews";
import { jobs, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import type { Ctx } from "@/lib/services/context";
import { generateCampaign } from "./create-campaign";
import { revokeGrants } from "./decide-item";

export async function closeCampaign({ ctx, input, now = new Date() }: { ctx: Ctx; input: { campaignId: string }; now?: Date }) {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  const r = await ctx.db.transaction((tx) => closeInTx(tx, id.data, now, ctx.actor.personId));
  if (r.operationIds.length) wakeDispatcher();
  return r;
}

/**
 * The sweep (the worker runs it on its reminder timer): close every active campaign whose due date has passed,
 * then launch the scheduled next occurrences of recurring campaigns whose start has come (drafts with a start
 * date: only recurrence makes those; a draft an admin creates has none until launched).
 */
export async function closeDueCampaigns(db: Queryable, now = new Date()) {
  const due = await db.select({ id: reviewCampaigns.id }).from(reviewCampaigns).where(and(eq(reviewCampaigns.status, "active"), lte(reviewCampaigns.dueAt, now)));
  const out = [];
  for (const c of due) out.push(await db.transaction((tx) => closeInTx(tx, c.id, now, null)));
  if (out.some((r) => r.operationIds.length)) wakeDispatcher();
  const starting = await db.select({ id: reviewCampaigns.id }).from(reviewCampaigns).where(and(eq(reviewCampaigns.status, "draft"), isNotNull(reviewCampaigns.startsAt), lte(reviewCampaigns.startsAt, now)));
  const launched: string[] = [];
  for (const c of starting) {
    const jobId = await db.transaction(async (tx) => {
      const [row] = await tx.update(reviewCampaigns).set({ status: "generating" }).where(and(eq(reviewCampaigns.id, c.id), eq(reviewCampaigns.status, "draft"))).returning();
      if (!row) return null;
      const [j] = await tx.insert(jobs).values({ kind: "review.generate", status: "running", input: { campaignId: row.id }, createdById: row.createdById, startedAt: now, message: "Loading access in scope" }).returning({ id: jobs.id });
      await recordAudit(tx, { actorId: null, actorKind: "system", action: "review.campaign_launched", targetKind: "review_campaign", targetId: row.id, data: { jobId: j!.id, recurring: true } });
      return j!.id;
    });
    if (!jobId) continue;
    await generateCampaign(db, c.id, jobId, now).catch((e) => console.error("[reviews] recurring generation:", e instanceof Error ? e.message : e));
    launched.push(c.id);
  }
  return Object.assign(out, { launched });
}

/** Same day of month three months on (clamped: 31 January → 30 April), same time of day (UTC). */
export function plusQuarter(d: Date): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 3;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

async function closeInTx(tx: Queryable, campaignId: string, now: Date, actorId: string | null) {
  const [c] = await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId)).for("update");
  if (!c) throw new NotFoundError("No such campaign.");
  if (c.status !== "active") throw new ConflictError("Only an active campaign can be closed.");
  if (!c.dueAt || c.dueAt.getTime() > now.getTime()) throw new ConflictError(`The campaign is due on ${c.dueAt?.toISOString().slice(0, 10) ?? "(no date)"}; it closes then.`);
  const open = await undecidedItems(tx, c.id);
  const revoke = open.filter((i) => c.defaultDecision === "revoke" || (c.defaultDecision === "recommendation" && i.recommendation === "remove"));
  const revokeIds = new Set(revoke.map((i) => i.id));
  const keep = open.filter((i) => !revokeIds.has(i.id));
  const comment = `Default decision at the due date (${c.defaultDecision})`;
  const operationIds = await revokeGrants(tx, revoke, now, actorId, `Access review "${c.name}": no decision by the due date`, { kind: "review_campaign", id: c.id });
  for (const [list, decision] of [[keep, "keep"], [revoke, "revoke"]] as const) {
    for (let i = 0; i < list.length; i += 1000) {
      const ids = list.slice(i, i + 1000).map((x) => x.id);
      await tx.update(reviewItems).set({ decision, decidedAt: now, decidedById: null, comment, revokedAt: decision === "revoke" ? now : null }).where(inArray(reviewItems.id, ids));
    }
  }
  await tx.update(reviewCampaigns).set({ status: "closed", closedAt: now }).where(eq(reviewCampaigns.id, c.id));
  // Recurring: the next occurrence, same scope and settings, dates three months on; launched by the sweep at its start.
  let nextCampaignId: string | null = null;
  if (c.recurrence === "quarterly") {
    const start = c.startsAt ?? c.createdAt;
    const [next] = await tx
      .insert(reviewCampaigns)
      .values({
        name: c.name, scope: c.scope, reviewerKind: c.reviewerKind, reviewerGroup: c.reviewerGroup, secondStage: c.secondStage, recurrence: c.recurrence,
        defaultDecision: c.defaultDecision, autoDecide: c.autoDecide, createdById: c.createdById, startsAt: plusQuarter(start), dueAt: plusQuarter(c.dueAt),
      })
      .returning({ id: reviewCampaigns.id });
    nextCampaignId = next!.id;
    await recordAudit(tx, { actorId, actorKind: actorId ? "person" : "system", action: "review.campaign_created", targetKind: "review_campaign", targetId: nextCampaignId, data: { recurrenceOf: c.id, startsAt: plusQuarter(start).toISOString(), dueAt: plusQuarter(c.dueAt).toISOString() } });
  }
  await recordAudit(tx, [
    ...open.map((i) => ({
      actorId: null, actorKind: "system" as const, action: "review.default_applied", targetKind: "review_item", targetId: i.id,
      data: { campaignId: c.id, decision: revokeIds.has(i.id) ? "revoke" : "keep", defaultDecision: c.defaultDecision, recommendation: i.recommendation, grantId: i.grantId, personId: i.personId },
    })),
    { actorId, actorKind: actorId ? ("person" as const) : ("system" as const), action: "review.campaign_closed", targetKind: "review_campaign", targetId: c.id, data: { kept: keep.length, revoked: revoke.length, operationIds, ...(nextCampaignId ? { nextCampaignId } : {}) } },
  ]);
  return { campaignId: c.id, kept: keep.length, revoked: revoke.length, operationIds, nextCampaignId };
}
