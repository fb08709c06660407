"use client";
/**
 * The reviewer's page: a dense table, one row per item, grouped by person (the summary sentence on the group
 * row, recomputed as decisions are made); filter by recommendation; multi-select; one comment box for the next
 * decision; keyboard (j/k move, x select, a keep, r revoke — a revoke always asks to confirm: r again or Enter,
 * Esc cancels). Each row says how the access came to be (who asked, who approved, when, why). Decisions can be
 * changed while the campaign is open (a revoke is undone by restoring the access). "Approve all N no-action items"
 * and "Revoke N selected" go through a confirm dialog (Esc, focus trap) that states N. Decisions are applied
 * optimistically (TanStack Query) and rolled back if the server refuses.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { fmtDate } from "@/components/ui/dates";
import { personSummary } from "@/lib/domain/review-triage";
import type { ReviewerItem, ReviewerView } from "@/lib/services/reviews/list-reviews";
import { api, reviewKeys } from "./keys";
import { ProgressBar } from "./progress-bar";

type Filter = "all" | "open" | "no_action" | "review" | "remove";
type Decision = "keep" | "revoke";
const recLabel = { no_action: "No action", review: "Review", remove: "Remove" } as const;
const recTone = { no_action: "green", review: "yellow", remove: "red" } as const;

function patch(view: ReviewerView, ids: Set<string>, decision: Decision, comment?: string, onlyOpen = false): ReviewerView {
  let decided = view.decided;
  const people = view.people.map((p) => ({
    ...p,
    items: p.items.map((i) => {
      if (!ids.has(i.id) || i.decision === decision || (onlyOpen && i.decision)) return i;
      if (!i.decision) decided += 1;
      return { ...i, decision, comment: comment ?? null, decidedAt: new Date().toISOString(), receipt: null };
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
  const [comment, setComment] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState("");
  const [dialog, setDialog] = useState<null | { kind: "bulk"; n: number } | { kind: "selected"; decision: Decision; ids: string[] }>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null);
  const open = view.campaign.status === "active";
  const commentBox = useRef<HTMLInputElement>(null);

  const decide = useMutation({
    mutationFn: (v: { itemId: string; decision: Decision; comment?: string; change: boolean }) =>
      api(`/api/v1/reviews/${id}/decisions`, { method: "POST", body: { itemId: v.itemId, decision: v.decision, comment: v.comment } }),
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
    onSuccess: (_r, v) => {
      setComment("");
      setStatus(
        v.change
          ? v.decision === "keep" ? "Changed to keep: the access is being restored." : "Changed to revoke: removal has been sent to the system."
          : v.decision === "revoke" ? "Revoked: removal has been sent to the system." : "Kept.",
      );
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const decideMany = useMutation({
    mutationFn: (v: { itemIds: string[]; decision: Decision; comment?: string }) => api<{ count: number }>(`/api/v1/reviews/${id}/decisions`, { method: "POST", body: v }),
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: key });
      const prev = qc.getQueryData<ReviewerView>(key);
      if (prev) qc.setQueryData(key, patch(prev, new Set(v.itemIds), v.decision, v.comment));
      return { prev };
    },
    onError: (err, _v, c) => {
      if (c?.prev) qc.setQueryData(key, c.prev);
      setStatus((err as Error).message);
    },
    onSuccess: (r, v) => {
      setSelected(new Set());
      setComment("");
      setStatus(v.decision === "revoke" ? `Revoked ${r.count} selected items: removal has been sent to the systems.` : `Kept ${r.count} selected items.`);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const bulk = useMutation({
    mutationFn: (n: number) => api<{ count: number }>(`/api/v1/reviews/${id}/bulk-approve`, { method: "POST", body: { confirm: true, expectedCount: n } }),
    onMutate: async () => {
      await qc.cancelQueries({ queryKey: key });
      const prev = qc.getQueryData<ReviewerView>(key);
      if (prev) {
        const ids = new Set(prev.people.flatMap((p) => p.items).filter((i) => i.recommendation === "no_action" && !i.decision).map((i) => i.id));
        qc.setQueryData(key, patch(prev, ids, "keep", "Bulk approved: no action recommended", true));
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
        .map((p) => ({ ...p, summary: personSummary(p, p.items), items: p.items.filter((i) => filter === "all" || (filter === "open" ? !i.decision : i.recommendation === filter)) }))
        .filter((p) => p.items.length > 0),
    [view, filter],
  );
  const flat = useMemo(() => visiblePeople.flatMap((p) => p.items), [visiblePeople]);
  const byId = useMemo(() => new Map(view.people.flatMap((p) => p.items.map((i) => [i.id, { item: i, person: p.name }] as const))), [view]);
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
      decide.mutate({ itemId: item.id, decision, comment: c, change: Boolean(item.decision) });
    },
    [comment, decide, open],
  );

  const toggle = useCallback((itemId: string) => {
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(itemId)) n.delete(itemId);
      else n.add(itemId);
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
        toggle(cur.id);
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

  if (view.total === 0) return <EmptyState title="Nothing to review">You have no items in this campaign.</EmptyState>;
  const n = view.openNoAction;
  const selectedIds = [...selected].filter((s) => byId.has(s));
  const visibleIds = flat.map((i) => i.id);
  const allVisibleSelected = visibleIds.length > 0 && visibleIds.every((v) => selected.has(v));

  const askSelected = (decision: Decision) => {
    if (decision === "keep") {
      const needs = selectedIds.map((s) => byId.get(s)!).filter((x) => x.item.recommendation === "remove" && x.item.decision !== "keep");
      if (needs.length && !comment.trim()) {
        setStatus(`${needs.length} selected item${needs.length === 1 ? " has" : "s have"} removal recommended: write in the Comment box why to keep them.`);
        commentBox.current?.focus();
        return;
      }
    }
    setDialog({ kind: "selected", decision, ids: selectedIds });
  };

  return (
    <div className="space-y-3">
      <div className="sticky top-0 z-10 space-y-1.5 rounded-lg border border-slate-200 bg-white p-2 shadow-sm">
        <div className="flex flex-wrap items-center gap-3">
          <div className="w-56 flex-none"><ProgressBar done={view.decided} total={view.total} label="Decisions made" /></div>
          <select value={filter} onChange={(e) => { setFilter(e.target.value as Filter); setFocus(0); }} className="rounded border border-slate-300 px-2 py-1 text-sm" aria-label="Filter by recommendation">
            <option value="all">All items</option>
            <option value="open">Undecided</option>
            <option value="remove">Removal recommended</option>
            <option value="review">Review recommended</option>
            <option value="no_action">No action needed</option>
          </select>
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
        {open && selectedIds.length > 0 && (
          <div className="flex items-center gap-2 text-sm" role="group" aria-label="Selected items">
            <span>{selectedIds.length} selected</span>
            <button type="button" onClick={() => askSelected("keep")} className="rounded-md border border-slate-300 px-3 py-0.5 hover:bg-slate-50">Keep selected</button>
            <button type="button" onClick={() => askSelected("revoke")} className="rounded-md bg-rose-700 px-3 py-0.5 font-medium text-white hover:bg-rose-800">Revoke selected</button>
            <button type="button" onClick={() => setSelected(new Set())} className="text-slate-700 underline">Clear</button>
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
          Each of these {dialog.n} items is explained by the person&apos;s role, their peers or recent use. They will be kept, recorded as your decision and audited.
        </ConfirmDialog>
      )}
      {dialog?.kind === "selected" && (
        <ConfirmDialog
          title={`${dialog.decision === "revoke" ? "Revoke" : "Keep"} ${dialog.ids.length} selected item${dialog.ids.length === 1 ? "" : "s"}?`}
          confirmLabel={`${dialog.decision === "revoke" ? "Revoke" : "Keep"} ${dialog.ids.length}`}
          tone={dialog.decision === "revoke" ? "danger" : "primary"}
          onCancel={() => setDialog(null)}
          onConfirm={() => { const d = dialog; setDialog(null); decideMany.mutate({ itemIds: d.ids, decision: d.decision, comment: comment.trim() || undefined }); }}
        >
          {dialog.decision === "revoke"
            ? "The access is removed from each system now. You can change a decision until the campaign closes; the access is then given back."
            : "Each item is kept, recorded as your decision and audited."}
        </ConfirmDialog>
      )}

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" aria-label="Review items">
          <thead className="bg-slate-50 text-left text-xs text-slate-700">
            <tr>
              <th className="w-8 px-2 py-1.5">
                {open && (
                  <input type="checkbox" aria-label="Select every item shown" checked={allVisibleSelected}
                    onChange={() => setSelected(allVisibleSelected ? new Set() : new Set(visibleIds))} />
                )}
              </th>
              <th className="px-2 py-1.5">Access</th>
              <th className="px-2 py-1.5">Recommendation and why</th>
              <th className="px-2 py-1.5">How it was given</th>
              <th className="px-2 py-1.5">Last used</th>
              <th className="px-2 py-1.5">Decision</th>
            </tr>
          </thead>
          {visiblePeople.map((p) => (
            <tbody key={p.personId} aria-label={p.name} className="border-t border-slate-200">
              <tr className="bg-slate-50/60">
                <th scope="rowgroup" colSpan={6} className="px-2 py-1.5 text-left font-normal">
                  <span className="font-semibold">{p.name}</span> <span className="text-slate-600">{p.title}, {p.department}</span>
                  <span className="ml-2 text-xs text-slate-700" data-testid="person-summary">{p.summary}</span>
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
                      {open && <input type="checkbox" aria-label={`Select ${name}`} checked={selected.has(i.id)} onChange={() => toggle(i.id)} />}
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
    </div>
  );
}

function DecisionCell({ item: i, open, focused, confirming, onKeep, onRevoke, onConfirmRevoke, onCancelRevoke }: {
  item: ReviewerItem; open: boolean; focused: boolean; confirming: boolean; onKeep: () => void; onRevoke: () => void; onConfirmRevoke: () => void; onCancelRevoke: () => void;
}) {
  if (confirming) {
    return (
      <span role="group" aria-label="Confirm revoke" className="inline-flex items-center gap-1 whitespace-nowrap">
        <span className="text-xs text-rose-800">Revoke now?</span>
        <button type="button" autoFocus onClick={onConfirmRevoke} className="rounded-md bg-rose-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-rose-800">Confirm revoke</button>
        <button type="button" onClick={onCancelRevoke} className="rounded-md border border-slate-300 px-2 py-0.5 text-xs">Cancel</button>
      </span>
    );
  }
  if (!i.decision) {
    if (!open) return <span className="text-xs text-slate-600">Undecided</span>;
    return (
      <span className="inline-flex gap-1 whitespace-nowrap">
        <button type="button" onClick={onKeep} className="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50">Keep</button>
        <button type="button" onClick={onRevoke} className="rounded-md bg-rose-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-rose-800">Revoke</button>
      </span>
    );
  }
  return (
    <div className="flex items-center gap-1">
      <div className={`min-w-0 ${focused ? "" : "truncate"}`}><Outcome item={i} /></div>
      {open && (
        <button type="button" onClick={i.decision === "keep" ? onRevoke : onKeep} aria-label={i.decision === "keep" ? "Change to revoke" : "Undo revoke"}
          className="flex-none rounded border border-slate-300 px-1.5 py-0.5 text-xs text-slate-800 hover:bg-slate-50">
          {i.decision === "keep" ? "Change" : "Undo"}
        </button>
      )}
    </div>
  );
}

function Outcome({ item: i }: { item: ReviewerItem }) {
  if (!i.decision) return null;
  if (i.decision === "keep") return <span className="text-xs text-emerald-800" title={i.comment ?? undefined}>Kept{i.comment ? `: ${i.comment}` : ""}</span>;
  const r = i.receipt;
  return (
    <span className="text-xs text-rose-800">
      {r?.finishedAt && r.status === "succeeded"
        ? `Revoked in ${i.applicationName} at ${new Date(r.finishedAt).toLocaleString()}`
        : r
          ? `Revocation ${r.status} in ${i.applicationName}`
          : "Revoked (access removed from the desired state)"}
    </span>
  );
}
