"use client";
import { useActionState, useState } from "react";
import { submitKeepingValues } from "./submit-keeping-values";
import type { DraftState, ReportState } from "@/app/(portal)/analytics/access-report/actions";

type ReportAction = (p: ReportState, f: FormData) => Promise<ReportState>;
type DraftAction = (p: DraftState, f: FormData) => Promise<DraftState>;

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function AccessReportView({ analyse, draft, canDraft }: { analyse: ReportAction; draft: DraftAction; canDraft: boolean }) {
  const [state, run, pending] = useActionState(analyse, null);
  const [drafted, makeDrafts, drafting] = useActionState(draft, null);
  // Controlled (React 19 resets uncontrolled fields after a form action): the format and the chosen roles survive
  // the analysis and a refused draft.
  const [format, setFormat] = useState("auto");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const r = state?.report;
  const base = (state?.fileName ?? "access").replace(/\.csv$/i, "");
  const rolesForDraft = r?.roles.map((role) => ({ id: role.id, name: role.name, permissions: role.applications })) ?? [];
  return (
    <div className="space-y-4">
      <form onSubmit={submitKeepingValues((fd) => run(fd))} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <label className="flex flex-col text-sm font-medium text-slate-700">
          Who-has-what CSV
          <input type="file" name="file" accept=".csv,text/csv" required className="mt-1 text-sm" />
        </label>
        <label className="flex flex-col text-sm font-medium text-slate-700">
          Format
          <select name="format" className="mt-1 rounded border border-slate-300 px-2 py-1 text-sm" value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="auto">Detect</option>
            <option value="wide">Wide (one column per application, Yes/No)</option>
            <option value="long">Long (employee, application, entitlement…)</option>
          </select>
        </label>
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Analysing…" : "Analyse"}
        </button>
      </form>
      {state && !state.ok && <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">{state.message}</p>}
      {r && (
        <div className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <span>
              {r.people} people · {r.applications} applications · {r.assignments} assignments · <strong>{r.roles.length} roles</strong> reproduce every
              assignment exactly (at least {r.lowerBound} are needed) · {state?.seconds?.toFixed(1)} s
            </span>
            <span className="flex gap-2">
              <button type="button" onClick={() => download(`${base}-report.csv`, state!.csv!, "text/csv")} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">Export CSV</button>
              <button type="button" onClick={() => download(`${base}-report.json`, state!.json!, "application/json")} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">Export JSON</button>
            </span>
          </div>

          <section aria-labelledby="roles-h" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="roles-h" className="mb-2 font-semibold">1–2. Roles, their typical job titles and the applications each needs</h2>
            <form onSubmit={submitKeepingValues((fd) => makeDrafts(fd))}>
              <input type="hidden" name="roles" value={JSON.stringify(rolesForDraft)} />
              <div className="overflow-x-auto"><table className="w-full text-sm">
                <thead className="text-left text-slate-600">
                  <tr>{canDraft && <th scope="col" className="w-8"><span className="sr-only">Choose</span></th>}<th scope="col">Role</th><th scope="col">Typical titles</th><th scope="col">Members</th><th scope="col">Applications</th></tr>
                </thead>
                <tbody>
                  {r.roles.map((role) => (
                    <tr key={role.id} className="border-t border-slate-100 align-top" aria-label={role.name}>
                      {canDraft && <td className="py-1"><input
                        type="checkbox" name="chosen" value={role.id} aria-label={`Choose ${role.name}`} checked={chosen.has(role.id)}
                        onChange={(e) => setChosen((c) => { const n = new Set(c); if (e.target.checked) n.add(role.id); else n.delete(role.id); return n; })}
                      /></td>}
                      <td className="py-1">
                        <div className="font-medium">{role.name}</div>
                        <div className="text-xs text-slate-600" title={role.nameWhy}>{role.nameShare}</div>
                      </td>
                      <td className="py-1">{role.typicalTitles.slice(0, 3).map((t) => `${t.title} (${pct(t.share)})`).join(", ") || "—"}</td>
                      <td className="py-1">{role.members.length}</td>
                      <td className="py-1">{role.applications.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table></div>
              {canDraft && (
                <button disabled={drafting} className="mt-3 rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60">
                  Create draft role templates from the chosen roles
                </button>
              )}
            </form>
            {drafted && (
              <div role="status" className={`mt-2 text-sm ${drafted.ok ? "text-emerald-800" : "text-rose-800"}`}>
                {drafted.message}
                {drafted.created?.map((c) => (
                  <div key={c.id} className="mt-1">
                    <a href={`/admin/roles/${c.id}`} className="font-medium underline">{c.name}</a>: {c.entitlements} entitlement{c.entitlements === 1 ? "" : "s"}
                    <ul aria-label={`Included in ${c.name}`} className="ml-5 list-disc text-xs text-slate-700">
                      {c.included.map((e) => <li key={e.id}>{e.application} · {e.name} ({e.level})</li>)}
                    </ul>
                    {c.ambiguous.length > 0 && (
                      <ul aria-label={`Not drafted for ${c.name}`} className="ml-5 list-disc text-xs text-amber-800">
                        {c.ambiguous.map((a) => <li key={a.permission}>{a.permission}: the file names only the application, which has {a.choices.length} entitlements ({a.choices.join(", ")}); nothing was guessed: add the right one on the draft&apos;s page</li>)}
                      </ul>
                    )}
                    {c.unmatched.length > 0 && <p className="text-xs text-rose-800">Not in the catalogue: {c.unmatched.join(", ")}</p>}
                  </div>
                ))}
              </div>
            )}
          </section>

          <section aria-labelledby="inc-h" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="inc-h" className="mb-2 font-semibold">3. Applications with inconsistent access</h2>
            {r.inconsistentAccess.length === 0 ? <p className="text-sm text-slate-600">None: within each department and title, access is either common (≥ 80%) or rare (&lt; 20%).</p> : (
              <ul className="list-disc pl-5 text-sm">{r.inconsistentAccess.slice(0, 100).map((x, i) => <li key={i}>{x.reason}</li>)}</ul>
            )}
          </section>

          <section aria-labelledby="lvl-h" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="lvl-h" className="mb-2 font-semibold">4. Suggested permission levels by seniority</h2>
            {!r.permissionLevels.available ? <p className="text-sm text-slate-600">{r.permissionLevels.note}</p> : (
              <ul className="list-disc pl-5 text-sm">{r.permissionLevels.bySeniority.slice(0, 100).map((x, i) => <li key={i}>{x.reason}</li>)}</ul>
            )}
          </section>

          <section aria-labelledby="mm-h" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="mm-h" className="mb-2 font-semibold">5. People whose access does not match their stated role</h2>
            {r.mismatches.length === 0 ? <p className="text-sm text-slate-600">Everyone&apos;s access matches their peers.</p> : (
              <ul className="space-y-1 text-sm">
                {r.mismatches.slice(0, 100).map((m, i) => (
                  <li key={i}><strong>{m.employee}</strong> ({m.title ?? "no title"}): {m.reasons.join("; ")}</li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
