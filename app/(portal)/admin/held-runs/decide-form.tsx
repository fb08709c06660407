"use client";
import { useActionState } from "react";
import type { HeldRunState } from "./actions";

type Action = (prev: HeldRunState, form: FormData) => Promise<HeldRunState>;

/** Release or cancel, with an optional note; both ask for confirmation first. */
export function DecideHeldRunForm({ action, id, removals }: { action: Action; id: string; removals: number }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form
      action={formAction}
      aria-label="Decide held run"
      className="space-y-2"
      onSubmit={(e) => {
        const verb = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
        const q = verb === "release" ? `Run it now: up to ${removals} removals will be executed.` : "Cancel this run? Nothing of it will be executed.";
        if (!confirm(q)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <label className="flex flex-col text-sm font-medium text-slate-700">
        Note (optional, kept in the audit log)
        <input name="note" maxLength={1000} className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm" />
      </label>
      <div className="flex gap-2">
        <button name="verb" value="release" disabled={pending} className="rounded-md bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-800 disabled:opacity-60">
          {pending ? "Working…" : "Release and run"}
        </button>
        <button name="verb" value="cancel" disabled={pending} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-60">
          Cancel run
        </button>
      </div>
      {state && (
        <p role={state.ok ? "status" : "alert"} className={state.ok ? "rounded border border-emerald-200 bg-emerald-50 p-2 text-sm text-emerald-900" : "rounded border border-rose-200 bg-rose-50 p-2 text-sm text-rose-800"}>
          {state.message}
        </p>
      )}
    </form>
  );
}
