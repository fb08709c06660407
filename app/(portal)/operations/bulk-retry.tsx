"use client";
import { useActionState } from "react";
import { retryIncidentsAction, type BulkRetryState } from "./actions";

/** One bulk-retry button: every incident of a system (applicationId) or of a kind. */
export function BulkRetryButton({ applicationId, kind, label }: { applicationId?: string; kind?: string; label: string }) {
  const [state, action, pending] = useActionState<BulkRetryState, FormData>(retryIncidentsAction, null);
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      {applicationId && <input type="hidden" name="applicationId" value={applicationId} />}
      {kind && <input type="hidden" name="kind" value={kind} />}
      <button type="submit" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50">
        {pending ? "Retrying…" : label}
      </button>
      {state && (
        <span role="status" className={`text-xs ${state.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {state.message}
        </span>
      )}
    </form>
  );
}
