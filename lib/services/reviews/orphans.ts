/**
 * Orphan accounts under review (issue 10, item 7): an account in a connected system that matches no person (an open
 * orphan_account drift finding) becomes an item of an application-owner review.
 *
 * buildOrphanItems: the campaign's covered applications (scope.applicationIds, else all) when the campaign is an
 * application-owner one or its scope asks for orphan accounts (scope.orphanAccounts); reviewer = the application's
 * first owner (the same owner the grant items of an app_owner campaign get), else the campaign's creator when an
 * admin, else the first admin. Pure reads; the caller inserts (generation) or counts (the preview).
 *
 * decideOrphan (only the item's reviewer, or an admin): one of
 *   link     the account becomes the chosen person's account (reconciliation would have linked it by email); its
 *            memberships become adopted grants (discover.ts adoptMemberships, the same path as reconcile); the
 *            finding is resolved. Refused for a person who left or already has a live account there, and for the
 *            decider themselves (nobody gives themselves an account's access).
 *   keep     kept as a service account: an owner (an active person) and an expiry (at most a year) stored on the
 *            account; the finding is accepted as an exception until the expiry, so reconciliation reports it again
 *            (open) once the expiry has passed and the next campaign reviews it again.
 *   disable  a disable operation is planned in the outbox (plan.ts planAccountDisable) and executed by the worker
 *            through the connector; never a direct call. Reconciliation then sees the account disabled and
 *            resolves the finding.
 * Every decision writes one audit event (review.orphan_decided, target orphan_review_item) in the same transaction;
 * the evidence export cites its seq and hash. While the campaign is open a keep can be changed, and a disable as long
 * as its operation has not started (it is cancelled); a link is final (review.orphan_decision_changed records the
 * previous decision). Closing the campaign applies no default to orphan items: nothing is disabled that nobody
 * decided to disable.
 */
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { adminIds, openOrphanAccounts, orphanItemsOf } from "@/db/queries/reviews";
import { accounts, applicationOwners, applications, driftFindings, operations, orphanReviewItems, people, reviewCampaigns, type ReviewCampaign } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can, has } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { nowOf, type Ctx } from "@/lib/services/context";
import { adoptMemberships } from "@/lib/services/provisioning/discover";
import { planAccountDisable } from "@/lib/services/provisioning/plan";
import { text } from "@/lib/validation";

const DAY = 86_400_000;
/** A service account is kept for at most a year, like an agent (agents.ts AGENT_MAX_DAYS). */
export const SERVICE_ACCOUNT_MAX_DAYS = 365;

export type BuiltOrphanItem = typeof orphanReviewItems.$inferInsert & { applicationId: string; reviewerId: string | null };

/** Whether a campaign reviews orphan accounts (see the file comment). */
export const coversOrphans = (c: Pick<ReviewCampaign, "reviewerKind" | "scope">) =>
  c.scope?.orphanAccounts ?? c.reviewerKind === "app_owner";

const day = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : "?");

export async function buildOrphanItems(db: Queryable, c: Pick<ReviewCampaign, "id" | "reviewerKind" | "scope" | "createdById">): Promise<BuiltOrphanItem[]> {
  if (!coversOrphans(c)) return [];
  const found = await openOrphanAccounts(db, c.scope?.applicationIds);
  if (found.length === 0) return [];
  const appIds = [...new Set(found.map((f) => f.applicationId))];
  const [owners, admins] = await Promise.all([
    db.select().from(applicationOwners).where(inArray(applicationOwners.applicationId, appIds)).orderBy(applicationOwners.personId),
    adminIds(db),
  ]);
  const ownerOf = new Map<string, string>();
  for (const o of owners) if (!ownerOf.has(o.applicationId)) ownerOf.set(o.applicationId, o.personId);
  const fallback = c.createdById && admins.includes(c.createdById) ? c.createdById : (admins[0] ?? c.createdById ?? null);
  return found.map((f) => ({
    campaignId: c.id,
    accountId: f.accountId,
    applicationId: f.applicationId,
    findingId: f.findingId,
    reviewerId: ownerOf.get(f.applicationId) ?? fallback,
    reasons: [
      `Account ${f.userName} in ${f.applicationName} matches no person (no HR record with its email)`,
      `Active in the system; found by reconciliation on ${day(f.firstSeenAt)}`,
      f.groups.length ? `Member of ${f.groups.join(", ")}` : "Holds no group or role in the system",
      ...(f.lastLoginAt ? [`Last login ${day(f.lastLoginAt)}`] : []),
      ...(ownerOf.has(f.applicationId) ? [] : ["The application has no owner: an administrator reviews it"]),
    ],
  }));
}

/** Insert generated orphan items (generation, after the grant items). */
export async function insertOrphanItems(db: Queryable, rows: BuiltOrphanItem[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(orphanReviewItems).values(rows.slice(i, i + 1000)).onConflictDoNothing();
}

export type OrphanView = {
  id: string; applicationName: string; userName: string; reasons: string[];
  decision: "link" | "keep" | "disable" | null; decidedAt: string | null; comment: string | null;
  /** What the decision did, in words (linked to …, owned by … until …, disable operation …). */
  outcome: string | null;
  operation: { id: string; status: string; finishedAt: string | null } | null;
};

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The outcome sentence of a decided orphan item (review page, evidence). */
export function orphanOutcome(r: { item: { decision: string | null; keepUntil: Date | null }; linkedName: string | null; ownerName: string | null; operation: { id: string | null; status: string | null } | null }): string | null {
  const i = r.item;
  if (i.decision === "link") return `Linked to ${r.linkedName ?? "a person"}; its memberships are now that person's adopted access`;
  if (i.decision === "keep") return `Kept as a service account owned by ${r.ownerName ?? "?"} until ${day(i.keepUntil)}`;
  if (i.decision === "disable") return `Disable planned${r.operation?.id ? ` (operation ${r.operation.status})` : ""}`;
  return null;
}

/** The signed-in reviewer's orphan items of one campaign (reviewer_id = actor in SQL). */
export async function reviewerOrphans(db: Queryable, campaignId: string, reviewerId: string): Promise<OrphanView[]> {
  const rows = await orphanItemsOf(db, campaignId, reviewerId);
  return rows.map((r) => ({
    id: r.item.id, applicationName: r.applicationName, userName: r.userName, reasons: r.item.reasons ?? [], decision: r.item.decision, decidedAt: iso(r.item.decidedAt),
    comment: r.item.comment, outcome: orphanOutcome(r),
    operation: r.operation?.id ? { id: r.operation.id, status: r.operation.status!, finishedAt: iso(r.operation.finishedAt) } : null,
  }));
}

/** The actor's orphan items of one campaign (GET /api/v1/reviews/:id/orphans; the board polls it): ownership in SQL. */
export async function myOrphanItems({ ctx, input }: { ctx: Ctx; input: { campaignId: string } }): Promise<OrphanView[]> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  return reviewerOrphans(ctx.db, id.data, ctx.actor.personId);
}

const who = z.object({ personId: z.string().uuid().optional(), personEmail: z.string().trim().email("Give the person's email").max(320).optional() });
const comment = text(2000).trim().optional().transform((v) => v || undefined);
const base = { itemId: z.string().uuid(), campaignId: z.string().uuid().optional(), comment };
export const decideOrphanInput = z.discriminatedUnion("decision", [
  z.object({ ...base, decision: z.literal("link"), person: who }),
  z.object({
    ...base,
    decision: z.literal("keep"),
    owner: who,
    /** YYYY-MM-DD (end of that day, UTC) or an ISO date-time. */
    until: z.string().trim().min(1, "Give an expiry date").max(40),
  }),
  z.object({ ...base, decision: z.literal("disable") }),
]);
export type DecideOrphanInput = z.infer<typeof decideOrphanInput>;

export type DecideOrphanResult = { itemId: string; decision: "link" | "keep" | "disable"; operationId?: string; adopted?: number; personId?: string; ownerId?: string; until?: string };

function parseUntil(raw: string, now: Date): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T23:59:59Z`) : new Date(raw);
  if (Number.isNaN(d.getTime())) throw new ValidationError("The expiry must be a date (YYYY-MM-DD).", { until: "Not a date" });
  if (d.getTime() <= now.getTime()) throw new ValidationError("The expiry must be in the future.", { until: "In the past" });
  if (d.getTime() > now.getTime() + SERVICE_ACCOUNT_MAX_DAYS * DAY + DAY)
    throw new ValidationError(`A service account is kept for at most a year (${SERVICE_ACCOUNT_MAX_DAYS} days).`, { until: "More than a year away" });
  return d;
}

async function personOf(tx: Queryable, w: { personId?: string; personEmail?: string }, field: string) {
  if (!w.personId && !w.personEmail) throw new ValidationError("Choose a person.", { [field]: "Required" });
  const [p] = await tx
    .select({ id: people.id, name: people.displayName, email: people.email, status: people.status, kind: people.kind })
    .from(people)
    .where(w.personId ? eq(people.id, w.personId) : sql`lower(${people.email}) = lower(${w.personEmail!})`);
  if (!p) throw new ValidationError("Nobody with that email or id is known.", { [field]: "Unknown person" });
  return p;
}

export async function decideOrphan({ ctx, input: raw, now: nowIn }: { ctx: Ctx; input: unknown; now?: Date }): Promise<DecideOrphanResult> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const p = decideOrphanInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid decision", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  const input = p.data;
  const now = nowIn ?? nowOf(ctx);
  const r = await ctx.db.transaction((tx) => decideInTx({ ...ctx, db: tx }, input, now));
  if (r.operationId) wakeDispatcher();
  return r;
}

async function decideInTx(ctx: Ctx, input: DecideOrphanInput, now: Date): Promise<DecideOrphanResult> {
  const tx = ctx.db;
  const actorId = ctx.actor.personId;
  const admin = has(ctx.actor, "admin") && !ctx.actor.agent;
  // Ownership in SQL: the assigned reviewer, or an administrator; anyone else finds nothing.
  const [row] = await tx
    .select({ item: orphanReviewItems, campaign: { id: reviewCampaigns.id, name: reviewCampaigns.name, status: reviewCampaigns.status } })
    .from(orphanReviewItems)
    .innerJoin(reviewCampaigns, eq(reviewCampaigns.id, orphanReviewItems.campaignId))
    .where(and(eq(orphanReviewItems.id, input.itemId), input.campaignId ? eq(orphanReviewItems.campaignId, input.campaignId) : undefined, admin ? undefined : eq(orphanReviewItems.reviewerId, actorId)))
    .for("update");
  if (!row) throw new NotFoundError("No such review item is waiting for you.");
  const { item, campaign } = row;
  if (ctx.actor.agent) throw new ForbiddenError("An agent does not decide orphan accounts.");
  if (campaign.status !== "active") throw new ConflictError("This campaign is not open for decisions.");
  if (item.decision === input.decision && input.decision !== "keep") throw new ConflictError(`Already decided (${item.decision}).`);
  const [acc] = await tx.select().from(accounts).where(eq(accounts.id, item.accountId)).for("update");
  const [app] = await tx.select().from(applications).where(eq(applications.id, item.applicationId));
  if (!acc || !app) throw new NotFoundError("The account no longer exists.");
  // A decision can be changed while the campaign is open, as far as it can be undone (see undoOrphanDecision).
  const previous = item.decision ? await undoOrphanDecision(tx, { ...item, decision: item.decision }, acc, app.name, actorId, now) : null;
  if (acc.personId) throw new ConflictError(`Account ${acc.username} has been linked to a person since the review started; nothing to decide.`);
  if (acc.status !== "active") throw new ConflictError(`Account ${acc.username} is ${acc.status} in ${app.name} now; nothing to decide.`);
  const why = input.comment ? `: ${input.comment}` : "";
  const out: DecideOrphanResult = { itemId: item.id, decision: input.decision };
  const set: Partial<typeof orphanReviewItems.$inferInsert> = {
    decision: input.decision, decidedById: actorId, decidedAt: now, comment: input.comment ?? null, ownerId: null, keepUntil: null, operationId: null, linkedPersonId: null,
  };
  const detail: Record<string, unknown> = {};

  if (input.decision === "link") {
    const person = await personOf(tx, input.person, "person");
    if (person.id === actorId) throw new ForbiddenError("Nobody links an account to themselves: another owner or an administrator decides this one.");
    if (person.status === "terminated") throw new ConflictError(`${person.name} has left; disable the account instead.`);
    const [other] = await tx
      .select({ username: accounts.username })
      .from(accounts)
      .where(and(eq(accounts.applicationId, app.id), eq(accounts.personId, person.id), ne(accounts.status, "deleted")));
    if (other) throw new ConflictError(`${person.name} already has the account ${other.username} in ${app.name}; keep one account per person (disable this one instead).`);
    await tx.update(accounts).set({ personId: person.id, reconState: "matched", serviceOwnerId: null, serviceUntil: null, updatedAt: now }).where(eq(accounts.id, acc.id));
    const adoption = await adoptMemberships(tx, app, { firstSync: false, linkedAccountIds: [acc.id], newEntitlementIds: [] }, now);
    if (item.findingId) await tx.update(driftFindings).set({ status: "resolved", resolvedAt: now }).where(and(eq(driftFindings.id, item.findingId), ne(driftFindings.status, "resolved")));
    set.linkedPersonId = person.id;
    Object.assign(out, { personId: person.id, adopted: adoption.adopted });
    Object.assign(detail, { personId: person.id, personName: person.name, adoptedGrants: adoption.adopted });
  } else if (input.decision === "keep") {
    const owner = await personOf(tx, input.owner, "owner");
    if (owner.status === "terminated" || owner.kind !== "human") throw new ValidationError("The owner must be a person who works here.", { owner: "Not an active person" });
    const until = parseUntil(input.until, now);
    await tx.update(accounts).set({ serviceOwnerId: owner.id, serviceUntil: until, updatedAt: now }).where(eq(accounts.id, acc.id));
    const reason = `Kept as a service account by the access review "${campaign.name}", owned by ${owner.name} until ${day(until)}${why}`;
    if (item.findingId) {
      const [f] = await tx.select().from(driftFindings).where(eq(driftFindings.id, item.findingId));
      if (f && f.status !== "resolved") {
        await tx.update(driftFindings).set({ status: "accepted", acceptedById: actorId, acceptedReason: reason.slice(0, 500), acceptedUntil: until }).where(eq(driftFindings.id, f.id));
        await recordAudit(tx, {
          actorId, actorKind: "person", action: "drift.accepted", targetKind: "application", targetId: app.id,
          data: { findingId: f.id, kind: f.kind, detail: f.detail, reason, until: until.toISOString(), previous: f.status, previousUntil: f.acceptedUntil?.toISOString() ?? null, reviewItemId: item.id },
        });
      }
    }
    set.ownerId = owner.id;
    set.keepUntil = until;
    Object.assign(out, { ownerId: owner.id, until: until.toISOString() });
    Object.assign(detail, { ownerId: owner.id, ownerName: owner.name, until: until.toISOString() });
  } else {
    if (!app.enabled) throw new ConflictError(`${app.name} is disabled in Gatehouse: nothing can be planned for it.`);
    const planned = await planAccountDisable(tx, { id: acc.id, applicationId: app.id, username: acc.username }, { kind: "review", id: item.id, actorId },
      `Orphan account disabled by the access review "${campaign.name}"${why}`, now);
    set.operationId = planned.operationId;
    out.operationId = planned.operationId;
    Object.assign(detail, { operationId: planned.operationId });
  }
  await tx.update(orphanReviewItems).set(set).where(eq(orphanReviewItems.id, item.id));
  await recordAudit(tx, {
    actorId, actorKind: "person", action: previous ? "review.orphan_decision_changed" : "review.orphan_decided", targetKind: "orphan_review_item", targetId: item.id,
    data: {
      campaignId: campaign.id, decision: input.decision, ...(previous ? { previous } : {}), comment: input.comment ?? null, accountId: acc.id, userName: acc.username, application: app.key,
      findingId: item.findingId, reviewerId: item.reviewerId, asAdmin: item.reviewerId !== actorId, reasons: item.reasons, ...detail,
    },
  });
  return out;
}

/**
 * Undo of an orphan decision, so that another can be taken while the campaign is open:
 * - keep: the account is no longer a service account, and the finding the keep accepted is open again;
 * - disable: the planned operation is cancelled, as long as no worker has started it (once it runs or ran, the account
 *   is being or has been disabled in the system: refused, the item says so);
 * - link: refused; the account is the person's and its memberships became their adopted access, which is reviewed as
 *   theirs (removing it here would take access from someone nobody decided about).
 * Returns what was undone, for the audit event.
 */
async function undoOrphanDecision(
  tx: Queryable,
  item: { id: string; decision: "link" | "keep" | "disable"; findingId: string | null; operationId: string | null; ownerId: string | null; keepUntil: Date | null; comment: string | null },
  acc: { id: string; username: string },
  appName: string,
  actorId: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const was = { decision: item.decision, comment: item.comment };
  if (item.decision === "link")
    throw new ConflictError(`${acc.username} was linked to a person: its memberships are that person's access now and are reviewed as theirs; the link cannot be changed here.`);
  if (item.decision === "disable") {
    if (item.operationId) {
      const cancelled = await tx
        .update(operations)
        .set({ status: "cancelled", finishedAt: now, lastError: "Cancelled: the reviewer changed the decision" })
        .where(and(eq(operations.id, item.operationId), inArray(operations.status, ["pending", "queued", "failed"])))
        .returning({ id: operations.id });
      if (cancelled.length === 0) throw new ConflictError(`The disable of ${acc.username} in ${appName} has already started or run; the decision can no longer be changed.`);
      await recordAudit(tx, {
        actorId, actorKind: "person", action: "provisioning.cancelled", targetKind: "account", targetId: acc.id,
        data: { operationId: item.operationId, reason: "orphan review decision changed", reviewItemId: item.id },
      });
    }
    return { ...was, operationId: item.operationId };
  }
  await tx.update(accounts).set({ serviceOwnerId: null, serviceUntil: null, updatedAt: now }).where(eq(accounts.id, acc.id));
  if (item.findingId)
    await tx
      .update(driftFindings)
      .set({ status: "open", acceptedById: null, acceptedReason: null, acceptedUntil: null })
      .where(and(eq(driftFindings.id, item.findingId), eq(driftFindings.status, "accepted")));
  return { ...was, ownerId: item.ownerId, until: item.keepUntil?.toISOString() ?? null };
}

/**
 * People a reviewer may pick as the account's person or owner: active people matching `q` (name or email), at most
 * 10. Only for someone with an orphan item in the campaign, or an admin (an application owner cannot list people
 * otherwise).
 */
export async function orphanPeopleSearch({ ctx, input }: { ctx: Ctx; input: { campaignId: string; q: string } }) {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  const q = text(100).trim().safeParse(input.q ?? "");
  if (!id.success) throw new NotFoundError("No such campaign.");
  if (!q.success) throw new ValidationError("Search with at most 100 characters.");
  if (!has(ctx.actor, "admin")) {
    const [mine] = await ctx.db.select({ id: orphanReviewItems.id }).from(orphanReviewItems).where(and(eq(orphanReviewItems.campaignId, id.data), eq(orphanReviewItems.reviewerId, ctx.actor.personId))).limit(1);
    if (!mine) throw new NotFoundError("No such review item is waiting for you.");
  }
  if (q.data.length < 2) return [];
  const like = `%${q.data.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return ctx.db
    .select({ id: people.id, name: people.displayName, email: people.email, department: people.department })
    .from(people)
    .where(and(ne(people.status, "terminated"), sql`(lower(${people.displayName}) LIKE ${like} OR lower(${people.email}) LIKE ${like})`))
    .orderBy(people.displayName)
    .limit(10);
}
