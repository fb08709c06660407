"use client";
import { useActionState } from "react";
import type { AppActionState, UsageImportState } from "./actions";

type Action = (prev: AppActionState, form: FormData) => Promise<AppActionState>;

function Result({ state }: { state: AppActionState }) {
  if (!state) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={state.ok ? "mt-2 text-sm text-emerald-800" : "mt-2 text-sm text-rose-700"}>
      {state.message}
    </p>
  );
}

/** "Sync now": read the system back at once (accounts, groups, memberships). */
export function SyncNowButton({ action, id }: { action: Action; id: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction}>
      <input type="hidden" name="id" value={id} />
      <button disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "Syncing…" : "Sync now"}
      </button>
      <Result state={state} />
    </form>
  );
}

export type EntitlementRow = {
  id: string; name: string; description: string; ownerEmail: string | null; sensitivity: string; privileged: boolean; requestable: boolean;
};

/** Admins edit an entitlement's metadata in place (a disclosure per row). */
export function EntitlementEditForm({ action, applicationId, e }: { action: Action; applicationId: string; e: EntitlementRow }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-brand-700">Edit</summary>
      <form action={formAction} aria-label={`Edit ${e.name}`} className="mt-2 grid gap-2 rounded border border-slate-200 bg-slate-50 p-2 text-xs sm:grid-cols-2">
        <input type="hidden" name="applicationId" value={applicationId} />
        <input type="hidden" name="entitlementId" value={e.id} />
        <label className="flex flex-col sm:col-span-2">
          Description
          <input name="description" defaultValue={e.description} maxLength={2000} className="mt-1 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col">
          Owner (email)
          <input name="owner" type="email" defaultValue={e.ownerEmail ?? ""} maxLength={320} className="mt-1 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col">
          Sensitivity
          <select name="sensitivity" defaultValue={e.sensitivity} className="mt-1 rounded border border-slate-300 px-2 py-1">
            {["low", "medium", "high", "critical"].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="flex items-center gap-1"><input type="checkbox" name="privileged" defaultChecked={e.privileged} /> Privileged</label>
        <label className="flex items-center gap-1"><input type="checkbox" name="requestable" defaultChecked={e.requestable} /> Requestable</label>
        <div className="sm:col-span-2">
          <button disabled={pending} className="rounded bg-brand-700 px-3 py-1 font-medium text-white hover:bg-brand-900 disabled:opacity-60">{pending ? "Saving…" : "Save"}</button>
          <Result state={state} />
        </div>
      </form>
    </details>
  );
}

/** Usage file upload (owners and admins): CSV `account,last_used`; row errors listed, nothing saved if any. */
export function UsageImportForm({ action, applicationId }: { action: (prev: UsageImportState, form: FormData) => Promise<UsageImportState>; applicationId: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} aria-label="Import usage" className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="applicationId" value={applicationId} />
      <label className="flex flex-col text-sm font-medium text-slate-700">
        Usage file (CSV: account,last_used)
        <input type="file" name="file" accept=".csv,text/csv,text/plain" className="mt-1 text-sm" />
      </label>
      <label className="flex items-center gap-1 text-sm text-slate-700"><input type="checkbox" name="dryRun" /> Dry run</label>
      <button disabled={pending} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "Importing…" : "Import usage"}
      </button>
      {state && (
        <div role={state.ok ? "status" : "alert"} className={`w-full text-sm ${state.ok ? "text-emerald-800" : "text-rose-700"}`}>
          <p>{state.message}</p>
          {state.details && state.details.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-xs">
              {state.details.map((d) => <li key={d}>{d}</li>)}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
