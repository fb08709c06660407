/**
 * listCampaigns: the campaigns the actor reviews (their own items' progress), for admins every campaign with overall
 * progress and the generation job's progress, and for managers the team reviews they started.
 * getReviewerView: one campaign as its reviewer sees it, ALL their items at once (reviewer_id = actor in SQL), grouped
 * by person with the triage summary sentence first, and for revoked items the provisioning receipt
 * (GET /api/v1/reviews/:id). The page shows one page at a time instead: review-board.ts getReviewBoard.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { campaignsWithProgress, decisionsByRecommendation, grantHistories, progressByReviewer, receiptsFor, reviewerItems, timeToRevoke } from "@/db/queries/reviews";
import { reviewCampaigns } from "@/db/schema";
import { can } from "@/lib/auth/can";
import { personSummary } from "@/lib/domain/review-triage";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { reviewerOrphans, type OrphanView } from "./orphans";

export async function listCampaigns({ ctx }: { ctx: Ctx }) {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const canTeam = can(ctx.actor, "review.team");
  const [mine, all, team] = await Promise.all([
    campaignsWithProgress(ctx.db, ctx.actor.personId),
    can(ctx.actor, "review.manage") || can(ctx.actor, "review.evidence") ? campaignsWithProgress(ctx.db) : Promise.resolve(null),
    // Team reviews the manager started, generating ones included (ownership: created_by_id = actor, in SQL).
    canTeam ? campaignsWithProgress(ctx.db, undefined, ctx.actor.personId) : Promise.resolve(null),
  ]);
  return { mine, all, team, canManage: can(ctx.actor, "review.manage"), canExport: can(ctx.actor, "review.evidence"), canStartTeam: canTeam };
}

export type ReviewerItem = {
  id: string; entitlementName: string; applicationName: string; privileged: boolean; recommendation: "no_action" | "review" | "remove";
  reasons: string[]; stale: string | null; decision: "keep" | "revoke" | null; decidedAt: string | null; comment: string | null;
  grantSource: string | null; lastUsedAt: string | null;
  /** How the access came to be: who asked, who approved, when and why (request), or who granted it. */
  history: string[];
  receipt: { operationId: string; status: string; finishedAt: string | null } | null;
};
export type ReviewerPerson = { personId: string; name: string; title: string; department: string; summary: string; items: ReviewerItem[] };
export type ReviewerView = {
  campaign: { id: string; name: string; status: string; dueAt: string | null; defaultDecision: string };
  people: ReviewerPerson[];
  /** Orphan accounts the reviewer decides (link to a person, keep as a service account, disable). */
  orphans: OrphanView[];
  total: number;
  decided: number;
  openNoAction: number;
};

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

type ItemRow = Awaited<ReturnType<typeof reviewerItems>>[number];

/**
 * Item rows (reviewerItems, or one page of the board) → people with their items in row order (summary left
 * empty), each item with how its grant came to be and, when revoked, its provisioning receipt. Two bulk reads.
 */
export async function groupItems(db: Ctx["db"], campaignId: string, rows: ItemRow[]): Promise<ReviewerPerson[]> {
  const [receipts, histories] = await Promise.all([
    receiptsFor(db, campaignId, rows.filter((r) => r.decision === "revoke").map((r) => r.id)),
    grantHistories(db, rows.map((r) => r.grantId).filter((g): g is string => Boolean(g))),
  ]);
  const byPerson = new Map<string, ReviewerPerson>();
  for (const r of rows) {
    let p = byPerson.get(r.personId);
    if (!p) byPerson.set(r.personId, (p = { personId: r.personId, name: r.personName, title: r.personTitle, department: r.personDepartment, summary: "", items: [] }));
    const rc = receipts.get(r.id);
    p.items.push({
      id: r.id, entitlementName: r.entitlementName, applicationName: r.applicationName, privileged: r.privileged, recommendation: r.recommendation,
      reasons: r.reasons ?? [], stale: r.stale, decision: r.decision, decidedAt: iso(r.decidedAt), comment: r.comment, grantSource: r.grantSource,
      lastUsedAt: iso(r.lastUsedAt), history: (r.grantId ? histories.get(r.grantId) : undefined) ?? [], receipt: rc ? { operationId: rc.id, status: rc.status, finishedAt: iso(rc.finishedAt) } : null,
    });
  }
  return [...byPerson.values()];
}

export async function getReviewerView({ ctx, input }: { ctx: Ctx; input: { campaignId: string } }): Promise<ReviewerView> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  const [c] = await ctx.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, id.data));
  if (!c) throw new NotFoundError("No such campaign.");
  const [rows, orphans] = await Promise.all([reviewerItems(ctx.db, c.id, ctx.actor.personId), reviewerOrphans(ctx.db, c.id, ctx.actor.personId)]);
  const grouped = await groupItems(ctx.db, c.id, rows);
  const rank = { remove: 0, review: 1, no_action: 2 } as const;
  const people = grouped.map((p) => ({ ...p, summary: personSummary({ name: p.name, title: p.title, department: p.department }, p.items) }));
  // People with removals first, then reviews; items inside likewise.
  for (const p of people) p.items.sort((a, b) => rank[a.recommendation] - rank[b.recommendation]);
  people.sort((a, b) => rank[a.items[0]!.recommendation] - rank[b.items[0]!.recommendation] || a.name.localeCompare(b.name));
  return {
    campaign: { id: c.id, name: c.name, status: c.status, dueAt: iso(c.dueAt), defaultDecision: c.defaultDecision },
    people,
    orphans,
    total: rows.length,
    decided: rows.filter((r) => r.decision).length,
    openNoAction: rows.filter((r) => r.recommendation === "no_action" && !r.decision).length,
  };
}

export type ReviewDashboard = {
  byReviewer: Awaited<ReturnType<typeof progressByReviewer>>;
  byRecommendation: Awaited<ReturnType<typeof decisionsByRecommendation>>;
  timeToRevoke: Awaited<ReturnType<typeof timeToRevoke>>;
};

/** Dashboards for admins and auditors (review.evidence): progress by reviewer, decisions by recommendation, time to revoke. */
export async function getReviewDashboard({ ctx, input = {} }: { ctx: Ctx; input?: { campaignId?: string } }): Promise<ReviewDashboard> {
  if (!can(ctx.actor, "review.evidence")) throw new ForbiddenError();
  const id = input.campaignId === undefined ? undefined : z.string().uuid().safeParse(input.campaignId);
  if (id && !id.success) throw new NotFoundError("No such campaign.");
  const campaignId = id?.data;
  const [byReviewer, byRecommendation, ttr] = await Promise.all([
    progressByReviewer(ctx.db, campaignId), decisionsByRecommendation(ctx.db, campaignId), timeToRevoke(ctx.db, campaignId),
  ]);
  return { byReviewer, byRecommendation, timeToRevoke: ttr };
}
