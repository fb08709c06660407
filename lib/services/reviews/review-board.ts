/**
 * getReviewBoard: one page of a campaign as its reviewer sees it (the /reviews/[id] page and
 * GET /api/v1/reviews/:id/board). A campaign can give one reviewer thousands of items; the board loads one page
 * (default 50) of the items that match the view (lib/domain/review-board-query.ts), in a stable order with
 * flagged items first (db/queries/review-board.ts), and the counts the reviewer needs over ALL their items of the
 * campaign (total, decided, undecided, per recommendation, per application) plus how many match the view, so no
 * count shown depends on the page. Ownership is in SQL: every read has reviewer_id = actor.
 *
 * Each person on the page carries their summary sentence over all their items in the campaign (not only the
 * page's) and the compact list it is computed from (`tally`), so the board can keep it true as decisions are made.
 * A page past the end shows the last page. Input validated with zod (bad input: ValidationError, never a 500).
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { boardApplications, boardCounts, boardPage, personTallies, reviewedPersonName, type BoardFilter } from "@/db/queries/review-board";
import { reviewCampaigns } from "@/db/schema";
import { can } from "@/lib/auth/can";
import { BOARD_MAX_PAGE, BOARD_PAGE_SIZE, BOARD_Q_MAX, BOARD_RECS, BOARD_STATUSES, type BoardQuery } from "@/lib/domain/review-board-query";
import { tallySummary, type TallyItem } from "@/lib/domain/review-triage";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { text } from "@/lib/validation";
import { groupItems, type ReviewerItem } from "./list-reviews";
import { reviewerOrphans, type OrphanView } from "./orphans";

export const reviewBoardInput = z.object({
  campaignId: z.string().uuid(),
  /** Absent: undecided items when there are any, else all. */
  status: z.enum(BOARD_STATUSES).optional(),
  rec: z.enum(BOARD_RECS).default("all"),
  app: z.string().uuid().optional(),
  person: z.string().uuid().optional(),
  q: text(BOARD_Q_MAX).trim().optional().transform((v) => v || undefined),
  page: z.number().int().min(1).max(BOARD_MAX_PAGE).default(1),
  size: z.number().int().min(BOARD_PAGE_SIZE.min).max(BOARD_PAGE_SIZE.max).default(BOARD_PAGE_SIZE.def),
});
export type ReviewBoardInput = z.input<typeof reviewBoardInput>;

/** `tally`: every item of the person in the campaign (not only the page's), which the summary counts. */
export type BoardPerson = { personId: string; name: string; title: string; department: string; summary: string; tally: TallyItem[]; items: ReviewerItem[] };

export type ReviewBoardView = {
  campaign: { id: string; name: string; status: string; dueAt: string | null; defaultDecision: string };
  /** The view shown, resolved (status named, page clamped to the last page). */
  query: BoardQuery;
  /** Over all of the reviewer's items in the campaign, whatever the view. */
  counts: { total: number; decided: number; open: number; openNoAction: number; openFlagged: number; flagged: number; remove: number; review: number; noAction: number };
  /** How many items match the view, and how many pages that makes. */
  matching: number;
  pages: number;
  applications: Array<{ id: string; name: string; total: number; open: number }>;
  /** The name of the person the view is narrowed to (null when none, or not one of the reviewer's people). */
  personName: string | null;
  people: BoardPerson[];
  /** Orphan accounts the reviewer decides (link to a person, keep as a service account, disable). */
  orphans: OrphanView[];
};

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export async function getReviewBoard({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<ReviewBoardView> {
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const idOk = z.object({ campaignId: z.string().uuid() }).safeParse(raw);
  if (!idOk.success) throw new NotFoundError("No such campaign.");
  const p = reviewBoardInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid view of the review board");
  const input = p.data;
  const me = ctx.actor.personId;
  const [c] = await ctx.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, input.campaignId));
  if (!c) throw new NotFoundError("No such campaign.");

  const base = { rec: input.rec, applicationId: input.app, personId: input.person, q: input.q };
  // The status default depends on the counts: read them with "open" (the usual answer) and again only when the
  // reviewer has nothing open (then the default is "all").
  let filter: BoardFilter = { ...base, status: input.status ?? "open" };
  const [first, applications, orphans, personName] = await Promise.all([
    boardCounts(ctx.db, c.id, me, filter),
    boardApplications(ctx.db, c.id, me),
    reviewerOrphans(ctx.db, c.id, me),
    input.person ? reviewedPersonName(ctx.db, c.id, me, input.person) : Promise.resolve(null),
  ]);
  let counts = first;
  if (!input.status && counts.open === 0) {
    filter = { ...base, status: "all" };
    counts = await boardCounts(ctx.db, c.id, me, filter);
  }
  const pages = Math.max(1, Math.ceil(counts.matching / input.size));
  const page = Math.min(input.page, pages);
  const rows = counts.matching ? await boardPage(ctx.db, c.id, me, filter, input.size, (page - 1) * input.size) : [];
  const personIds = [...new Set(rows.map((r) => r.personId))];
  const [grouped, tallies] = await Promise.all([groupItems(ctx.db, c.id, rows), personTallies(ctx.db, c.id, me, personIds)]);
  const tallyOf = new Map<string, TallyItem[]>();
  for (const t of tallies) tallyOf.set(t.personId, [...(tallyOf.get(t.personId) ?? []), { id: t.id, recommendation: t.recommendation, decision: t.decision, lead: t.lead }]);
  const { matching, ...totals } = counts;
  return {
    campaign: { id: c.id, name: c.name, status: c.status, dueAt: iso(c.dueAt), defaultDecision: c.defaultDecision },
    query: { status: filter.status, rec: input.rec, app: input.app, person: input.person, q: input.q, page, size: input.size },
    counts: totals,
    matching,
    pages,
    applications,
    personName,
    people: grouped.map((g) => {
      const tally = tallyOf.get(g.personId) ?? [];
      return { ...g, tally, summary: tallySummary(g, tally) };
    }),
    orphans,
  };
}
