"use client";
/**
 * The review board's view controls: which items (undecided / decided / all, by recommendation, by application,
 * by person, free text), how many per page, and the pages. Every count is the reviewer's total in the campaign
 * (from the server, never the page's). Each control changes the URL (`go`, a soft navigation that keeps the
 * board's selection and comment); the pager and person links are real links (they work without script too), not
 * prefetched (each is a server render of the board).
 */
import Link from "next/link";
import { useEffect, useState } from "react";
import { BOARD_PAGE_SIZES, boardSearch, type BoardQuery, type BoardRec, type BoardStatus } from "@/lib/domain/review-board-query";
import type { ReviewBoardView } from "@/lib/services/reviews/review-board";

const n = (x: number) => x.toLocaleString("en-US");
const select = "rounded border border-slate-300 bg-white px-2 py-1 text-sm";

/** `view`: the view shown (its counts and range); `wanted`: the view asked for last (what the controls show). */
export function BoardFilters({ view, wanted: q, go }: { view: ReviewBoardView; wanted: BoardQuery; go: (patch: Partial<BoardQuery>) => void }) {
  const c = view.counts;
  const shown = view.query;
  const [text, setText] = useState(q.q ?? "");
  useEffect(() => setText(q.q ?? ""), [q.q]);
  const from = view.matching === 0 ? 0 : (shown.page - 1) * shown.size + 1;
  const to = Math.min(view.matching, shown.page * shown.size);
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <select value={q.status} onChange={(e) => go({ status: e.target.value as BoardStatus })} className={select} aria-label="Show items">
          <option value="open">Undecided ({n(c.open)})</option>
          <option value="decided">Decided ({n(c.decided)})</option>
          <option value="all">All items ({n(c.total)})</option>
        </select>
        <select value={q.rec} onChange={(e) => go({ rec: e.target.value as BoardRec })} className={select} aria-label="Filter by recommendation">
          <option value="all">Any recommendation</option>
          <option value="flagged">Flagged: removal or review ({n(c.flagged)})</option>
          <option value="remove">Removal recommended ({n(c.remove)})</option>
          <option value="review">Review recommended ({n(c.review)})</option>
          <option value="no_action">No action needed ({n(c.noAction)})</option>
        </select>
        {view.applications.length > 1 && (
          <select value={q.app ?? ""} onChange={(e) => go({ app: e.target.value || undefined })} className={`${select} max-w-56`} aria-label="Filter by application">
            <option value="">All applications ({view.applications.length})</option>
            {view.applications.map((a) => <option key={a.id} value={a.id}>{a.name} ({n(a.total)})</option>)}
          </select>
        )}
        <form role="search" aria-label="Search review items" className="flex items-center gap-1" onSubmit={(e) => { e.preventDefault(); go({ q: text.trim() || undefined }); }}>
          <input type="search" value={text} maxLength={100} onChange={(e) => setText(e.target.value)} aria-label="Search by person, email, application or access"
            placeholder="Search person, application, access" className="w-56 rounded border border-slate-300 px-2 py-1 text-sm" />
          <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-50">Search</button>
        </form>
        <select value={q.size} onChange={(e) => go({ size: Number(e.target.value) })} className={select} aria-label="Items per page">
          {[...new Set([...BOARD_PAGE_SIZES, q.size])].sort((a, b) => a - b).map((s) => <option key={s} value={s}>{s} per page</option>)}
        </select>
      </div>
      <p className="flex flex-wrap items-center gap-2 text-xs text-slate-700" data-testid="board-range">
        <span>{view.matching ? `Showing ${n(from)}–${n(to)} of ${n(view.matching)} matching item${view.matching === 1 ? "" : "s"}` : "No item matches"}</span>
        {shown.person && (
          <span className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5">
            Only {view.personName ?? "one person"}
            <button type="button" onClick={() => go({ person: undefined })} className="underline">Show everyone</button>
          </span>
        )}
        {shown.q && (
          <span className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5">
            Search “{shown.q}”
            <button type="button" onClick={() => go({ q: undefined })} className="underline">Clear search</button>
          </span>
        )}
      </p>
    </div>
  );
}

/** Previous / next (and first / last) page: links to the same view's other pages. */
export function BoardPager({ view, href }: { view: ReviewBoardView; href: (search: string) => string }) {
  const { query: q, pages } = view;
  if (pages <= 1) return null;
  const link = (page: number, label: string, rel?: string) => (
    <Link href={href(boardSearch(q, { page }))} prefetch={false} scroll={false} rel={rel} className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50">{label}</Link>
  );
  return (
    <nav aria-label="Pages of review items" className="flex flex-wrap items-center justify-end gap-2 text-sm text-slate-700">
      {q.page > 2 && link(1, "First page")}
      {q.page > 1 && link(q.page - 1, "Previous page", "prev")}
      <span aria-current="page" className="px-2 py-1">Page {n(q.page)} of {n(pages)}</span>
      {q.page < pages && link(q.page + 1, "Next page", "next")}
      {q.page < pages - 1 && link(pages, "Last page")}
    </nav>
  );
}
