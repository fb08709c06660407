/**
 * Auto-decision of "no_action" items, earned through a shadow period.
 *
 * Shadow ("shadow"): when a campaign is generated in shadow mode (or switched to shadow while active), one audit
 * event per campaign, `review.auto_decide_shadow` (target review_campaign), records the items the system WOULD
 * have kept: the undecided first-stage "no_action" items at that moment. Reviewers see nothing different, so
 * their decisions are not biased by the prediction. Measured agreement = of those items that a human has
 * decided (decidedById set; defaults at the due date and auto-decisions do not count), the share kept.
 *
 * On ("on"): `setAutoDecide` refuses unless the evidence campaign (this campaign if it had a shadow period, else,
 * for a draft, the last closed campaign with the same scope that had one) shows at least `minDecided` decided
 * shadow items and agreement ≥ `minAgreement`; the refusal states the measured numbers. Once on, every undecided
 * first-stage "no_action" item of an active campaign is kept by the system (decidedById null, comment naming the
 * measured agreement), one `review.decided` audit event per item (actorKind system, data.auto = true) — so the
 * evidence export cites it like any decision. A draft switched on is auto-decided when generated.
 *
 * Thresholds: defaults 50 items / 95 %, overridable by the server (GATEHOUSE_AUTO_DECIDE_MIN_ITEMS,
 * GATEHOUSE_AUTO_DECIDE_MIN_AGREEMENT as a fraction, or the `thresholds` argument) — never by the request.
 */
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { auditEvents, reviewCampaigns, reviewItems, type ReviewCampaign } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { addSecondStage } from "./decide-item";
import { env } from "@/lib/env";

export const SHADOW_ACTION = "review.auto_decide_shadow";

export type AutoDecideThresholds = { minDecided: number; minAgreement: number };

/** The server's thresholds (lib/env.ts: GATEHOUSE_AUTO_DECIDE_MIN_ITEMS, GATEHOUSE_AUTO_DECIDE_MIN_AGREEMENT). */
export function defaultThresholds(): AutoDecideThresholds {
  const e = env();
  return { minDecided: e.GATEHOUSE_AUTO_DECIDE_MIN_ITEMS, minAgreement: e.GATEHOUSE_AUTO_DECIDE_MIN_AGREEMENT };
}

export type ShadowAgreement = {
  /** Campaign the figures come from. */
  campaignId: string;
  campaignName: string;
  /** A shadow period was recorded for that campaign. */
  hadShadow: boolean;
  /** Items the system would have kept. */
  shadowItems: number;
  /** Of those, decided by a person. */
  decided: number;
  kept: number;
  /** kept / decided, null before any human decision. */
  agreement: number | null;
};

export const pct = (x: number | null) => (x === null ? "n/a" : `${(Math.round(x * 1000) / 10).toFixed(1)}%`);

/** Shadow figures of one campaign (from its shadow audit events and the items' current decisions). */
export async function shadowAgreement(db: Queryable, campaign: { id: string; name: string }): Promise<ShadowAgreement> {
  const events = await db
    .select({ data: auditEvents.data })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, SHADOW_ACTION), eq(auditEvents.targetKind, "review_campaign"), eq(auditEvents.targetId, campaign.id)));
  const ids = new Set<string>();
  for (const e of events) for (const id of ((e.data as { itemIds?: string[] })?.itemIds ?? [])) ids.add(id);
  let decided = 0;
  let kept = 0;
  const list = [...ids];
  for (let i = 0; i < list.length; i += 1000) {
    const rows = await db
      .select({ decision: reviewItems.decision, decidedById: reviewItems.decidedById })
      .from(reviewItems)
      .where(and(eq(reviewItems.campaignId, campaign.id), inArray(reviewItems.id, list.slice(i, i + 1000))));
    for (const r of rows) {
      if (!r.decision || !r.decidedById) continue;
      decided += 1;
      if (r.decision === "keep") kept += 1;
    }
  }
  return { campaignId: campaign.id, campaignName: campaign.name, hadShadow: events.length > 0, shadowItems: ids.size, decided, kept, agreement: decided ? kept / decided : null };
}

/** Record the shadow prediction for a campaign: its undecided first-stage no_action items. */
export async function recordShadow(db: Queryable, campaignId: string, actorId: string | null): Promise<number> {
  const rows = await db
    .select({ id: reviewItems.id })
    .from(reviewItems)
    .where(and(eq(reviewItems.campaignId, campaignId), eq(reviewItems.recommendation, "no_action"), eq(reviewItems.stage, "first"), isNull(reviewItems.decision)));
  await recordAudit(db, {
    actorId, actorKind: actorId ? "person" : "system", action: SHADOW_ACTION, targetKind: "review_campaign", targetId: campaignId,
    data: { campaignId, wouldDecide: "keep", rule: "recommendation no_action", items: rows.length, itemIds: rows.map((r) => r.id) },
  });
  return rows.length;
}

const canonicalScope = (s: unknown): string => JSON.stringify(s ?? {}, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : Array.isArray(v) ? [...v].sort() : v));

/** Where the evidence for switching a campaign on comes from: itself, or for a draft the last closed same-scope campaign with a shadow period. */
export async function autoDecideEvidence(db: Queryable, c: ReviewCampaign): Promise<ShadowAgreement> {
  const own = await shadowAgreement(db, c);
  if (own.hadShadow || c.status !== "draft") return own;
  const closed = await db
    .select()
    .from(reviewCampaigns)
    .where(and(eq(reviewCampaigns.status, "closed"), sql`${reviewCampaigns.id} <> ${c.id}`))
    .orderBy(desc(reviewCampaigns.closedAt));
  const key = canonicalScope(c.scope);
  for (const p of closed) {
    if (canonicalScope(p.scope) !== key) continue;
    const s = await shadowAgreement(db, p);
    if (s.hadShadow) return s;
  }
  return own;
}

export function autoComment(e: ShadowAgreement): string {
  return `auto-decided: no action needed (shadow agreement ${pct(e.agreement)} over ${e.decided} items)`;
}

/** Keep every undecided first-stage no_action item of an active "on" campaign (system decision, audited per item). */
export async function applyAutoDecisions(tx: Queryable, c: ReviewCampaign, evidence: ShadowAgreement, now: Date): Promise<number> {
  if (c.status !== "active" || c.autoDecide !== "on") return 0;
  const comment = autoComment(evidence);
  const done = await tx
    .update(reviewItems)
    .set({ decision: "keep", decidedById: null, decidedAt: now, comment })
    .where(and(eq(reviewItems.campaignId, c.id), eq(reviewItems.recommendation, "no_action"), eq(reviewItems.stage, "first"), isNull(reviewItems.decision)))
    .returning({
      id: reviewItems.id, grantId: reviewItems.grantId, personId: reviewItems.personId, entitlementId: reviewItems.entitlementId, reasons: reviewItems.reasons,
      stage: reviewItems.stage, recommendation: reviewItems.recommendation, stale: reviewItems.stale,
    });
  if (done.length === 0) return 0;
  // Privileged access kept still gets the security second look when the campaign asks for one.
  await addSecondStage(tx, c, done, null, now);
  await recordAudit(tx, done.map((d) => ({
    actorId: null, actorKind: "system" as const, action: "review.decided", targetKind: "review_item", targetId: d.id,
    data: {
      campaignId: c.id, decision: "keep", auto: true, comment, grantId: d.grantId, personId: d.personId, entitlementId: d.entitlementId,
      recommendation: "no_action", reasons: d.reasons, operationIds: [], evidence: { campaignId: evidence.campaignId, decided: evidence.decided, kept: evidence.kept, agreement: evidence.agreement },
    },
  })));
  return done.length;
}

/** After generation (create-campaign): record the shadow prediction, or auto-decide when on. */
export async function afterGeneration(db: Queryable, campaignId: string, now: Date): Promise<void> {
  const [c] = await db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
  if (!c || c.status !== "active" || c.autoDecide === "off") return;
  if (c.autoDecide === "shadow") {
    await db.transaction((tx) => recordShadow(tx, c.id, null).then(() => undefined));
    return;
  }
  const evidence = await autoDecideEvidence(db, { ...c, status: "draft" });
  await db.transaction((tx) => applyAutoDecisions(tx, c, evidence, now).then(() => undefined));
}

export const setAutoDecideInput = z.object({ campaignId: z.string().uuid(), mode: z.enum(["off", "shadow", "on"]) });

export type SetAutoDecideResult = { campaignId: string; mode: "off" | "shadow" | "on"; evidence: ShadowAgreement; autoDecided: number; shadowItems: number };

export async function setAutoDecide({ ctx, input: raw, now = new Date(), thresholds = defaultThresholds() }: { ctx: Ctx; input: unknown; now?: Date; thresholds?: AutoDecideThresholds }): Promise<SetAutoDecideResult> {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const p = setAutoDecideInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid auto-decision mode");
  const { campaignId, mode } = p.data;
  return ctx.db.transaction(async (tx) => {
    const [c] = await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId)).for("update");
    if (!c) throw new NotFoundError("No such campaign.");
    if (c.status === "closed" || c.status === "generating") throw new ConflictError(`Auto-decision cannot be changed while the campaign is ${c.status}.`);
    const evidence = await autoDecideEvidence(tx, c);
    if (mode === "on") {
      const ok = evidence.hadShadow && evidence.decided >= thresholds.minDecided && evidence.agreement !== null && evidence.agreement >= thresholds.minAgreement;
      if (!ok) {
        const measured = evidence.hadShadow
          ? `measured: ${evidence.decided} decided shadow items, agreement ${pct(evidence.agreement)}${evidence.campaignId !== c.id ? ` (campaign "${evidence.campaignName}")` : ""}`
          : "measured: no shadow period recorded for this campaign or a closed campaign with the same scope";
        throw new ConflictError(
          `Auto-decision needs a shadow period with at least ${thresholds.minDecided} decided no-action items and agreement of at least ${pct(thresholds.minAgreement)}; ${measured}.`,
        );
      }
    }
    await tx.update(reviewCampaigns).set({ autoDecide: mode }).where(eq(reviewCampaigns.id, c.id));
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "review.auto_decide_set", targetKind: "review_campaign", targetId: c.id,
      data: { from: c.autoDecide, to: mode, thresholds, evidence: { campaignId: evidence.campaignId, shadowItems: evidence.shadowItems, decided: evidence.decided, kept: evidence.kept, agreement: evidence.agreement } },
    });
    let shadowItems = 0;
    if (mode === "shadow" && c.status === "active" && c.autoDecide !== "shadow") shadowItems = await recordShadow(tx, c.id, ctx.actor.personId);
    const autoDecided = mode === "on" ? await applyAutoDecisions(tx, { ...c, autoDecide: "on" }, evidence, now) : 0;
    return { campaignId: c.id, mode, evidence, autoDecided, shadowItems };
  });
}

/** For the campaign page / API: mode and measured shadow agreement (admins and auditors). */
export async function getAutoDecideStatus({ ctx, input }: { ctx: Ctx; input: { campaignId: string } }) {
  if (!can(ctx.actor, "review.evidence") && !can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  const [c] = await ctx.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, id.data));
  if (!c) throw new NotFoundError("No such campaign.");
  const thresholds = defaultThresholds();
  const evidence = await autoDecideEvidence(ctx.db, c);
  const eligible = evidence.hadShadow && evidence.decided >= thresholds.minDecided && (evidence.agreement ?? 0) >= thresholds.minAgreement;
  return { campaignId: c.id, mode: c.autoDecide, thresholds, evidence, eligible };
}
