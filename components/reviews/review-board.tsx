"use client";
/**
 * The reviewer's page: items grouped by person, the summary sentence first; filter by recommendation; keyboard
 * (j/k move, a keep, r revoke) with visible focus; "Approve all N no-action items" behind a confirm dialog that
 * states N; decisions applied optimistically (TanStack Query) and rolled back if the server refuses.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import type { ReviewerItem, ReviewerView } from "@/lib/services/reviews/list-reviews";
import { api, reviewKeys } from "./keys";
import { ProgressBar } from "./progress-bar";

type Filter = "all" | "open" | "no_action" | "review" | "remove";
const recLabel = { no_action: "No action", review: "Review", remove: "Remove" } as const;
const recTone = { no_action: "green", review: "yellow", remove: "red" } as const;

function patch(view: ReviewerView, ids: Set<string>, decision: "keep" | "revoke", comment?: string): ReviewerView {
  let decided = view.decided;
  const people = view.people.map((p) => ({
    ...p,
    items: p.items.map((i) => {
      if (!ids.has(i.id) || i.decision) return i;
      decided += 1;
      return { ...i, decision, comment: comment ?? i.comment, decidedAt: new Date().toISOString() };
    }),
  }));
  const openNoAction = people.flatMap((p) => p.items).filter((i) => i.recommendation === "no_action" && !i.decision).length;
  return { ...view, people, decided, openNoAction };
}

export function ReviewBoard({ initial }: { initial: ReviewerView }) {
  const id = initial.campaign.id;
  const qc = useQueryClient();
  const key = reviewKeys.campaign(id);
  const { data: view = initial } = useQuery({
    queryKey: key,
    queryFn: () => api<ReviewerView>(`/api/v1/reviews/${id}`),
    initialData: initial,
    // Revoked items wait for the connector's receipt: poll while one is pending.
    refetchInterval: (q) => (q.state.data?.people.some((p) => p.items.some((i) => i.decision === "revoke" && !i.receipt?.finishedAt)) ? 3000 : false),
  });
  const [filter, setFilter] = useState<Filter>("all");
  const [focus, setFocus] = useState(0);
  const [comments, setComments] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState("");
  const [confirming, setConfirming] = useState(false);
  const open = view.campaign.status === "active";

  const decide = useMutation({
    mutationFn: (v: { itemId: string; decision: "keep" | "revoke"; comment?: string }) => api(`/api/v1/reviews/${id}/decisions`, { method: "POST", body: v }),
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: key });
      const prev = qc.getQueryData<ReviewerView>(key);
      if (prev) qc.setQueryData(key, patch(prev, new Set([v.itemId]), v.decision, v.comment));
      setErrors((e) => ({ ...e, [v.itemId]: "" }));
      return { prev };
    },
    onError: (err, v, c) => {
      if (c?.prev) qc.setQueryData(key, c.prev);
      setErrors((e) => ({ ...e, [v.itemId]: (err as Error).message }));
    },
    onSuccess: (_r, v) => setStatus(v.decision === "revoke" ? "Revoked: removal has been sent to the system." : "Kept."),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const bulk = useMutation({
    mutationFn: (n: number) => api<{ count: number }>(`/api/v1/reviews/${id}/bulk-approve`, { method: "POST", body: { confirm: true, expectedCount: n } }),
    onMutate: async () => {
      await qc.cancelQueries({ queryKey: key });
      const prev = qc.getQueryData<ReviewerView>(key);
      if (prev) {
        const ids = new Set(prev.people.flatMap((p) => p.items).filter((i) => i.recommendation === "no_action" && !i.decision).map((i) => i.id));
        qc.setQueryData(key, patch(prev, ids, "keep", "Bulk approved: no action recommended"));
      }
      return { prev };
    },
    onError: (err, _n, c) => {
      if (c?.prev) qc.setQueryData(key, c.prev);
      setStatus((err as Error).message);
    },
    onSuccess: (r) => setStatus(`Approved ${r.count} no-action items.`),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const visiblePeople = useMemo(
    () =>
      view.people
        .map((p) => ({ ...p, items: p.items.filter((i) => filter === "all" || (filter === "open" ? !i.decision : i.recommendation === filter)) }))
        .filter((p) => p.items.length > 0),
    [view, filter],
  );
  const flat = useMemo(() => visiblePeople.flatMap((p) => p.items), [visiblePeople]);
  const refs = useRef(new Map<string, HTMLElement>());
  const focusedId = flat[Math.min(focus, flat.length - 1)]?.id;

  const act = useCallback(
    (item: ReviewerItem, decision: "keep" | "revoke") => {
      if (!open || item.decision) return;
      const comment = comments[item.id]?.trim() || undefined;
      if (decision === "keep" && item.recommendation === "remove" && !comment) {
        setErrors((e) => ({ ...e, [item.id]: "Removal is recommended: add a comment saying why it should be kept." }));
        document.getElementById(`comment-${item.id}`)?.focus();
        return;
      }
      decide.mutate({ itemId: item.id, decision, comment });
    },
    [comments, decide, open],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (confirming || e.metaKey || e.ctrlKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
      const cur = flat[Math.min(focus, flat.length - 1)];
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        const next = Math.max(0, Math.min(flat.length - 1, focus + (e.key === "j" ? 1 : -1)));
        setFocus(next);
        refs.current.get(flat[next]?.id ?? "")?.focus();
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
  }, [flat, focus, act, confirming]);

  if (view.total === 0) return <EmptyState title="Nothing to review">You have no items in this campaign.</EmptyState>;
  const n = view.openNoAction;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <ProgressBar done={view.decided} total={view.total} label="Decisions made" />
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-1">
            Show
            <select value={filter} onChange={(e) => { setFilter(e.target.value as Filter); setFocus(0); }} className="rounded border border-slate-300 px-2 py-1" aria-label="Filter by recommendation">
              <option value="all">All items</option>
              <option value="open">Undecided</option>
              <option value="remove">Removal recommended</option>
              <option value="review">Review recommended</option>
              <option value="no_action">No action needed</option>
            </select>
          </label>
          {open && n > 0 && (
            <button type="button" onClick={() => setConfirming(true)} className="rounded-md bg-emerald-600 px-3 py-1.5 font-medium text-white hover:bg-emerald-700">
              Approve all {n} no-action items
            </button>
          )}
        </div>
      </div>
      <p className="text-xs text-slate-500">Keyboard: j / k move, a keep, r revoke. {open ? "" : "This campaign is closed; decisions are read-only."}</p>
      <p role="status" aria-live="polite" className="text-sm text-slate-700">{status}</p>

      {confirming && (
        <div role="dialog" aria-modal="true" aria-labelledby="bulk-title" className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40">
          <div className="w-full max-w-md space-y-3 rounded-lg bg-white p-5 shadow-xl">
            <h2 id="bulk-title" className="text-lg font-semibold">Approve {n} no-action items?</h2>
            <p className="text-sm text-slate-700">
              Each of these {n} items is explained by the person&apos;s role, their peers or recent use. They will be kept, recorded as your decision and audited.
            </p>
            <div className="flex justify-end gap-2">
              <button type="button" onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Cancel</button>
              <button type="button" autoFocus onClick={() => { setConfirming(false); bulk.mutate(n); }} className="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white">
                Approve {n} items
              </button>
            </div>
          </div>
        </div>
      )}

      {visiblePeople.map((p) => (
        <section key={p.personId} aria-label={p.name} className="rounded-lg border border-slate-200 bg-white">
          <header className="border-b border-slate-100 p-3">
            <h2 className="font-semibold">{p.name} <span className="text-sm font-normal text-slate-500">{p.title}, {p.department}</span></h2>
            <p className="text-sm text-slate-700">{p.summary}</p>
          </header>
          <ul className="divide-y divide-slate-100">
            {p.items.map((i) => {
              const focused = i.id === focusedId;
              return (
                <li
                  key={i.id}
                  ref={(el) => { if (el) refs.current.set(i.id, el); else refs.current.delete(i.id); }}
                  tabIndex={0}
                  aria-label={`${i.applicationName} ${i.entitlementName} for ${p.name}`}
                  aria-current={focused ? "true" : undefined}
                  onFocus={() => setFocus(flat.findIndex((x) => x.id === i.id))}
                  className={`p-3 outline-none ${focused ? "bg-brand-50 ring-2 ring-inset ring-brand-500" : ""}`}
                >
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="space-y-1">
                      <div className="font-medium">
                        {i.applicationName} · {i.entitlementName} <Badge tone={recTone[i.recommendation]}>{recLabel[i.recommendation]}</Badge>
                        {i.privileged && <> <Badge tone="red">privileged</Badge></>}
                      </div>
                      <ul className="text-sm text-slate-700">{i.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
                      {i.stale && <p className="text-xs text-amber-700">{i.stale}</p>}
                      <p className="text-xs text-slate-500">Source: {i.grantSource ?? "—"} · last used {i.lastUsedAt ? fmtDate(i.lastUsedAt) : "never"}</p>
                    </div>
                    <Outcome item={i} />
                  </div>
                  {open && !i.decision && (
                    <div className="mt-2 flex flex-wrap items-end gap-2">
                      <label className="flex flex-col text-xs text-slate-600">
                        Comment{i.recommendation === "remove" ? " (required to keep)" : " (optional)"}
                        <input
                          id={`comment-${i.id}`}
                          value={comments[i.id] ?? ""}
                          onChange={(e) => setComments((c) => ({ ...c, [i.id]: e.target.value }))}
                          aria-label={`Comment for ${i.entitlementName} of ${p.name}`}
                          className="mt-1 w-72 rounded border border-slate-300 px-2 py-1 text-sm"
                        />
                      </label>
                      <button type="button" onClick={() => act(i, "keep")} className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50">Keep</button>
                      <button type="button" onClick={() => act(i, "revoke")} className="rounded-md bg-rose-600 px-3 py-1 text-sm font-medium text-white hover:bg-rose-700">Revoke</button>
                    </div>
                  )}
                  {errors[i.id] && <p role="alert" className="mt-1 text-sm text-rose-700">{errors[i.id]}</p>}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}

function Outcome({ item: i }: { item: ReviewerItem }) {
  if (!i.decision) return null;
  if (i.decision === "keep") return <span className="text-sm text-emerald-700">Kept{i.comment ? `: ${i.comment}` : ""}</span>;
  const r = i.receipt;
  return (
    <span className="text-sm text-rose-700">
      {r?.finishedAt && r.status === "succeeded"
        ? `Revoked in ${i.applicationName} at ${new Date(r.finishedAt).toLocaleString()}`
        : r
          ? `Revocation ${r.status} in ${i.applicationName}`
          : "Revoked (access removed from the desired state)"}
    </span>
  );
}
