"use client";
import { useActionState } from "react";
import { retryIncidentAction, type RetryState } from "./actions";

export function RetryButton({ incidentId, label }: { incidentId: string; label: string }) {
  const [state, action, pending] = useActionState<RetryState, FormData>(retryIncidentAction, null);
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name="incidentId" value={incidentId} />
      <button
        type="submit"
        disabled={pending || state?.ok === true}
        aria-label={label}
        className="rounded-md bg-brand-600 px-3 py-1 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
      >
        {pending ? "Retrying…" : "Retry"}
      </button>
      {state && (
        <span role="status" className={`text-xs ${state.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {state.message}
        </span>
      )}
    </form>
  );
}
