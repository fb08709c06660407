"use client";
import { useActionState } from "react";
import type { VerifyState } from "./actions";

export function VerifyChainButton({ action }: { action: (prev: VerifyState) => Promise<VerifyState> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <div className="flex flex-col items-end gap-2">
      <form action={formAction}>
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Verifying…" : "Verify chain"}
        </button>
      </form>
      {state && (
        <p role={state.ok ? "status" : "alert"} className={`max-w-md rounded border p-2 text-sm ${state.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}>
          {state.message}
        </p>
      )}
    </div>
  );
}
