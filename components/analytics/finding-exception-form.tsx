"use client";
/** "Mark as justified exception": a reason and an expiry, recorded as an audit event; hidden from the list until it expires. */
import { useActionState, useState } from "react";

type State = { ok: boolean; message: string; fields?: Record<string, string> } | null;

export function FindingExceptionForm({ action, kind, personId, entitlementId, label, defaultExpiry }: {
  action: (prev: State, form: FormData) => Promise<State>;
  kind: string;
  personId: string;
  entitlementId: string | null;
  label: string;
  defaultExpiry: string;
}) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok) return <p role="status" className="text-xs text-green-800">{state.message}</p>;
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} className="text-xs text-brand-700 underline">
        Mark as justified exception
      </button>
    );
  return (
    <form action={formAction} className="mt-1 space-y-1 rounded border border-slate-200 p-2 text-xs" aria-label={`Exception for ${label}`}>
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="personId" value={personId} />
      {entitlementId && <input type="hidden" name="entitlementId" value={entitlementId} />}
      <label className="block">
        Reason
        <input name="reason" required minLength={5} maxLength={1000} className="mt-0.5 block w-full rounded border border-slate-300 px-1 py-0.5" />
      </label>
      {state?.fields?.reason && <p className="text-red-700">{state.fields.reason}</p>}
      <label className="block">
        Expires
        <input name="expiresAt" type="date" required defaultValue={defaultExpiry} className="mt-0.5 block rounded border border-slate-300 px-1 py-0.5" />
      </label>
      {state?.fields?.expiresAt && <p className="text-red-700">{state.fields.expiresAt}</p>}
      {state && !state.ok && <p role="alert" className="text-red-700">{state.message}</p>}
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className="rounded bg-brand-600 px-2 py-0.5 text-white disabled:opacity-50">Record exception</button>
        <button type="button" onClick={() => setOpen(false)} className="underline">Cancel</button>
      </div>
    </form>
  );
}
