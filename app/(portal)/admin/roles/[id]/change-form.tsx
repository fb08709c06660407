"use client";
import { useActionState, type ReactNode } from "react";
import type { RoleChangeState } from "./actions";

type Action = (prev: RoleChangeState, form: FormData) => Promise<RoleChangeState>;

/**
 * One proposed change: "Preview" shows who gains and loses what and the new SoD conflicts (nothing changes);
 * the apply button then saves exactly that (refused if the organisation changed since the preview).
 */
export function ChangeForm({ action, hidden, children, applyLabel, previewLabel = "Preview", label }: {
  action: Action;
  hidden: Record<string, string>;
  children?: ReactNode;
  applyLabel: string;
  previewLabel?: string;
  label: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const p = state?.preview;
  return (
    <form action={formAction} aria-label={label} className="space-y-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children}
      <div className="flex flex-wrap gap-2">
        <button name="mode" value="preview" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-60">
          {pending ? "Working…" : previewLabel}
        </button>
        {p && !state?.applied && (
          <>
            <input type="hidden" name="expectGain" value={p.gain} />
            <input type="hidden" name="expectLose" value={p.lose} />
            <button name="mode" value="apply" disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
              {applyLabel}
            </button>
          </>
        )}
      </div>
      {state && !state.ok && (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-2 text-sm text-rose-800">{state.message}</p>
      )}
      {p && (
        <div role="status" aria-label="Blast radius" className="rounded border border-slate-200 bg-slate-50 p-3 text-sm">
          <p className="font-medium">
            {state?.applied ? "Applied: " : "If applied: "}
            {p.summary}
          </p>
          {state?.applied && (
            <p className="text-slate-600">
              +{state.applied.added} grants, {state.applied.scheduledForRemoval} scheduled for removal after the overlap, {state.applied.operations} provisioning operations planned.
            </p>
          )}
          {p.entitlements.length > 0 && (
            <table className="mt-2 w-full text-left">
              <caption className="sr-only">Access gained and lost</caption>
              <thead className="text-slate-500"><tr><th scope="col">Entitlement</th><th scope="col">Gain</th><th scope="col">Lose</th><th scope="col">For example</th></tr></thead>
              <tbody>
                {p.entitlements.map((e) => (
                  <tr key={e.entitlementId} className="border-t border-slate-200">
                    <td className="py-1">{e.application} · {e.name}</td>
                    <td className="text-emerald-700">{e.gain ? `+${e.gain}` : ""}</td>
                    <td className="text-rose-700">{e.lose ? `−${e.lose}` : ""}</td>
                    <td className="text-slate-600">{[...e.sampleGain, ...e.sampleLose].slice(0, 5).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.sod.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-amber-900">
              {p.sod.map((s) => (
                <li key={s.policyId}>New SoD conflict “{s.name}” ({s.severity}) for {s.people} {s.people === 1 ? "person" : "people"}: {s.sample.join(", ")}</li>
              ))}
            </ul>
          )}
          {!state?.applied && p.lose > 0 && <p className="mt-1 text-xs text-slate-500">Losses keep the access for the 7-day overlap, then it is removed.</p>}
        </div>
      )}
    </form>
  );
}
