"use client";
import { useActionState } from "react";
import type { PortalRoleState } from "./actions";

type Action = (prev: PortalRoleState, form: FormData) => Promise<PortalRoleState>;

function Result({ state }: { state: PortalRoleState }) {
  if (!state) return null;
  return state.ok ? (
    <p role="status" className="rounded border border-emerald-200 bg-emerald-50 p-2 text-sm text-emerald-900">{state.message}</p>
  ) : (
    <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-2 text-sm text-rose-800">{state.message}</p>
  );
}

/** Grant form. The email and role stay in the fields after a refusal (React resets uncontrolled fields after an action). */
export function GrantRoleForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <div className="space-y-3">
      <form action={formAction} className="flex flex-wrap items-end gap-3">
        <input type="hidden" name="verb" value="grant" />
        <label className="flex flex-col text-sm font-medium text-slate-700">
          Work email
          <input name="email" type="email" required maxLength={320} placeholder="name@company.com" className="mt-1 w-72 rounded-md border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <div className="flex flex-col text-sm font-medium text-slate-700">
          <label htmlFor="grant-role">Role</label>
          <select id="grant-role" name="role" defaultValue="admin" className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm">
            <option value="admin">Admin</option>
            <option value="auditor">Auditor</option>
            <option value="security">Security</option>
          </select>
        </div>
        <button disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-900 disabled:opacity-60">
          {pending ? "Granting…" : "Grant role"}
        </button>
      </form>
      <Result state={state} />
    </div>
  );
}

export function RevokeRoleButton({ action, email, role, name }: { action: Action; email: string; role: string; name: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="inline" onSubmit={(e) => { if (!confirm(`Remove the ${role} role from ${name}?`)) e.preventDefault(); }}>
      <input type="hidden" name="verb" value="revoke" />
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="role" value={role} />
      <button disabled={pending} aria-label={`Remove ${role} role from ${name}`} className="rounded-md border border-rose-300 px-2 py-1 text-xs font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">
        {pending ? "Removing…" : "Remove"}
      </button>
      {state && !state.ok && <span role="alert" className="ml-2 text-xs text-rose-700">{state.message}</span>}
    </form>
  );
}
