"use client";
/** The decision cell of a review board row (keep / revoke, the revoke confirmation, the outcome and its receipt). */
import type { ReviewerItem } from "@/lib/services/reviews/list-reviews";

export function DecisionCell({ item: i, open, focused, confirming, onKeep, onRevoke, onConfirmRevoke, onCancelRevoke }: {
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
