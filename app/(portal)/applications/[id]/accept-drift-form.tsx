"use client";
import { useActionState, useId } from "react";
import { acceptDriftAction, type AcceptDriftState } from "./actions";

/** Accept one drift finding as an exception: a reason and an expiry date (admins). */
export function AcceptDriftForm({ findingId, what }: { findingId: string; what: string }) {
  const [state, action, pending] = useActionState<AcceptDriftState, FormData>(acceptDriftAction, null);
  const id = useId();
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" aria-label={`Accept as exception: ${what}`}>
      <input type="hidden" name="findingId" value={findingId} />
      <label htmlFor={`${id}-reason`} className="sr-only">Reason</label>
      <input id={`${id}-reason`} name="reason" required minLength={5} maxLength={500} placeholder="Reason" className="w-48 rounded-md border border-slate-300 px-2 py-1 text-xs" />
      <label htmlFor={`${id}-until`} className="sr-only">Until</label>
      <input id={`${id}-until`} name="until" type="date" required className="rounded-md border border-slate-300 px-2 py-1 text-xs" />
      <button type="submit" disabled={pending || state?.ok === true} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-50">
        {pending ? "Saving…" : "Accept as exception"}
      </button>
      {state && (
        <span role="status" className={`text-xs ${state.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {state.message}
        </span>
      )}
    </form>
  );
}
