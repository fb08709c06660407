"use client";
import { useActionState } from "react";
import type { DelegationState } from "./actions";

type Action = (prev: DelegationState, form: FormData) => Promise<DelegationState>;

function Status({ state }: { state: DelegationState }) {
  if (!state) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={`mt-2 text-sm ${state.ok ? "text-emerald-700" : "text-rose-700"}`}>
      {state.message}
    </p>
  );
}

/** "While I'm away, approvals go to <colleague's email> until <date>". */
export function DelegateForm({ action, minDate, defaultEmail, defaultUntil }: { action: Action; minDate: string; defaultEmail?: string; defaultUntil?: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">Colleague&apos;s email</span>
        <input name="email" type="email" required defaultValue={defaultEmail} className="rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">Until (inclusive)</span>
        <input name="until" type="date" required min={minDate} defaultValue={defaultUntil} className="rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <button disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Saving…" : "Save"}
      </button>
      <div className="basis-full">
        <Status state={state} />
      </div>
    </form>
  );
}

export function ClearDelegateButton({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="inline">
      <button disabled={pending} className="rounded-md border border-slate-300 px-2 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "…" : "End delegation now"}
      </button>
      <Status state={state} />
    </form>
  );
}
