/**
 * Reads of the paged review board (one reviewer, one campaign). Every query carries `campaign_id = … AND
 * reviewer_id = actor` in its WHERE clause (index review_items_campaign_reviewer_idx), so a reviewer only ever
 * counts, filters and pages through their own items. Filters (status, recommendation, application, person, text)
 * narrow that set in SQL; counts are aggregates over the whole set, never over a page.
 *
 * Order of the board (stable: a decision never moves an item): people whose matching items include a removal
 * recommendation first, then reviews, then the rest (rank = min over the person's matching items), by name; inside
 * a person removals, reviews, no action, by application and entitlement. A person's items stay together, a page
 * boundary may split them (the page repeats the person's header and summary).
 */
import { and, asc, count, eq, inArray, isNotNull, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { reviewerItems } from "./reviews";
import { applications, entitlements, people, reviewItems } from "@/db/schema";
import type { BoardRec, BoardStatus } from "@/lib/domain/review-board-query";

export type BoardFilter = { status: BoardStatus; rec: BoardRec; applicationId?: string; personId?: string; q?: string };

const rank = sql<number>`(CASE ${reviewItems.recommendation} WHEN 'remove' THEN 0 WHEN 'review' THEN 1 ELSE 2 END)`;

/** `q` as an ILIKE pattern that matches it literally anywhere (%, _ and \ escaped). */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function mine(campaignId: string, reviewerId: string): SQL {
  return and(eq(reviewItems.campaignId, campaignId), eq(reviewItems.reviewerId, reviewerId))!;
}

/** The filter's conditions (beyond ownership); the query must join people, entitlements and applications. */
function filterConditions(f: BoardFilter): SQL[] {
  const w: SQL[] = [];
  if (f.status === "open") w.push(isNull(reviewItems.decision));
  if (f.status === "decided") w.push(isNotNull(reviewItems.decision));
  if (f.rec === "flagged") w.push(ne(reviewItems.recommendation, "no_action"));
  else if (f.rec !== "all") w.push(eq(reviewItems.recommendation, f.rec));
  if (f.applicationId) w.push(eq(entitlements.applicationId, f.applicationId));
  if (f.personId) w.push(eq(reviewItems.personId, f.personId));
  if (f.q) {
    const p = likePattern(f.q);
    w.push(sql`(${people.displayName} ILIKE ${p} OR ${people.email} ILIKE ${p} OR ${applications.name} ILIKE ${p} OR ${entitlements.name} ILIKE ${p})`);
  }
  return w;
}

const int = (x: unknown) => Number(x ?? 0);

/**
 * The reviewer's counts in the campaign (all their items, whatever the filter) and how many match the filter:
 * one aggregate query over the reviewer's items (joined to people, entitlements and applications only when the
 * filter needs them).
 */
export async function boardCounts(db: Queryable, campaignId: string, reviewerId: string, f: BoardFilter) {
  const cond = filterConditions(f);
  const matching = cond.length ? sql`count(*) FILTER (WHERE ${and(...cond)})` : sql`count(*)`;
  let q = db
    .select({
      total: count(),
      decided: count(reviewItems.decision),
      openNoAction: sql<number>`count(*) FILTER (WHERE ${reviewItems.recommendation} = 'no_action' AND ${reviewItems.decision} IS NULL)`,
      remove: sql<number>`count(*) FILTER (WHERE ${reviewItems.recommendation} = 'remove')`,
      review: sql<number>`count(*) FILTER (WHERE ${reviewItems.recommendation} = 'review')`,
      openFlagged: sql<number>`count(*) FILTER (WHERE ${reviewItems.recommendation} <> 'no_action' AND ${reviewItems.decision} IS NULL)`,
      matching: sql<number>`${matching}`,
    })
    .from(reviewItems)
    .$dynamic();
  if (f.q) q = q.innerJoin(people, eq(people.id, reviewItems.personId));
  if (f.q || f.applicationId) q = q.innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId));
  if (f.q) q = q.innerJoin(applications, eq(applications.id, entitlements.applicationId));
  const [r] = await q.where(mine(campaignId, reviewerId));
  const total = int(r?.total);
  const decided = int(r?.decided);
  const remove = int(r?.remove);
  const review = int(r?.review);
  return {
    total, decided, open: total - decided, openNoAction: int(r?.openNoAction), openFlagged: int(r?.openFlagged),
    remove, review, noAction: total - remove - review, flagged: remove + review, matching: int(r?.matching),
  };
}

/** The applications of the reviewer's items, with how many items each (and how many undecided), by name. */
export async function boardApplications(db: Queryable, campaignId: string, reviewerId: string) {
  const rows = await db
    .select({ id: applications.id, name: applications.name, total: count(), open: sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} IS NULL)` })
    .from(reviewItems)
    .innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(mine(campaignId, reviewerId))
    .groupBy(applications.id, applications.name)
    .orderBy(asc(applications.name), asc(applications.id));
  return rows.map((r) => ({ id: r.id, name: r.name, total: int(r.total), open: int(r.open) }));
}

/**
 * One page of the reviewer's matching items in board order, with the facts the board shows. Two steps: the page's
 * ids (ordering needs every matching row, so it reads only what the order needs), then the rows of those ids.
 */
export async function boardPage(db: Queryable, campaignId: string, reviewerId: string, f: BoardFilter, limit: number, offset: number) {
  const page = await db
    .select({ id: reviewItems.id })
    .from(reviewItems)
    .innerJoin(people, eq(people.id, reviewItems.personId))
    .innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(and(mine(campaignId, reviewerId), ...filterConditions(f)))
    .orderBy(
      sql`min(${rank}) OVER (PARTITION BY ${reviewItems.personId})`, asc(people.displayName), asc(reviewItems.personId),
      rank, asc(applications.name), asc(entitlements.name), asc(reviewItems.id),
    )
    .limit(limit)
    .offset(offset);
  if (page.length === 0) return [];
  const rows = await reviewerItems(db, campaignId, reviewerId, page.map((p) => p.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return page.flatMap((p) => byId.get(p.id) ?? []);
}

/**
 * Every item of the given people in the reviewer's campaign (not only the page's, not only the filter's), in the
 * shape the per-person summary needs: recommendation, decision, and the lead reason of removals.
 */
export async function personTallies(db: Queryable, campaignId: string, reviewerId: string, personIds: string[]) {
  if (personIds.length === 0) return [];
  return db
    .select({
      id: reviewItems.id, personId: reviewItems.personId, recommendation: reviewItems.recommendation, decision: reviewItems.decision,
      lead: sql<string | null>`CASE WHEN ${reviewItems.recommendation} = 'remove' THEN ${reviewItems.reasons}->>0 END`,
    })
    .from(reviewItems)
    .innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(and(mine(campaignId, reviewerId), inArray(reviewItems.personId, personIds)))
    .orderBy(asc(reviewItems.personId), asc(applications.name), asc(entitlements.name), asc(reviewItems.id));
}

/** The name of a person the reviewer has items about in the campaign (null for anyone else). */
export async function reviewedPersonName(db: Queryable, campaignId: string, reviewerId: string, personId: string): Promise<string | null> {
  const [r] = await db
    .select({ name: people.displayName })
    .from(reviewItems)
    .innerJoin(people, eq(people.id, reviewItems.personId))
    .where(and(mine(campaignId, reviewerId), eq(reviewItems.personId, personId)))
    .limit(1);
  return r?.name ?? null;
}
