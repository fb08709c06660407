"use client";
import { useActionState } from "react";
import type { TaskActionState } from "./actions";

type Action = (prev: TaskActionState, form: FormData) => Promise<TaskActionState>;

export function ConfirmTaskForm({ action, taskId, needsId, label }: { action: Action; taskId: string; needsId: boolean; label: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="taskId" value={taskId} />
      {needsId && (
        <label className="flex flex-col text-xs text-slate-600">
          Account id in the system (optional)
          <input name="externalId" className="mt-1 rounded border border-slate-300 px-2 py-1 text-sm" />
        </label>
      )}
      <label className="flex flex-col text-xs text-slate-600">
        Note (optional)
        <input name="note" className="mt-1 rounded border border-slate-300 px-2 py-1 text-sm" />
      </label>
      <button disabled={pending} aria-label={`Mark done: ${label}`} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Saving…" : "Mark done"}
      </button>
      {state && <span role={state.ok ? "status" : "alert"} className={`text-xs ${state.ok ? "text-emerald-700" : "text-rose-700"}`}>{state.message}</span>}
    </form>
  );
}

export function UploadAccountsForm({ action, apps }: { action: Action; apps: Array<{ id: string; name: string }> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3">
      <label className="flex flex-col text-sm font-medium text-slate-700">
        System
        <select name="applicationId" className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm">
          {apps.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </label>
      <label className="flex flex-col text-sm font-medium text-slate-700">
        Account list (CSV: username, active, entitlements separated by ;)
        <input type="file" name="file" accept=".csv,text/csv,text/plain" className="mt-1 text-sm" />
      </label>
      <button disabled={pending} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "Uploading…" : "Upload and verify"}
      </button>
      {state && <p role={state.ok ? "status" : "alert"} className={`w-full text-sm ${state.ok ? "text-emerald-800" : "text-rose-700"}`}>{state.message}</p>}
    </form>
  );
}
