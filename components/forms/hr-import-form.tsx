"use client";
import { useActionState } from "react";
import type { HrImportState } from "@/app/(portal)/admin/hr-import/actions";

type Action = (prev: HrImportState, form: FormData) => Promise<HrImportState>;

const kindLabel: Record<string, string> = { joiner: "Joiner", pre_hire: "Pre-hire", mover: "Mover", leaver: "Leaver", leave_start: "Leave starts", leave_end: "Back from leave", rehire: "Rehire" };

export function HrImportForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  const r = state?.result;
  const previewed = state?.ok && r?.dryRun;
  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <label className="flex flex-col text-sm font-medium text-slate-700">
          HR file (CSV)
          <input type="file" name="file" accept=".csv,text/csv" required className="mt-1 text-sm" />
        </label>
        <input type="hidden" name="mode" value="preview" />
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Reading…" : "Preview changes"}
        </button>
      </form>

      {state && !state.ok && (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">{state.message}</p>
      )}

      {state?.ok && r && (
        <section aria-label={r.dryRun ? "Dry run" : "Import result"} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">{r.dryRun ? `Dry run of ${state.fileName}: nothing has changed yet` : `Applied ${state.fileName}`}</h2>
          <p className="text-sm">
            {r.created} new, {r.updated} changed, {r.unchanged} unchanged people · {r.events.length} lifecycle events · access: +{r.access.added} granted,{" "}
            {r.access.scheduledForRemoval} scheduled for removal after the overlap, −{r.access.revoked} revoked · {r.operations} provisioning operations
          </p>
          {r.errors.length > 0 && (
            <div role="alert" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              <p className="font-medium">{r.errors.length} problem(s) in the file{r.applied ? " (those rows were skipped)" : ": a file with errors changes nothing unless you apply only the valid rows"}.</p>
              <ul className="mt-1 list-disc pl-5">
                {r.errors.slice(0, 50).map((e, i) => (
                  <li key={i}>row {e.line}{e.column ? `, column ${e.column}` : ""}: {e.message}</li>
                ))}
              </ul>
            </div>
          )}
          {r.events.length > 0 && (
            <table className="w-full text-sm">
              <caption className="sr-only">Detected lifecycle events</caption>
              <thead className="text-left text-slate-500"><tr><th scope="col">Event</th><th scope="col">Employee</th><th scope="col">Why</th></tr></thead>
              <tbody>
                {r.events.slice(0, 200).map((e, i) => (
                  <tr key={i} className="border-t border-slate-100">
                    <td className="py-1">{kindLabel[e.kind] ?? e.kind}</td>
                    <td className="py-1">{r.dryRun ? e.employeeId : <a className="text-brand-700 hover:underline" href={`/people/${e.personId}`}>{e.employeeId}</a>}</td>
                    <td className="py-1">{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {previewed && (
            <form action={formAction} className="flex items-center gap-4 border-t border-slate-100 pt-3">
              <input type="hidden" name="csv" value={state.csv} />
              <input type="hidden" name="fileName" value={state.fileName} />
              <input type="hidden" name="mode" value="apply" />
              {r.errors.length > 0 && (
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="onlyValid" /> Apply only the valid rows
                </label>
              )}
              <button disabled={pending} className="rounded-md bg-emerald-600 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-700 disabled:opacity-60">
                Apply these changes
              </button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
