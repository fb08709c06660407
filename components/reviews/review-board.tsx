"use client";
/**
 * The reviewer's page: a dense table, one row per item, grouped by person (the summary sentence on the group
 * row covers ALL the person's items in the campaign and follows the decisions); one page of the items that match
 * the view at a time (server-side paging and filtering, lib/services/reviews/review-board.ts: undecided first by
 * default, flagged people and items first), filters by status, recommendation, application, person and text, every
 * count the campaign's (never the page's); multi-select across pages; one comment box for the next decision;
 * keyboard (j/k move, x select, a keep, r revoke — a revoke always asks to confirm: r again or Enter, Esc
 * cancels). Each row says how the access came to be (who asked, who approved, when, why). Decisions can be
 * changed while the campaign is open (a revoke is undone by restoring the access). "Approve all N no-action items"
 * (all pages) and "Revoke N selected" go through a confirm dialog (Esc, focus trap) that states N. Decisions are
 * applied optimistically (TanStack Query) and rolled back if the server refuses; the view is then read again.
 * The view lives in the URL: changing it is a soft navigation, which keeps the selection and the comment.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { fmtDate } from "@/components/ui/dates";
import { boardSearch, nextBoardQuery, type BoardQuery } from "@/lib/domain/review-board-query";
import type { ReviewerItem } from "@/lib/services/reviews/list-reviews";
import { tallySummary } from "@/lib/domain/review-triage";
import type { ReviewBoardView } from "@/lib/services/reviews/review-board";
import { DecisionCell } from "./board-cells";
import { BoardFilters, BoardPager } from "./board-filters";
import { api, reviewKeys } from "./keys";
import { ProgressBar } from "./progress-bar";

type Decision = "keep" | "revoke";
type Rec = ReviewerItem["recommendation"];
/** What a selected item needs once its page is no longer shown. */
type Sel = { recommendation: Rec; decision: Decision | null };
const recLabel = { no_action: "No action", review: "Review", remove: "Remove" } as const;
const recTone = { no_action: "green", review: "yellow", remove: "red" } as const;

/**
 * The view after deciding `changed` (id → its state before): the page's items, the people's tallies and
 * summaries, the counts; items that no longer match an "undecided" view leave it. `all` = every open no-action
 * item of the reviewer (bulk approval), most of them on other pages.
 */
function patch(view: ReviewBoardView, changed: Map<string, Sel>, decision: Decision, comment?: string, all = false): ReviewBoardView {
  const c = { ...view.counts };
  if (all) {
    c.decided += c.openNoAction;
    c.open -= c.openNoAction;
    c.openNoAction = 0;
  } else {
    for (const x of changed.values()) {
      if (x.decision) continue;
      c.decided += 1;
      c.open -= 1;
      if (x.recommendation === "no_action") c.openNoAction -= 1;
      else c.openFlagged -= 1;
    }
  }
  const hits = (id: string, rec: Rec, d: Decision | null) => d !== decision && (all ? rec === "no_action" && !d : changed.has(id));
  const at = new Date().toISOString();
  let left = 0;
  const people = view.people
    .map((p) => {
      const tally = p.tally.map((t) => (hits(t.id, t.recommendation, t.decision) ? { ...t, decision } : t));
      const items = p.items
        .map((i) => (hits(i.id, i.recommendation, i.decision) ? { ...i, decision, comment: comment ?? null, decidedAt: at, receipt: null } : i))
        .filter((i) => view.query.status !== "open" || !i.decision || (left++, false));
      return { ...p, tally, items, summary: tallySummary(p, tally) };
    })
    .filter((p) => p.items.length > 0);
  return { ...view, counts: c, people, matching: view.matching - left };
}

export function ReviewBoard({ initial }: { initial: ReviewBoardView }) {
  const id = initial.campaign.id;
  const qc = useQueryClient();
  const router = useRouter();
  const [navigating, startNav] = useTransition();
  const search = boardSearch(initial.query);
  const key = reviewKeys.board(id, search);
  const { data: view = initial } = useQuery({
    queryKey: key,
    queryFn: () => api<ReviewBoardView>(`/api/v1/reviews/${id}/board?${search}`),
    initialData: initial,
    // Other views are read again when shown (the server renders them): keep no stale copies around.
    gcTime: 0,
    // Revoked items wait for the connector's receipt: poll while one on this page is pending.
    refetchInterval: (q) => (q.state.data?.people.some((p) => p.items.some((i) => i.decision === "revoke" && !i.receipt?.finishedAt)) ? 3000 : false),
  });
  // A new server render of this view (navigation back, a revalidated page) is the freshest copy.
  useEffect(() => {
    qc.setQueryData(reviewKeys.board(id, search), initial);
  }, [qc, id, search, initial]);
  const href = useCallback((s: string) => `/reviews/${id}?${s}`, [id]);
  // The view asked for last: the controls show it while its page loads, and the next change builds on it (not on
  // the view still shown, or two quick changes would lose the first).
  const [wanted, setWanted] = useState<BoardQuery>(initial.query);
  const wantedRef = useRef(initial.query);
  useEffect(() => {
    wantedRef.current = initial.query;
    setWanted(initial.query);
  }, [initial]);
  const go = useCallback(
    (p: Partial<BoardQuery>) => {
      const next = nextBoardQuery(wantedRef.current, p);
      wantedRef.current = next;
      setWanted(next);
      startNav(() => router.push(href(boardSearch(next)), { scroll: false }));
    },
    [router, href],
  );

  const [focus, setFocus] = useState(0);
  const [comment, setComment] = useState("");
  const [selected, setSelected] = useState<Map<string, Sel>>(new Map());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState("");
  const [dialog, setDialog] = useState<null | { kind: "bulk"; n: number } | { kind: "selected"; decision: Decision; ids: string[] }>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null);
  const open = view.campaign.status === "active";
  const commentBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setFocus(0);
    setConfirmRevoke(null);
  }, [search]);

  const settle = () => qc.invalidateQueries({ queryKey: reviewKeys.campaign(id) });
  const optimistic = async (changed: Map<string, Sel>, decision: Decision, comment?: string, all = false) => {
    await qc.cancelQueries({ queryKey: key });
    const prev = qc.getQueryData<ReviewBoardView>(key);
    if (prev) qc.setQueryData(key, patch(prev, changed, decision, comment, all));
    return { prev };
  };
  const rollback = (c: { prev?: ReviewBoardView } | undefined) => {
    if (c?.prev) qc.setQueryData(key, c.prev);
  };

  const decide = useMutation({
    mutationFn: (v: { item: ReviewerItem; decision: Decision; comment?: string }) =>
      api(`/api/v1/reviews/${id}/decisions`, { method: "POST", body: { itemId: v.item.id, decision: v.decision, comment: v.comment } }),
    onMutate: async (v) => {
      setErrors((e) => ({ ...e, [v.item.id]: "" }));
      setSelected((s) => (s.has(v.item.id) ? new Map(s).set(v.item.id, { recommendation: v.item.recommendation, decision: v.decision }) : s));
      return optimistic(new Map([[v.item.id, { recommendation: v.item.recommendation, decision: v.item.decision }]]), v.decision, v.comment);
    },
    onError: (err, v, c) => {
      rollback(c);
      setErrors((e) => ({ ...e, [v.item.id]: (err as Error).message }));
      setStatus(`Not decided: ${(err as Error).message}`);
    },
    onSuccess: (_r, v) => {
      setComment("");
      setStatus(
        v.item.decision
          ? v.decision === "keep" ? "Changed to keep: the access is being restored." : "Changed to revoke: removal has been sent to the system."
          : v.decision === "revoke" ? "Revoked: removal has been sent to the system." : "Kept.",
      );
    },
    onSettled: settle,
  });

  const decideMany = useMutation({
    mutationFn: (v: { ids: string[]; decision: Decision; comment?: string }) =>
      api<{ count: number }>(`/api/v1/reviews/${id}/decisions`, { method: "POST", body: { itemIds: v.ids, decision: v.decision, comment: v.comment } }),
    onMutate: (v) => optimistic(new Map(v.ids.map((i) => [i, selected.get(i) ?? { recommendation: "review", decision: null }])), v.decision, v.comment),
    onError: (err, _v, c) => {
      rollback(c);
      setStatus((err as Error).message);
    },
    onSuccess: (r, v) => {
      setSelected(new Map());
      setComment("");
      setStatus(v.decision === "revoke" ? `Revoked ${r.count} selected items: removal has been sent to the systems.` : `Kept ${r.count} selected items.`);
    },
    onSettled: settle,
  });

  const bulk = useMutation({
    mutationFn: (n: number) => api<{ count: number }>(`/api/v1/reviews/${id}/bulk-approve`, { method: "POST", body: { confirm: true, expectedCount: n } }),
    onMutate: () => optimistic(new Map(), "keep", "Bulk approved: no action recommended", true),
    onError: (err, _n, c) => {
      rollback(c);
      setStatus((err as Error).message);
    },
    onSuccess: (r) => setStatus(`Approved ${r.count} no-action items.`),
    onSettled: settle,
  });

  const flat = useMemo(() => view.people.flatMap((p) => p.items), [view]);
  const refs = useRef(new Map<string, HTMLElement>());
  const focusedId = flat[Math.min(focus, flat.length - 1)]?.id;

  /** keep/revoke one item (a revoke only after confirmation); changing a decision is the same call. */
  const act = useCallback(
    (item: ReviewerItem, decision: Decision, confirmed = false) => {
      if (!open || item.decision === decision) return;
      const c = comment.trim() || undefined;
      if (decision === "keep" && item.recommendation === "remove" && !c) {
        setErrors((e) => ({ ...e, [item.id]: "Removal is recommended: write in the Comment box why it should be kept, then Keep." }));
        commentBox.current?.focus();
        return;
      }
      if (decision === "revoke" && !confirmed) {
        setConfirmRevoke(item.id);
        return;
      }
      setConfirmRevoke(null);
      decide.mutate({ item, decision, comment: c });
    },
    [comment, decide, open],
  );

  const toggle = useCallback((item: ReviewerItem) => {
    setSelected((s) => {
      const n = new Map(s);
      if (n.has(item.id)) n.delete(item.id);
      else n.set(item.id, { recommendation: item.recommendation, decision: item.decision });
      return n;
    });
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (dialog || e.metaKey || e.ctrlKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
      const cur = flat[Math.min(focus, flat.length - 1)];
      if (confirmRevoke) {
        if (e.key === "Escape") {
          e.preventDefault();
          setConfirmRevoke(null);
          return;
        }
        if ((e.key === "r" || e.key === "Enter") && cur && cur.id === confirmRevoke) {
          e.preventDefault();
          act(cur, "revoke", true);
          return;
        }
      }
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        setConfirmRevoke(null);
        const next = Math.max(0, Math.min(flat.length - 1, focus + (e.key === "j" ? 1 : -1)));
        setFocus(next);
        refs.current.get(flat[next]?.id ?? "")?.focus();
      } else if (cur && e.key === "x") {
        e.preventDefault();
        toggle(cur);
      } else if (cur && e.key === "a") {
        e.preventDefault();
        act(cur, "keep");
      } else if (cur && e.key === "r") {
        e.preventDefault();
        act(cur, "revoke");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [flat, focus, act, dialog, confirmRevoke, toggle]);

  if (view.counts.total === 0) return <EmptyState title="Nothing to review">You have no items in this campaign.</EmptyState>;
  const n = view.counts.openNoAction;
  const onPage = new Map(flat.map((i) => [i.id, i]));
  // The selection's state: the page's copy when shown (fresher), else what was known when it was selected.
  const selInfo = (s: string): Sel => {
    const i = onPage.get(s);
    return i ? { recommendation: i.recommendation, decision: i.decision } : selected.get(s)!;
  };
  const selectedIds = [...selected.keys()];
  const elsewhere = selectedIds.filter((s) => !onPage.has(s)).length;
  const visibleIds = flat.map((i) => i.id);
  const allVisibleSelected = visibleIds.length > 0 && visibleIds.every((v) => selected.has(v));

  const askSelected = (decision: Decision) => {
    if (selectedIds.length > 500) {
      setStatus(`${selectedIds.length} items are selected; decide at most 500 at once.`);
      return;
    }
    if (decision === "keep") {
      const needs = selectedIds.filter((s) => { const x = selInfo(s); return x.recommendation === "remove" && x.decision !== "keep"; });
      if (needs.length && !comment.trim()) {
        setStatus(`${needs.length} selected item${needs.length === 1 ? " has" : "s have"} removal recommended: write in the Comment box why to keep them.`);
        commentBox.current?.focus();
        return;
      }
    }
    setDialog({ kind: "selected", decision, ids: selectedIds });
  };
  const selectPage = () =>
    setSelected((s) => {
      const m = new Map(s);
      if (allVisibleSelected) for (const v of visibleIds) m.delete(v);
      else for (const i of flat) m.set(i.id, { recommendation: i.recommendation, decision: i.decision });
      return m;
    });

  return (
    <div className="space-y-3">
      <div className="sticky top-0 z-10 space-y-1.5 rounded-lg border border-slate-200 bg-white p-2 shadow-sm">
        <div className="flex flex-wrap items-center gap-3">
          <div className="w-56 flex-none"><ProgressBar done={view.counts.decided} total={view.counts.total} label="Decisions made" /></div>
          {open && (
            <input ref={commentBox} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)}
              aria-label="Comment for the next decision (required to keep an item whose removal is recommended)"
              placeholder="Comment for the next decision (required to keep a removal-recommended item)"
              className="min-w-48 flex-1 rounded border border-slate-300 px-2 py-1 text-sm" />
          )}
          {open && n > 0 && (
            <button type="button" onClick={() => setDialog({ kind: "bulk", n })} className="rounded-md bg-emerald-700 px-3 py-1 text-sm font-medium text-white hover:bg-emerald-800">
              Approve all {n} no-action items
            </button>
          )}
        </div>
        <BoardFilters view={view} wanted={wanted} go={go} />
        {open && selectedIds.length > 0 && (
          <div className="flex flex-wrap items-center gap-2 text-sm" role="group" aria-label="Selected items">
            <span>{selectedIds.length} selected{elsewhere ? ` (${elsewhere} on other pages or views)` : ""}</span>
            <button type="button" onClick={() => askSelected("keep")} className="rounded-md border border-slate-300 px-3 py-0.5 hover:bg-slate-50">Keep selected</button>
            <button type="button" onClick={() => askSelected("revoke")} className="rounded-md bg-rose-700 px-3 py-0.5 font-medium text-white hover:bg-rose-800">Revoke selected</button>
            <button type="button" onClick={() => setSelected(new Map())} className="text-slate-700 underline">Clear</button>
          </div>
        )}
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <p role="status" aria-live="polite" className="text-sm text-slate-800">{status}</p>
          <p className="text-xs text-slate-600">
            Keys: j/k move, x select, a keep, r revoke (r or Enter confirms, Esc cancels). The focused row shows every reason.{" "}
            {open ? "Decisions can be changed until the campaign closes." : "This campaign is closed; decisions are read-only."}
          </p>
        </div>
      </div>

      {dialog?.kind === "bulk" && (
        <ConfirmDialog
          title={`Approve ${dialog.n} no-action items?`}
          confirmLabel={`Approve ${dialog.n} items`}
          onCancel={() => setDialog(null)}
          onConfirm={() => { const k = dialog.n; setDialog(null); bulk.mutate(k); }}
        >
          Each of these {dialog.n} items (on every page) is explained by the person&apos;s role, their peers or recent use. They will be kept, recorded as your decision and audited.
        </ConfirmDialog>
      )}
      {dialog?.kind === "selected" && (
        <ConfirmDialog
          title={`${dialog.decision === "revoke" ? "Revoke" : "Keep"} ${dialog.ids.length} selected item${dialog.ids.length === 1 ? "" : "s"}?`}
          confirmLabel={`${dialog.decision === "revoke" ? "Revoke" : "Keep"} ${dialog.ids.length}`}
          tone={dialog.decision === "revoke" ? "danger" : "primary"}
          onCancel={() => setDialog(null)}
          onConfirm={() => { const d = dialog; setDialog(null); decideMany.mutate({ ids: d.ids, decision: d.decision, comment: comment.trim() || undefined }); }}
        >
          {dialog.decision === "revoke"
            ? "The access is removed from each system now. You can change a decision until the campaign closes; the access is then given back."
            : "Each item is kept, recorded as your decision and audited."}
        </ConfirmDialog>
      )}

      {flat.length === 0 ? (
        <EmptyState title={view.query.status === "open" && view.counts.open === 0 ? "Every item is decided" : "No item matches"}>
          {view.query.status === "open" && view.counts.open === 0 ? "All your items in this campaign are decided. " : "Nothing matches this view. "}
          <Link prefetch={false} className="text-brand-700 underline" scroll={false} href={href(boardSearch(view.query, { status: "all", rec: "all", app: undefined, person: undefined, q: undefined }))}>Show all {view.counts.total} items</Link>
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm" aria-label="Review items" aria-busy={navigating || undefined}>
            <thead className="bg-slate-50 text-left text-xs text-slate-700">
              <tr>
                <th className="w-8 px-2 py-1.5">
                  {open && <input type="checkbox" aria-label="Select every item on this page" checked={allVisibleSelected} onChange={selectPage} />}
                </th>
                <th className="px-2 py-1.5">Access</th>
                <th className="px-2 py-1.5">Recommendation and why</th>
                <th className="px-2 py-1.5">How it was given</th>
                <th className="px-2 py-1.5">Last used</th>
                <th className="px-2 py-1.5">Decision</th>
              </tr>
            </thead>
            {view.people.map((p) => (
              <tbody key={p.personId} aria-label={p.name} className="border-t border-slate-200">
                <tr className="bg-slate-50/60">
                  <th scope="rowgroup" colSpan={6} className="px-2 py-1.5 text-left font-normal">
                    <span className="font-semibold">{p.name}</span> <span className="text-slate-600">{p.title}, {p.department}</span>
                    <span className="ml-2 text-xs text-slate-700" data-testid="person-summary">{p.summary}</span>
                    {!view.query.person && p.tally.length > p.items.length && (
                      <Link prefetch={false} scroll={false} href={href(boardSearch(view.query, { person: p.personId, status: "all" }))} className="ml-2 text-xs text-brand-700 underline">
                        All {p.tally.length} items<span className="sr-only"> of {p.name}</span>
                      </Link>
                    )}
                  </th>
                </tr>
                {p.items.map((i) => {
                  const focused = i.id === focusedId;
                  const name = `${i.applicationName} ${i.entitlementName} for ${p.name}`;
                  return (
                    <tr
                      key={i.id}
                      ref={(el) => { if (el) refs.current.set(i.id, el); else refs.current.delete(i.id); }}
                      tabIndex={0}
                      aria-label={name}
                      aria-current={focused ? "true" : undefined}
                      aria-selected={selected.has(i.id)}
                      onFocus={() => setFocus(flat.findIndex((x) => x.id === i.id))}
                      className={`border-t border-slate-100 align-top outline-none ${focused ? "bg-brand-50 ring-2 ring-inset ring-brand-500" : ""}`}
                    >
                      <td className="px-2 py-1">
                        {open && <input type="checkbox" aria-label={`Select ${name}`} checked={selected.has(i.id)} onChange={() => toggle(i)} />}
                      </td>
                      <td className="max-w-56 px-2 py-1">
                        <div className={focused ? "" : "truncate"} title={`${i.applicationName} · ${i.entitlementName}`}>
                          <span className="font-medium">{i.applicationName} · {i.entitlementName}</span>
                          {i.privileged && <> <Badge tone="red">privileged</Badge></>}
                        </div>
                      </td>
                      <td className="max-w-md px-2 py-1 text-xs">
                        <div className={focused ? "" : "truncate"} title={i.reasons.join("; ")}>
                          <Badge tone={recTone[i.recommendation]}>{recLabel[i.recommendation]}</Badge> {i.reasons[0] ?? ""}
                        </div>
                        {focused && i.reasons.length > 1 && <ul className="list-disc pl-4 text-slate-800">{i.reasons.slice(1).map((r) => <li key={r}>{r}</li>)}</ul>}
                        {focused && i.stale && <p className="text-amber-800">{i.stale}</p>}
                      </td>
                      <td className="max-w-xs px-2 py-1 text-xs text-slate-700" data-testid="item-history">
                        <div className={focused ? "" : "truncate"} title={i.history.join("; ")}>
                          {i.history.length ? (focused ? i.history.map((h) => <p key={h}>{h}</p>) : i.history.join("; ")) : `Source: ${i.grantSource ?? "—"}`}
                        </div>
                      </td>
                      <td className="whitespace-nowrap px-2 py-1 text-xs text-slate-700">{i.lastUsedAt ? fmtDate(i.lastUsedAt) : "never"}</td>
                      <td className="max-w-64 px-2 py-1">
                        <DecisionCell
                          item={i}
                          open={open}
                          focused={focused}
                          confirming={confirmRevoke === i.id}
                          onKeep={() => act(i, "keep")}
                          onRevoke={() => act(i, "revoke")}
                          onConfirmRevoke={() => act(i, "revoke", true)}
                          onCancelRevoke={() => setConfirmRevoke(null)}
                        />
                        {errors[i.id] && <p role="alert" className="mt-1 text-xs text-rose-700">{errors[i.id]}</p>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
        </div>
      )}
      <BoardPager view={view} href={href} />
    </div>
  );
}
