"use client";
import { useActionState } from "react";
import type { CreateTokenState, RevokeTokenState } from "./actions";

type CreateAction = (prev: CreateTokenState, form: FormData) => Promise<CreateTokenState>;
type RevokeAction = (prev: RevokeTokenState, form: FormData) => Promise<RevokeTokenState>;

/** Create form; the new token is shown once, here, and never again. */
export function CreateTokenForm({ action }: { action: CreateAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <div className="space-y-3">
      <form action={formAction} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm font-medium text-slate-700">
          Token name
          <input name="name" required maxLength={100} placeholder="e.g. Okta production" className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {state && !state.ok && <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">{state.message}</p>}
      {state?.ok && state.token && (
        <div role="status" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p className="font-medium">Token &ldquo;{state.name}&rdquo; created. Copy it now: it is shown only once.</p>
          <code aria-label="New SCIM token" className="mt-2 block break-all rounded bg-white p-2 font-mono text-xs text-slate-900">{state.token}</code>
        </div>
      )}
    </div>
  );
}

export function RevokeTokenButton({ action, id, name }: { action: RevokeAction; id: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="inline">
      <input type="hidden" name="id" value={id} />
      <button disabled={pending} aria-label={`Revoke ${name}`} className="rounded-md border border-rose-300 px-2 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state && !state.ok && <span role="alert" className="ml-2 text-xs text-rose-700">{state.message}</span>}
    </form>
  );
}
