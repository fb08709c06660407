"use client";
import { useActionState } from "react";
import type { RemoveGrantState } from "./actions";

type Action = (prev: RemoveGrantState, form: FormData) => Promise<RemoveGrantState>;

/** Admins: remove one grant, with a reason (a disclosure, so the table stays compact). */
export function RemoveGrantForm({ action, personId, grantId, label }: { action: Action; personId: string; grantId: string; label: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <details>
      <summary className="cursor-pointer text-xs text-rose-700">Remove</summary>
      <form action={formAction} aria-label={`Remove ${label}`} className="mt-1 flex flex-col gap-1 text-xs">
        <input type="hidden" name="personId" value={personId} />
        <input type="hidden" name="grantId" value={grantId} />
        <label className="flex flex-col">
          Reason
          <input name="reason" required minLength={3} maxLength={1000} className="mt-0.5 rounded border border-slate-300 px-2 py-1" />
        </label>
        <button disabled={pending} className="self-start rounded border border-rose-300 px-2 py-0.5 font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">
          {pending ? "Removing…" : "Remove access"}
        </button>
        {state && <span role={state.ok ? "status" : "alert"} className={state.ok ? "text-emerald-800" : "text-rose-700"}>{state.message}</span>}
      </form>
    </details>
  );
}
