"use client";
import { useActionState } from "react";
import type { MarkReadState } from "./actions";

type Action = (prev: MarkReadState, form: FormData) => Promise<MarkReadState>;

/** "Mark read" for one notification (id) or for all of them (no id). */
export function MarkReadButton({ action, id, label }: { action: Action; id?: string; label: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="inline">
      {id && <input type="hidden" name="id" value={id} />}
      <button disabled={pending} className="rounded-md border border-slate-300 px-2 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "…" : label}
      </button>
      {state && !state.ok && <span role="alert" className="ml-2 text-xs text-rose-700">{state.message}</span>}
    </form>
  );
}
