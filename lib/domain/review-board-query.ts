/**
 * The review board's view of a campaign as a URL: which of the reviewer's items (status, recommendation,
 * application, person, free text), which page and how many per page. Pure: shared by the page's search-param
 * reader, the service's zod schema and the client board, which builds links from it (so a link always reads back
 * as the same view).
 *
 * status: "open" = undecided, "decided", "all". Absent from the URL: undecided when the reviewer has any, else
 * all (the service resolves it and returns the resolved view, so every link the board builds names it).
 * rec: "flagged" = triage recommends a look (remove or review), or one recommendation, or "all".
 */
export const BOARD_STATUSES = ["open", "decided", "all"] as const;
export const BOARD_RECS = ["all", "flagged", "remove", "review", "no_action"] as const;
export const BOARD_PAGE_SIZE = { min: 10, max: 100, def: 50 } as const;
export const BOARD_PAGE_SIZES = [10, 25, 50, 100] as const;
export const BOARD_MAX_PAGE = 100_000;
export const BOARD_Q_MAX = 100;

export type BoardStatus = (typeof BOARD_STATUSES)[number];
export type BoardRec = (typeof BOARD_RECS)[number];

/** A resolved board view (every field known). */
export type BoardQuery = { status: BoardStatus; rec: BoardRec; app?: string; person?: string; q?: string; page: number; size: number };

/** The view after changing `patch`: a change of anything but the page goes back to page 1. */
export function nextBoardQuery(q: BoardQuery, patch: Partial<BoardQuery> = {}): BoardQuery {
  const filterChanged = (Object.keys(patch) as Array<keyof BoardQuery>).some((k) => k !== "page" && patch[k] !== q[k]);
  return { ...q, ...patch, page: patch.page ?? (filterChanged ? 1 : q.page) };
}

/**
 * The canonical search string of a view (without "?"), after `patch` (nextBoardQuery): fixed order, defaults left
 * out except `status` (always named, so a link never depends on how the default resolves), page 1 left out.
 */
export function boardSearch(q: BoardQuery, patch: Partial<BoardQuery> = {}): string {
  const v = nextBoardQuery(q, patch);
  const sp = new URLSearchParams();
  sp.set("status", v.status);
  if (v.rec !== "all") sp.set("rec", v.rec);
  if (v.app) sp.set("app", v.app);
  if (v.person) sp.set("person", v.person);
  if (v.q) sp.set("q", v.q);
  if (v.size !== BOARD_PAGE_SIZE.def) sp.set("size", String(v.size));
  if (v.page > 1) sp.set("page", String(v.page));
  return sp.toString();
}
