"use client";
import { useActionState, useState } from "react";
import type { CampaignAdminState } from "./actions";

/**
 * Admin controls of an active campaign: extend the due date, close it now (confirmed: undecided items get the
 * default), remind every reviewer with open items, or move one reviewer's open items to another person.
 */
export function CampaignAdmin({ campaignId, action, defaultDecision }: { campaignId: string; action: (p: CampaignAdminState, f: FormData) => Promise<CampaignAdminState>; defaultDecision: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [date, setDate] = useState("");
  const [fromEmail, setFromEmail] = useState("");
  const [toEmail, setToEmail] = useState("");
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end gap-3">
        <form action={formAction} className="flex items-end gap-2">
          <input type="hidden" name="campaignId" value={campaignId} />
          <input type="hidden" name="verb" value="extend" />
          <label className="flex flex-col text-xs font-medium text-slate-700">
            New due date
            <input type="date" name="extendTo" value={date} onChange={(e) => setDate(e.target.value)} required className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" />
          </label>
          <button disabled={pending} className="rounded-md border border-brand-600 px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">Extend</button>
        </form>
        <form action={formAction} onSubmit={(e) => { if (!confirm(`Close this campaign now? Undecided items get the default decision (${defaultDecision}).`)) e.preventDefault(); }}>
          <input type="hidden" name="campaignId" value={campaignId} />
          <input type="hidden" name="verb" value="close" />
          <button disabled={pending} className="rounded-md border border-rose-300 px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">Close campaign now</button>
        </form>
        <form action={formAction}>
          <input type="hidden" name="campaignId" value={campaignId} />
          <input type="hidden" name="verb" value="remind" />
          <button disabled={pending} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60">Remind reviewers now</button>
        </form>
      </div>
      <form action={formAction} aria-label="Reassign open items" className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="campaignId" value={campaignId} />
        <input type="hidden" name="verb" value="reassign" />
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Open items of (email)
          <input type="email" name="fromEmail" value={fromEmail} onChange={(e) => setFromEmail(e.target.value)} required className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Move to (email)
          <input type="email" name="toEmail" value={toEmail} onChange={(e) => setToEmail(e.target.value)} required className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" />
        </label>
        <button disabled={pending} className="rounded-md border border-brand-600 px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">Reassign</button>
      </form>
      {state && <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-emerald-800" : "text-rose-800"}`}>{state.message}</p>}
    </div>
  );
}
