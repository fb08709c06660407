"use client";
import { useActionState, useState } from "react";
import type { HrImportState } from "@/app/(portal)/admin/hr-import/actions";

type Action = (prev: HrImportState, form: FormData) => Promise<HrImportState>;

const kindLabel: Record<string, string> = { joiner: "Joiner", pre_hire: "Pre-hire", mover: "Mover", leaver: "Leaver", leave_start: "Leave starts", leave_end: "Back from leave", rehire: "Rehire" };

export function HrImportForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  // The snapshot's export time (its file's modification time): older rows than a person's last HR change are skipped.
  const [asOf, setAsOf] = useState("");
  const r = state?.result;
  const previewed = state?.ok && r?.dryRun;
  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <label className="flex flex-col text-sm font-medium text-slate-700">
          HR file (CSV)
          <input
            type="file" name="file" accept=".csv,text/csv" required className="mt-1 text-sm"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              setAsOf(f && f.lastModified ? new Date(f.lastModified).toISOString() : "");
            }}
          />
        </label>
        <input type="hidden" name="asOf" value={asOf} />
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
          <h2 className="font-semibold">{r.dryRun ? `Dry run of ${state.fileName}: nothing has changed yet` : r.held?.id ? `Held ${state.fileName}` : `Applied ${state.fileName}`}</h2>
          {state.asOf && <p className="text-sm text-slate-600">As of {state.asOf.replace("T", " ").slice(0, 16)} UTC (the file&apos;s export time; an as_of column wins for its row).</p>}
          <p className="text-sm">
            {r.created} new, {r.updated} changed, {r.unchanged} unchanged people · {r.events.length} lifecycle events · access: +{r.access.added} granted,{" "}
            {r.access.scheduledForRemoval} scheduled for removal after the overlap, −{r.access.revoked} revoked · {r.operations} provisioning operations
            {r.operations > 0 && r.operationsByKind && <> ({Object.entries(r.operationsByKind).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ")})</>}
          </p>
          {r.held && (
            <p role="alert" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              {r.held.id ? (
                <>Held by the mass-change guard: nothing was applied. An admin reviews the changes and releases it on <a className="underline" href={`/admin/held-runs/${r.held.id}`}>Held runs</a>.</>
              ) : (
                <>Applying will be held by the mass-change guard for an admin&apos;s release.</>
              )}{" "}
              {r.held.reasons.join("; ")}
            </p>
          )}
          {r.errors.length > 0 && (
            <div role="alert" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              <p className="font-medium">
                {r.errors.length} problem(s) in the file
                {r.applied ? " (those rows were skipped)" : r.validRowsOnly ? ": the preview below covers the valid rows only, which is what applying only the valid rows does" : ": a file with errors changes nothing unless you apply only the valid rows"}.
              </p>
              <ul className="mt-1 list-disc pl-5">
                {r.errors.slice(0, 50).map((e, i) => (
                  <li key={i}>row {e.line}{e.column ? `, column ${e.column}` : ""}: {e.message}</li>
                ))}
              </ul>
            </div>
          )}
          {r.warnings.length > 0 && (
            <div role="status" className="rounded border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900">
              <p className="font-medium">{r.skipped} row(s) skipped: they would undo newer HR changes.</p>
              <ul className="mt-1 list-disc pl-5">
                {r.warnings.slice(0, 50).map((w, i) => (
                  <li key={i}>row {w.line}: {w.message}</li>
                ))}
              </ul>
            </div>
          )}
          {r.notices && r.notices.length > 0 && (
            <div role="status" aria-label="Values to check" className="rounded border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
              <p className="font-medium">{r.notices.length} value(s) to check (accepted as they are):</p>
              <ul className="mt-1 list-disc pl-5">
                {r.notices.slice(0, 50).map((w, i) => (
                  <li key={i}>row {w.line}: {w.message}</li>
                ))}
              </ul>
            </div>
          )}
          {r.events.length > 0 && (
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Detected lifecycle events</caption>
              <thead className="text-left text-slate-600"><tr><th scope="col">Event</th><th scope="col">Person</th><th scope="col">Why</th></tr></thead>
              <tbody>
                {r.events.slice(0, 200).map((e, i) => (
                  <tr key={i} className="border-t border-slate-100">
                    <td className="py-1">{kindLabel[e.kind] ?? e.kind}</td>
                    <td className="py-1">
                      {r.dryRun || !e.personId ? e.name : <a className="text-brand-700 hover:underline" href={`/people/${e.personId}`}>{e.name}</a>}{" "}
                      <span className="text-xs text-slate-600">({e.employeeId})</span>
                    </td>
                    <td className="py-1">{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}
          {r.people && r.people.length > 0 && (
            <details className="rounded border border-slate-200" open={r.people.length <= 20}>
              <summary className="cursor-pointer px-3 py-2 text-sm font-medium">Access per person ({r.people.length})</summary>
              <div className="overflow-x-auto">
                <table className="w-full text-sm">
                  <caption className="sr-only">Access gained and lost per person</caption>
                  <thead className="text-left text-slate-600">
                    <tr><th scope="col" className="px-3">Person</th><th scope="col">Gains</th><th scope="col">Loses after the overlap</th><th scope="col">Loses now</th></tr>
                  </thead>
                  <tbody>
                    {r.people.slice(0, 500).map((p) => (
                      <tr key={p.personId} className="border-t border-slate-100 align-top">
                        <td className="px-3 py-1">{p.name} <span className="text-xs text-slate-600">({p.employeeId})</span></td>
                        <td className="whitespace-pre-line py-1 text-emerald-800">{p.gained.length ? p.gained.map((g) => `+ ${g}`).join("\n") : "–"}</td>
                        <td className="whitespace-pre-line py-1 text-amber-800">{p.scheduled.length ? p.scheduled.map((g) => `− ${g}`).join("\n") : "–"}</td>
                        <td className="whitespace-pre-line py-1 text-rose-800">{p.lost.length ? p.lost.map((g) => `− ${g}`).join("\n") : "–"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
          {previewed && (
            <form action={formAction} className="flex items-center gap-4 border-t border-slate-100 pt-3">
              <input type="hidden" name="csv" value={state.csv} />
              <input type="hidden" name="fileName" value={state.fileName} />
              <input type="hidden" name="mode" value="apply" />
              {state.asOf && <input type="hidden" name="asOf" value={state.asOf} />}
              {r.errors.length > 0 && (
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="onlyValid" /> Apply only the valid rows
                </label>
              )}
              <button disabled={pending} className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60">
                Apply these changes
              </button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
