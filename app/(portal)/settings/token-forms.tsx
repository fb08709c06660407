"use client";
import { useActionState } from "react";
import type { TokenState } from "./actions";

type Action = (prev: TokenState, form: FormData) => Promise<TokenState>;

/** Personal token for one's own assistant: name, scopes, days; the secret is shown once. */
export function PersonalTokenForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <div className="space-y-3">
      <form action={formAction} className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">Token name</span>
          <input name="name" required maxLength={100} placeholder="e.g. my laptop assistant" className="rounded-md border border-slate-300 px-2 py-1" />
        </label>
        <fieldset className="flex gap-3">
          <legend className="text-slate-600">Scopes</legend>
          {(["read", "request", "decide"] as const).map((s) => (
            <label key={s} className="flex items-center gap-1">
              <input type="checkbox" name="scopes" value={s} defaultChecked={s === "read"} /> {s}
            </label>
          ))}
        </fieldset>
        <label className="flex flex-col gap-1">
          <span className="text-slate-600">Valid for (days)</span>
          <input name="days" type="number" min={1} max={365} defaultValue={30} className="w-24 rounded-md border border-slate-300 px-2 py-1" />
        </label>
        <button disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700 disabled:opacity-60">{pending ? "Creating…" : "Create token"}</button>
      </form>
      {state && !state.ok && <p role="alert" className="text-sm text-rose-700">{state.message}</p>}
      {state?.ok && (
        <div role="status" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p className="font-medium">{state.message}{state.token ? " Copy it now: it is shown only once." : ""}</p>
          {state.token && <code aria-label="New personal token" className="mt-2 block break-all rounded bg-white p-2 font-mono text-xs">{state.token}</code>}
        </div>
      )}
    </div>
  );
}

export function RevokePersonalTokenButton({ action, id, name }: { action: Action; id: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="inline">
      <input type="hidden" name="id" value={id} />
      <button disabled={pending} aria-label={`Revoke ${name}`} className="rounded-md border border-rose-300 px-2 py-1 text-xs text-rose-700 hover:bg-rose-50 disabled:opacity-60">{pending ? "…" : "Revoke"}</button>
      {state && !state.ok && <span role="alert" className="ml-2 text-xs text-rose-700">{state.message}</span>}
    </form>
  );
}
