"use client";
import { useActionState, useState } from "react";
import type { RoutingPolicy } from "@/lib/domain/routing";
import { submitKeepingValues } from "@/components/forms/submit-keeping-values";
import type { SavePolicyState } from "./actions";

type Action = (prev: SavePolicyState, form: FormData) => Promise<SavePolicyState>;

const field = "mt-1 w-28 rounded-md border border-slate-300 px-2 py-1 text-sm";

/**
 * Edit the thresholds (starting from the active policy) and save them as active or as shadow (a trial that decides
 * nothing). The fields are controlled: React 19 resets uncontrolled fields after a form action, which would put the
 * active values back after a shadow save or a refusal and lose what was typed.
 */
export function PolicyForm({ action, initial, canEdit, hasShadow }: { action: Action; initial: RoutingPolicy; canEdit: boolean; hasShadow: boolean }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [v, setV] = useState({
    autoApproveMaxRisk: String(initial.autoApproveMaxRisk), autoApproveMinPeerAdoptionPct: String(Math.round(initial.autoApproveMinPeerAdoption * 100)),
    managerMaxRisk: String(initial.managerMaxRisk), reminderHours: String(initial.reminderHours), escalationHours: String(initial.escalationHours),
  });
  const [checks, setChecks] = useState({ contractorsNeedSponsor: initial.contractorsNeedSponsor, requesterMayApprove: Boolean(initial.requesterMayApprove) });
  const num = (k: keyof typeof v) => ({ name: k, value: v[k], onChange: (e: { target: { value: string } }) => setV((x) => ({ ...x, [k]: e.target.value })) });
  const box = (k: keyof typeof checks) => ({ name: k, checked: checks[k], onChange: (e: { target: { checked: boolean } }) => setChecks((x) => ({ ...x, [k]: e.target.checked })) });
  return (
    <div className="space-y-3">
      <form onSubmit={submitKeepingValues((fd) => formAction(fd))} className="space-y-4">
        <fieldset disabled={!canEdit || pending} className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          <legend className="sr-only">Routing thresholds</legend>
          <label className="flex flex-col text-sm text-slate-700">Auto-approve up to risk (0–10)
            <input {...num("autoApproveMaxRisk")} type="number" step="0.1" min={0} max={10} className={field} required />
          </label>
          <label className="flex flex-col text-sm text-slate-700">Auto-approve needs peers holding it (%)
            <input {...num("autoApproveMinPeerAdoptionPct")} type="number" step="1" min={0} max={100} className={field} required />
          </label>
          <label className="flex flex-col text-sm text-slate-700">Manager decides up to risk (0–10)
            <input {...num("managerMaxRisk")} type="number" step="0.1" min={0} max={10} className={field} required />
          </label>
          <label className="flex flex-col text-sm text-slate-700">Reminder after (hours)
            <input {...num("reminderHours")} type="number" step="1" min={1} className={field} required />
          </label>
          <label className="flex flex-col text-sm text-slate-700">Escalate after (hours)
            <input {...num("escalationHours")} type="number" step="1" min={1} className={field} required />
          </label>
          <div className="flex flex-col gap-2 text-sm text-slate-700">
            <label><input {...box("contractorsNeedSponsor")} type="checkbox" className="mr-2" />Contractors need their sponsor</label>
            <label><input {...box("requesterMayApprove")} type="checkbox" className="mr-2" />The requester may approve (never the beneficiary)</label>
          </div>
        </fieldset>
        {canEdit && (
          <div className="flex flex-wrap gap-3">
            <button name="mode" value="active" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">Save as active</button>
            <button name="mode" value="shadow" disabled={pending} className="rounded-md border border-brand-600 px-4 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">Save as shadow (decides nothing)</button>
            {hasShadow && <button name="mode" value="shadow_off" formNoValidate disabled={pending} className="rounded-md border border-slate-300 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-60">Turn shadow mode off</button>}
          </div>
        )}
      </form>
      {state && <p role={state.ok ? "status" : "alert"} className={`rounded border p-3 text-sm ${state.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}>{state.message}</p>}
      {!canEdit && <p className="text-xs text-slate-600">Only admins can change the routing policy.</p>}
    </div>
  );
}
