/**
 * createCampaign (draft) and launchCampaign (admin): launching records a `review.generate` job and generates the
 * items in the background with visible progress (jobs.done/total), then marks the campaign active.
 *
 * Generation (buildItems): one bulk load of the scope's grants and of the organisation (people, active grants,
 * birthright rules and role contents, SoD policies, application owners), then pure work in memory: peer shares
 * from findOutliers (every held entitlement reported with its peer share), current roles from resolveRoles, SoD
 * sides, triage, reviewer resolution; items inserted in batches of 1,000 with a progress update per batch.
 * O(people × rules + grants); no per-item query.
 *
 * Reviewer resolution: manager → the person's manager; app_owner → the application's first owner;
 * entitlement_owner → the entitlement owner, else the application owner; group → one member of the reviewer
 * group, chosen by a stable hash of the person; a manager's team review (scope.team) → that manager, for every item
 * (team-review.ts). Nobody reviews their own access: such items (and items with no
 * resolvable reviewer) go to the reviewer's manager, else to the campaign's creator.
 * Orphan accounts (accounts that match no person) of the covered applications become application-owner items of
 * their own (orphans.ts) when the campaign is an application-owner one or its scope says `orphanAccounts`.
 */
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { insertItemsJson, organisationFacts, scopeGrants } from "@/db/queries/reviews";
import { jobs, orphanReviewItems, reviewCampaigns, reviewItems, type CampaignScope, type ReviewCampaign } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { findOutliers } from "@/lib/domain/mining/peers";
import { resolveRoles } from "@/lib/domain/policy";
import { idpGroupsOfPeople } from "@/db/queries/idp-groups";
import { triageItem, type TriageFacts } from "@/lib/domain/review-triage";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { dayOrDateTime, isoDate, text } from "@/lib/validation";
import { afterGeneration } from "./auto-decide";
import { buildOrphanItems, insertOrphanItems } from "./orphans";

const uuids = z.array(z.string().uuid()).max(5000).optional();
export const createCampaignInput = z.object({
  name: text(200).trim().min(3, "Give the campaign a name"),
  scope: z
    .object({
      applicationIds: uuids,
      entitlementIds: uuids,
      departments: z.array(z.string().trim().min(1)).max(200).optional(),
      /** IdP groups (inbound SCIM /Groups) by id or displayName: only their members' access is reviewed. */
      idpGroups: z.array(z.string().trim().min(1).max(300)).max(200).optional(),
      privilegedOnly: z.boolean().optional(),
      changedSince: isoDate.optional(),
      /** Open orphan accounts of the covered applications as application-owner items (default: app_owner campaigns only). */
      orphanAccounts: z.boolean().optional(),
    })
    .default({}),
  reviewerKind: z.enum(["manager", "app_owner", "entitlement_owner", "group"]).default("manager"),
  reviewerGroup: z.array(z.string().uuid()).max(200).optional(),
  /** A day (due at its end, UTC) or a date-time; impossible dates (2026-02-30) are refused, never rolled over. */
  dueAt: dayOrDateTime(),
  defaultDecision: z.enum(["keep", "revoke", "recommendation"]).default("keep"),
  /** quarterly: closing the campaign creates the next one (same scope, dates + 3 months). */
  recurrence: z.enum(["none", "quarterly"]).default("none"),
  /** security: privileged access a first-stage reviewer keeps goes to a security person for a second look. */
  secondStage: z.enum(["none", "security"]).default("none"),
});

export type CampaignInput = z.infer<typeof createCampaignInput>;

/** Parse and check a campaign's settings (the due date against the context's clock); no permission check. */
export function parseCampaignInput(ctx: Ctx, raw: unknown): CampaignInput {
  const p = createCampaignInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid campaign", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  const input = p.data;
  if (input.dueAt.getTime() <= nowOf(ctx).getTime()) throw new ValidationError("The due date must be in the future.", { dueAt: "Must be in the future" });
  if (input.reviewerKind === "group" && !input.reviewerGroup?.length) throw new ValidationError("Name at least one reviewer for a group review", { reviewerGroup: "Required" });
  return input;
}

/**
 * The draft row and its audit entry, in the caller's transaction. Callers check permission (and, for a team
 * review, ownership) before; `scope` may carry what only the server sets (scope.team).
 */
export async function insertCampaign(tx: Queryable, actorId: string, input: CampaignInput & { scope: CampaignScope }, auditData: Record<string, unknown> = {}): Promise<ReviewCampaign> {
  const [c] = await tx
    .insert(reviewCampaigns)
    .values({ name: input.name, scope: input.scope, reviewerKind: input.reviewerKind, reviewerGroup: input.reviewerGroup ?? null, dueAt: input.dueAt, defaultDecision: input.defaultDecision, recurrence: input.recurrence, secondStage: input.secondStage, createdById: actorId })
    .returning();
  await recordAudit(tx, { actorId, actorKind: "person", action: "review.campaign_created", targetKind: "review_campaign", targetId: c!.id, data: { ...input, dueAt: input.dueAt.toISOString(), ...auditData } });
  return c!;
}

export async function createCampaign({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<ReviewCampaign> {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const input = parseCampaignInput(ctx, raw);
  return ctx.db.transaction((tx) => insertCampaign(tx, ctx.actor.personId, input));
}

/**
 * Launch: draft → generating, with a job. Returns at once; `done` settles when generation ends (route handlers
 * do not await it; tests and the CLI do).
 */
export async function launchCampaign({ ctx, input, now = new Date() }: { ctx: Ctx; input: { campaignId: string }; now?: Date }) {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  return startGeneration(ctx.db, ctx.actor.personId, id.data, now);
}

/** draft → generating with its job (audited), then generation in the background. Callers check permission first. */
export async function startGeneration(db: Queryable, actorId: string, campaignId: string, now: Date) {
  const jobId = await db.transaction(async (tx) => {
    const [c] = await tx.update(reviewCampaigns).set({ status: "generating", startsAt: now }).where(and(eq(reviewCampaigns.id, campaignId), eq(reviewCampaigns.status, "draft"))).returning();
    if (!c) throw new ConflictError("Only a draft campaign can be launched.");
    const [j] = await tx.insert(jobs).values({ kind: "review.generate", status: "running", input: { campaignId: c.id }, createdById: actorId, startedAt: now, message: "Loading access in scope" }).returning({ id: jobs.id });
    await recordAudit(tx, { actorId, actorKind: "person", action: "review.campaign_launched", targetKind: "review_campaign", targetId: c.id, data: { jobId: j!.id } });
    return j!.id;
  });
  const done = generateCampaign(db, campaignId, jobId, now).catch(() => undefined);
  return { campaignId, jobId, done };
}

export type BuiltItem = typeof reviewItems.$inferInsert;

/** Triage and reviewer resolution for the campaign's scope (or for the given grants only, when editing). */
export async function buildItems(db: Queryable, c: ReviewCampaign, now: Date, grantIds?: string[]): Promise<BuiltItem[]> {
  const [scoped, org] = await Promise.all([scopeGrants(db, c.scope ?? {}, grantIds), organisationFacts(db)]);
  if (scoped.length === 0) return [];
  const personById = new Map(org.persons.map((p) => [p.id, p]));

  // Peer shares: every held entitlement reported as "unusual" (rareBelow > 1) carries its share among peers.
  const access = new Map<string, Set<string>>();
  for (const g of org.held) {
    let s = access.get(g.personId);
    if (!s) access.set(g.personId, (s = new Set()));
    s.add(g.entitlementId);
  }
  const inScope = new Set(scoped.map((g) => g.personId));
  const peerPeople = org.persons.filter((p) => p.status !== "terminated" || inScope.has(p.id));
  const shares = new Map<string, { share: Map<string, number>; size: number }>();
  for (const f of findOutliers(peerPeople, access, { rareBelow: 1.01, commonAbove: 2 })) {
    if (!inScope.has(f.person)) continue;
    shares.set(f.person, { share: new Map(f.unusual.map((u) => [u.entitlement, u.peerShare])), size: f.peerGroup.size });
  }

  // Current roles → entitlements they give.
  const roleEnts = new Map<string, string[]>();
  for (const r of org.roleEnts) roleEnts.set(r.roleId, [...(roleEnts.get(r.roleId) ?? []), r.entitlementId]);
  const given = new Map<string, Set<string>>();
  const groupsOf = await idpGroupsOfPeople(db, [...inScope]);
  for (const pid of inScope) {
    const p = personById.get(pid);
    if (!p) continue;
    const s = new Set<string>();
    for (const roleId of resolveRoles({ ...p, attributes: p.attributes ?? {}, idpGroups: groupsOf.get(pid) ?? [] }, org.rules).keys()) for (const e of roleEnts.get(roleId) ?? []) s.add(e);
    given.set(pid, s);
  }

  // SoD: for each person in scope, the policies both of whose sides they hold; each held side gets the name.
  const policies = new Map<string, { name: string; a: Set<string>; b: Set<string> }>();
  for (const r of org.sod) {
    let p = policies.get(r.policyId);
    if (!p) policies.set(r.policyId, (p = { name: r.name, a: new Set(), b: new Set() }));
    p[r.side].add(r.entitlementId);
  }
  const sodOf = (personId: string, entId: string): string[] => {
    const held = access.get(personId);
    if (!held || policies.size === 0) return [];
    const out: string[] = [];
    for (const p of policies.values()) {
      if (!p.a.has(entId) && !p.b.has(entId)) continue;
      const other = p.a.has(entId) ? p.b : p.a;
      for (const e of other) if (held.has(e)) { out.push(p.name); break; }
    }
    return out;
  };

  // Privilege accumulation: each person's privileged count and the median count of their department.
  const privHeld = new Map<string, number>();
  for (const g of org.held) if (g.privileged) privHeld.set(g.personId, (privHeld.get(g.personId) ?? 0) + 1);
  const deptCounts = new Map<string, number[]>();
  for (const p of peerPeople) {
    if (p.status === "terminated") continue;
    const k = p.department ?? "";
    let l = deptCounts.get(k);
    if (!l) deptCounts.set(k, (l = []));
    l.push(privHeld.get(p.id) ?? 0);
  }
  const deptMedian = new Map<string, number>();
  for (const [k, l] of deptCounts) {
    l.sort((a, b) => a - b);
    deptMedian.set(k, l.length ? l[Math.floor((l.length - 1) / 2)]! : 0);
  }

  // Reviewers.
  const appOwner = new Map<string, string>();
  for (const o of org.owners) if (!appOwner.has(o.applicationId)) appOwner.set(o.applicationId, o.personId);
  const group = c.reviewerGroup ?? [];
  const team = c.scope?.team;
  const pickGroup = (personId: string) => group[createHash("sha1").update(personId).digest().readUInt32BE(0) % group.length] ?? null;
  const reviewerFor = (g: (typeof scoped)[number]): string | null => {
    const p = personById.get(g.personId);
    let r: string | null = null;
    // A manager's team review: the manager reviews everything in it (the scope holds only people below them).
    if (team) r = team.managerId;
    // An agent's or service account's access is reviewed by its sponsor (its manager_id), whatever the campaign kind.
    else if (p && p.kind !== "human") r = p.managerId ?? null;
    else if (c.reviewerKind === "manager") r = p?.managerId ?? null;
    else if (c.reviewerKind === "app_owner") r = appOwner.get(g.applicationId) ?? null;
    else if (c.reviewerKind === "entitlement_owner") r = g.entitlementOwnerId ?? appOwner.get(g.applicationId) ?? null;
    else r = pickGroup(g.personId);
    if (r === g.personId) r = personById.get(r)?.managerId ?? null;
    if (!r || r === g.personId) r = c.createdById ?? null;
    return r;
  };

  const staleBySystem = new Map<string, string | null>();
  const out: BuiltItem[] = [];
  for (const g of scoped) {
    const p = personById.get(g.personId)!;
    const peer = shares.get(g.personId);
    const attrs = (p.attributes ?? {}) as Record<string, unknown>;
    const facts: TriageFacts = {
      person: {
        status: p.status, employmentType: p.employmentType, endDate: p.endDate, department: p.department,
        previousDepartment: typeof attrs.previousDepartment === "string" ? attrs.previousDepartment : null,
        movedAt: typeof attrs.movedAt === "string" ? attrs.movedAt : null,
      },
      grant: { source: g.source, grantedAt: g.grantedAt, lastUsedAt: g.lastUsedAt, approvedBy: g.source === "request" && g.grantedById ? (personById.get(g.grantedById)?.displayName ?? null) : null },
      entitlementName: g.entitlementName,
      privileged: g.privileged,
      givenByCurrentRole: given.get(g.personId)?.has(g.entitlementId) ?? false,
      peerShare: peer && peer.size > 0 ? (peer.share.get(g.entitlementId) ?? 0) : null,
      peerCount: peer?.size ?? 0,
      sodConflicts: sodOf(g.personId, g.entitlementId),
      system: { name: g.applicationName, lastReconciledAt: g.lastReconciledAt },
      privilegedHeld: privHeld.get(g.personId) ?? 0,
      peerPrivilegedMedian: deptMedian.get(p.department ?? "") ?? null,
      peerGroupName: p.department ?? null,
    };
    const t = triageItem(facts, { now });
    if (!staleBySystem.has(g.applicationId)) staleBySystem.set(g.applicationId, t.stale);
    out.push({
      campaignId: c.id, grantId: g.grantId, personId: g.personId, entitlementId: g.entitlementId, reviewerId: reviewerFor(g),
      recommendation: t.recommendation, reasons: t.reasons, stale: t.stale,
    });
  }
  return out;
}

// One JSON parameter per batch (see insertItemsJson); batches keep progress visible and statements small.
const BATCH = 5000;

/** Generate a launched campaign's items with progress; on failure the items are removed and the campaign returns to draft. */
export async function generateCampaign(db: Queryable, campaignId: string, jobId: string, now = new Date()): Promise<{ items: number }> {
  const [c] = await db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
  // Checked before the try: a campaign that is not generating must never lose its items to the cleanup below.
  if (!c || c.status !== "generating") {
    await db.update(jobs).set({ status: "failed", finishedAt: new Date(), error: "Campaign is not being generated." }).where(eq(jobs.id, jobId));
    throw new ConflictError("Campaign is not being generated.");
  }
  try {
    const t0 = performance.now();
    const [items, orphans] = await Promise.all([buildItems(db, c, now), buildOrphanItems(db, c)]);
    const buildSeconds = (performance.now() - t0) / 1000;
    const total = items.length + orphans.length;
    await db.update(jobs).set({ total, message: `Creating ${total} review items` }).where(eq(jobs.id, jobId));
    for (let i = 0; i < items.length; i += BATCH) {
      const chunk = items.slice(i, i + BATCH);
      await insertItemsJson(db, chunk);
      await db.update(jobs).set({ done: i + chunk.length }).where(eq(jobs.id, jobId));
    }
    if (orphans.length) {
      await insertOrphanItems(db, orphans);
      await db.update(jobs).set({ done: total }).where(eq(jobs.id, jobId));
    }
    const insertSeconds = (performance.now() - t0) / 1000 - buildSeconds;
    const counts = { no_action: 0, review: 0, remove: 0 };
    for (const it of items) counts[it.recommendation!] += 1;
    await db.transaction(async (tx) => {
      await tx.update(reviewCampaigns).set({ status: "active" }).where(eq(reviewCampaigns.id, campaignId));
      await tx.update(jobs).set({ status: "succeeded", finishedAt: new Date(), message: `${total} items ready`, result: { items: items.length, orphanAccounts: orphans.length, ...counts, buildSeconds: Math.round(buildSeconds * 100) / 100, insertSeconds: Math.round(insertSeconds * 100) / 100 } }).where(eq(jobs.id, jobId));
      await recordAudit(tx, { actorKind: "system", action: "review.campaign_generated", targetKind: "review_campaign", targetId: campaignId, data: { jobId, items: items.length, orphanAccounts: orphans.length, ...counts } });
    });
    // Auto-decision: shadow → record what would be kept; on → keep the no_action items now (lib/services/reviews/auto-decide).
    if (c.autoDecide !== "off") await afterGeneration(db, campaignId, now);
    return { items: items.length };
  } catch (err) {
    await db.delete(reviewItems).where(eq(reviewItems.campaignId, campaignId));
    await db.delete(orphanReviewItems).where(eq(orphanReviewItems.campaignId, campaignId));
    await db.update(reviewCampaigns).set({ status: "draft" }).where(and(eq(reviewCampaigns.id, campaignId), eq(reviewCampaigns.status, "generating")));
    await db.update(jobs).set({ status: "failed", finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) }).where(eq(jobs.id, jobId));
    throw err;
  }
}
