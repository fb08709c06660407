/**
 * exportEvidence (admins, auditors): one CSV row per item of a campaign: who, what, the recommendation and its
 * reasons as the reviewer saw them, the decision, who decided and when, the comment, the provisioning receipt
 * (operation id, status, finishedAt) and the seq + hash of the decision's audit event, so each row can be
 * checked against the hash chain (lib/audit.ts verifyAuditChain). Orphan-account items follow, one row each (the
 * decision link / keep / disable and what it did).
 *
 * automationMetrics: how often reviewers agreed with each recommendation ("no_action" kept, "remove" revoked,
 * "review" split), and false revokes: revoked grants whose person asked for the same entitlement again within
 * 30 days of the decision. These are the published error rates an auto-decide mode must clear.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { decisionAudit, evidenceItems, orphanDecisionAudit, orphanItemsOf, receiptsFor, requestsSince } from "@/db/queries/reviews";
import { reviewCampaigns } from "@/db/schema";
import { can } from "@/lib/auth/can";
import { toCsv } from "@/lib/domain/csv";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { orphanOutcome } from "./orphans";

const DAY = 86_400_000;
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : "");

async function campaignOf(ctx: Ctx, campaignId: string) {
  const id = z.string().uuid().safeParse(campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  const [c] = await ctx.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, id.data));
  if (!c) throw new NotFoundError("No such campaign.");
  return c;
}

export const EVIDENCE_HEADER = [
  "item_id", "campaign", "person", "employee_id", "application", "entitlement", "reviewer", "recommendation", "reasons", "stale_data",
  "decision", "decided_by", "decided_at", "comment", "operation_id", "operation_kind", "operation_status", "operation_finished_at", "audit_seq", "audit_hash",
];

export async function exportEvidence({ ctx, input }: { ctx: Ctx; input: { campaignId: string } }): Promise<{ filename: string; csv: string; rows: number }> {
  if (!can(ctx.actor, "review.evidence")) throw new ForbiddenError();
  const c = await campaignOf(ctx, input.campaignId);
  const items = await evidenceItems(ctx.db, c.id);
  const [receipts, audit] = await Promise.all([receiptsFor(ctx.db, c.id, items.map((i) => i.item.id)), decisionAudit(ctx.db, c.id)]);
  const rows = items.map(({ item, ...n }) => {
    const r = receipts.get(item.id);
    const a = audit.get(item.id);
    const decidedBy = item.decision ? (n.decidedByName ?? (item.decidedById ? item.decidedById : item.comment?.startsWith("auto-decided:") ? "auto-decision (system)" : "default decision (system)")) : "";
    return [
      item.id, c.name, n.personName, n.employeeId, n.applicationName, n.entitlementName, n.reviewerName ?? "", item.recommendation, (item.reasons ?? []).join("; "), item.stale ?? "",
      item.decision ?? "", decidedBy, iso(item.decidedAt), item.comment ?? "", r?.id ?? "", r?.kind ?? "", r?.status ?? "", iso(r?.finishedAt), a?.seq ?? "", a?.hash ?? "",
    ];
  });
  // Orphan accounts: the account in the person column, "account (matches no person)" as the access, the decision
  // (link / keep / disable) with what it did before the reviewer's comment, and the disable operation's receipt.
  const [orphans, orphanAudit] = await Promise.all([orphanItemsOf(ctx.db, c.id), orphanDecisionAudit(ctx.db, c.id)]);
  for (const o of orphans) {
    const a = orphanAudit.get(o.item.id);
    const outcome = orphanOutcome(o);
    rows.push([
      o.item.id, c.name, `(no person) account ${o.userName}`, "", o.applicationName, "account (matches no person)", o.reviewerName ?? "", "review", (o.item.reasons ?? []).join("; "), "",
      o.item.decision ?? "", o.item.decision ? (o.decidedByName ?? o.item.decidedById ?? "") : "", iso(o.item.decidedAt), [outcome, o.item.comment].filter(Boolean).join(": "),
      o.operation?.id ?? "", o.operation?.kind ?? "", o.operation?.status ?? "", iso(o.operation?.finishedAt), a?.seq ?? "", a?.hash ?? "",
    ]);
  }
  const safe = c.name.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 60);
  return { filename: `review-evidence-${safe}.csv`, csv: toCsv(EVIDENCE_HEADER, rows), rows: rows.length };
}

export type AutomationMetrics = {
  byRecommendation: Record<"no_action" | "review" | "remove", { items: number; decided: number; kept: number; revoked: number; agreement: number | null }>;
  falseRevokes: { revoked: number; reRequestedWithin30Days: number; rate: number | null };
};

export async function automationMetrics({ ctx, input }: { ctx: Ctx; input: { campaignId: string } }): Promise<AutomationMetrics> {
  if (!can(ctx.actor, "review.evidence")) throw new ForbiddenError();
  const c = await campaignOf(ctx, input.campaignId);
  const items = (await evidenceItems(ctx.db, c.id)).map((r) => r.item);
  const by = { no_action: { items: 0, decided: 0, kept: 0, revoked: 0, agreement: null as number | null }, review: { items: 0, decided: 0, kept: 0, revoked: 0, agreement: null as number | null }, remove: { items: 0, decided: 0, kept: 0, revoked: 0, agreement: null as number | null } };
  for (const i of items) {
    const b = by[i.recommendation];
    b.items += 1;
    // Agreement counts human decisions only: a default at the due date says nothing about the recommendation.
    if (!i.decision || !i.decidedById) continue;
    b.decided += 1;
    if (i.decision === "keep") b.kept += 1;
    else b.revoked += 1;
  }
  by.no_action.agreement = by.no_action.decided ? by.no_action.kept / by.no_action.decided : null;
  by.remove.agreement = by.remove.decided ? by.remove.revoked / by.remove.decided : null;
  by.review.agreement = null; // "review" asks for a human; there is no side to agree with.

  const revoked = items.filter((i) => i.decision === "revoke" && i.decidedAt);
  let again = 0;
  if (revoked.length) {
    const since = new Date(Math.min(...revoked.map((i) => i.decidedAt!.getTime())));
    const reqs = await requestsSince(ctx.db, [...new Set(revoked.map((i) => i.personId))], since);
    for (const i of revoked) {
      const t = i.decidedAt!.getTime();
      if (reqs.some((r) => r.personId === i.personId && r.entitlementId === i.entitlementId && r.createdAt.getTime() >= t && r.createdAt.getTime() <= t + 30 * DAY)) again += 1;
    }
  }
  return { byRecommendation: by, falseRevokes: { revoked: revoked.length, reRequestedWithin30Days: again, rate: revoked.length ? again / revoked.length : null } };
}
