"use client";
import { useActionState } from "react";
import type { AgentFormState } from "./actions";

type Action = (prev: AgentFormState, form: FormData) => Promise<AgentFormState>;
const input = "mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm";
const label = "flex flex-col text-sm font-medium text-slate-700";

function Outcome({ state, what }: { state: AgentFormState; what: string }) {
  if (!state) return null;
  if (!state.ok) return <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">{state.message}</p>;
  return (
    <div role="status" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
      <p className="font-medium">{state.message}{state.token ? " Copy its token now: it is shown only once." : ""}</p>
      {state.token && <code aria-label={what} className="mt-2 block break-all rounded bg-white p-2 font-mono text-xs text-slate-900">{state.token}</code>}
    </div>
  );
}

/** Register an agent; its first token is shown once. */
export function RegisterAgentForm({ action, isAdmin, defaultExpires, maxExpires }: { action: Action; isAdmin: boolean; defaultExpires: string; maxExpires: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <div className="space-y-3">
      <form action={formAction} className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <label className={label}>
          Agent name
          <input name="name" required maxLength={63} pattern="[A-Za-z0-9][A-Za-z0-9._\-]{1,62}" placeholder="e.g. hr-listener" className={input} />
        </label>
        <label className={label}>
          Kind
          <select name="kind" className={input} defaultValue="agent">
            <option value="agent">AI agent</option>
            <option value="service_account">Service account</option>
          </select>
        </label>
        <label className={label}>
          Expires on
          <input name="expires" type="date" defaultValue={defaultExpires} max={maxExpires} className={input} />
        </label>
        <label className={`${label} md:col-span-3`}>
          Purpose
          <input name="purpose" maxLength={500} placeholder="What it does and why it needs access" className={input} />
        </label>
        <fieldset className="text-sm md:col-span-3">
          <legend className="font-medium text-slate-700">Scopes</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {(["read", "request", "decide", "admin"] as const).map((s) => (
              <label key={s} className="flex items-center gap-1">
                <input type="checkbox" name="scopes" value={s} defaultChecked={s === "read"} /> {s}
              </label>
            ))}
          </div>
        </fieldset>
        {isAdmin && (
          <label className={label}>
            Sponsor&apos;s email (blank: you)
            <input name="sponsorEmail" type="email" className={input} />
          </label>
        )}
        <label className={`${label} md:col-span-2`}>
          Backup sponsors (emails)
          <input name="backupEmails" placeholder="comma separated" className={input} />
        </label>
        <div className="md:col-span-3">
          <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {pending ? "Registering…" : "Register agent"}
          </button>
        </div>
      </form>
      <Outcome state={state} what="New agent token" />
    </div>
  );
}

export function RotateTokenButton({ action, id, name }: { action: Action; id: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="inline-block">
      <input type="hidden" name="id" value={id} />
      <button disabled={pending} aria-label={`New token for ${name}`} className="rounded-md border border-slate-300 px-2 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "…" : "New token"}
      </button>
      <Outcome state={state} what={`New token for ${name}`} />
    </form>
  );
}

export function KillSwitchButton({ action, id, name }: { action: Action; id: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form
      action={formAction}
      className="inline-block"
      onSubmit={(e) => {
        if (!window.confirm(`Disable ${name} now? Its tokens and all its access are revoked at once.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button disabled={pending} aria-label={`Disable ${name}`} className="rounded-md border border-rose-300 px-2 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">
        {pending ? "Disabling…" : "Disable (kill switch)"}
      </button>
      <Outcome state={state} what="" />
    </form>
  );
}
