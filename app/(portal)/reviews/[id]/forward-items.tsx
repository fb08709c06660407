"use client";
import { useActionState, useState } from "react";
import type { ForwardState } from "./actions";

/** A reviewer hands their open items of this campaign to someone who knows the access better (a disclosure). */
export function ForwardItems({ campaignId, action, open }: { campaignId: string; action: (p: ForwardState, f: FormData) => Promise<ForwardState>; open: number }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [toEmail, setToEmail] = useState("");
  const [note, setNote] = useState("");
  return (
    <details className="mb-4 rounded-lg border border-slate-200 bg-white p-3 text-sm">
      <summary className="cursor-pointer font-medium text-slate-800">Forward my {open} open item{open === 1 ? "" : "s"} to someone else</summary>
      <form action={formAction} aria-label="Forward my open items" className="mt-2 flex flex-wrap items-end gap-2">
        <input type="hidden" name="campaignId" value={campaignId} />
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Their email
          <input type="email" name="toEmail" required value={toEmail} onChange={(e) => setToEmail(e.target.value)} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" />
        </label>
        <label className="flex min-w-64 flex-1 flex-col text-xs font-medium text-slate-700">
          Note (optional)
          <input name="note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" />
        </label>
        <button disabled={pending} className="rounded-md border border-brand-600 px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">Forward</button>
      </form>
      {state && <p role={state.ok ? "status" : "alert"} className={`mt-2 ${state.ok ? "text-emerald-800" : "text-rose-800"}`}>{state.message}</p>}
    </details>
  );
}
