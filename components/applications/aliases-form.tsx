"use client";
import { useActionState } from "react";
import type { AliasesState } from "@/app/(portal)/applications/[id]/actions";

type Act = (prev: AliasesState, form: FormData) => Promise<AliasesState>;

/** Admins edit the other names people use for an application in plain-language requests (comma-separated). */
export function AliasesForm({ action, applicationId, aliases, builtIn }: { action: Act; applicationId: string; aliases: string[]; builtIn: string[] }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-2 text-sm">
      <input type="hidden" name="applicationId" value={applicationId} />
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Aliases (comma-separated)
        <input name="aliases" defaultValue={(state?.aliases ?? aliases).join(", ")} maxLength={2000} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" placeholder="gh, the repo" />
      </label>
      {builtIn.length > 0 && <p className="text-xs text-slate-600">Built in: {builtIn.join(", ")}</p>}
      <button disabled={pending} className="rounded-md border border-brand-600 px-3 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">
        {pending ? "Saving…" : "Save aliases"}
      </button>
      {state && <p role={state.ok ? "status" : "alert"} className={state.ok ? "text-emerald-700" : "text-rose-800"}>{state.message}</p>}
    </form>
  );
}
