"use client";
import { useActionState, useState } from "react";
import { submitKeepingValues } from "@/components/forms/submit-keeping-values";
import type { RoleChangeState } from "./actions";

type Action = (prev: RoleChangeState, form: FormData) => Promise<RoleChangeState>;

/** A field of a change form: its value lives in React state, so a preview (or a refusal) never resets it. */
export type ChangeField =
  | { kind: "select"; name: string; label: string; value: string; options: Array<{ value: string; label: string }> }
  | { kind: "textarea"; name: string; label: string; value: string; rows?: number; placeholder?: string; describedBy?: string }
  | { kind: "input"; name: string; label: string; value: string };

const textarea = "w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm";

/**
 * One proposed change: "Preview" shows who gains and loses what and the new SoD conflicts (nothing changes);
 * the apply button then saves exactly that change: it carries the preview's token (the server refuses any other
 * change) and its gain/lose figures (refused if the organisation changed since). The fields are controlled (React 19
 * resets uncontrolled fields after a form action): they keep what the admin typed or picked, and editing one after a
 * preview hides the apply button until the next preview.
 */
export function ChangeForm({ action, hidden, fields = [], note, applyLabel, previewLabel = "Preview", label }: {
  action: Action;
  hidden: Record<string, string>;
  fields?: ChangeField[];
  note?: string;
  applyLabel: string;
  previewLabel?: string;
  label: string;
}) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.value])));
  // The field values the last preview was computed for.
  const [previewedValues, setPreviewedValues] = useState<Record<string, string> | null>(null);
  const [state, formAction, pending] = useActionState(async (prev: RoleChangeState, fd: FormData) => {
    const r = await action(prev, fd);
    if (fd.get("mode") === "preview") setPreviewedValues(Object.fromEntries(fields.map((f) => [f.name, String(fd.get(f.name) ?? "")])));
    return r;
  }, null);
  const p = state?.preview;
  const valueOf = (f: ChangeField) => {
    const v = values[f.name] ?? "";
    // A select whose option went away (the entitlement was just added): the first remaining one.
    return f.kind === "select" && !f.options.some((o) => o.value === v) ? (f.options[0]?.value ?? "") : v;
  };
  const unchanged = previewedValues !== null && fields.every((f) => (previewedValues[f.name] ?? "") === valueOf(f));
  const canApply = p && !state?.applied && !state?.held?.id && unchanged;
  const set = (name: string) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value }));
  const fieldError = state && !state.ok ? state.fields : undefined;
  return (
    <form onSubmit={submitKeepingValues((fd) => formAction(fd))} aria-label={label} className="space-y-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {note && <p className="text-sm text-slate-600">{note}</p>}
      {fields.map((f) => (
        <label key={f.name} className="flex flex-col text-xs font-medium text-slate-600">
          {f.label}
          {f.kind === "select" ? (
            <select name={f.name} required value={valueOf(f)} onChange={set(f.name)} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>{o.label}</option>
              ))}
            </select>
          ) : f.kind === "textarea" ? (
            <textarea
              name={f.name} rows={f.rows ?? 3} value={valueOf(f)} onChange={set(f.name)} placeholder={f.placeholder} className={textarea}
              aria-describedby={f.describedBy} aria-invalid={Boolean(fieldError?.[f.name])}
            />
          ) : (
            <input name={f.name} value={valueOf(f)} onChange={set(f.name)} className="rounded-md border border-slate-300 px-2 py-1 text-sm" />
          )}
        </label>
      ))}
      <div className="flex flex-wrap gap-2">
        <button name="mode" value="preview" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-60">
          {pending ? "Working…" : previewLabel}
        </button>
        {canApply && (
          <>
            <input type="hidden" name="expectGain" value={p.gain} />
            <input type="hidden" name="expectLose" value={p.lose} />
            <input type="hidden" name="previewToken" value={p.token} />
            <button name="mode" value="apply" disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
              {applyLabel}
            </button>
          </>
        )}
      </div>
      {p && !state?.applied && !state?.held?.id && !unchanged && (
        <p role="status" className="text-sm text-amber-800">Changed since the preview: preview again to see its effect before applying.</p>
      )}
      {state && !state.ok && (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-2 text-sm text-rose-800">{state.message}</p>
      )}
      {p && (
        <div role="status" aria-label="Blast radius" className="rounded border border-slate-200 bg-slate-50 p-3 text-sm">
          <p className="font-medium">
            {state?.applied ? "Applied: " : "If applied: "}
            {p.summary}
          </p>
          {state?.totals && (
            <p className="text-slate-600">
              {state.applied ? "Done: " : "Applying creates: "}+{state.totals.added} grants, {state.totals.scheduledForRemoval} scheduled for removal after the overlap
              {state.totals.ruleBacked > 0 && <>, {state.totals.ruleBacked} adopted grants become rule-backed</>}, {state.totals.operations} provisioning operations
              {state.totals.operations > 0 && <> ({Object.entries(state.totals.byKind).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ")})</>}.
            </p>
          )}
          {state?.held && (
            <p role="alert" className="mt-1 rounded border border-amber-200 bg-amber-50 p-2 text-amber-900">
              {state.held.id ? (
                <>Held by the mass-change guard: nothing was applied. An admin reviews and releases it on <a className="underline" href={`/admin/held-runs/${state.held.id}`}>Held runs</a>.</>
              ) : (
                <>Applying will be held by the mass-change guard for an admin&apos;s release.</>
              )}{" "}
              {state.held.reasons.join("; ")}
            </p>
          )}
          {p.entitlements.length > 0 && (
            <div className="overflow-x-auto"><table className="mt-2 w-full text-left">
              <caption className="sr-only">Access gained and lost</caption>
              <thead className="text-slate-600"><tr><th scope="col">Entitlement</th><th scope="col">Gain</th><th scope="col">Lose</th><th scope="col">For example</th></tr></thead>
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
            </table></div>
          )}
          {p.sod.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-amber-900">
              {p.sod.map((s) => (
                <li key={s.policyId}>New SoD conflict “{s.name}” ({s.severity}) for {s.people} {s.people === 1 ? "person" : "people"}: {s.sample.join(", ")}</li>
              ))}
            </ul>
          )}
          {!state?.applied && p.lose > 0 && <p className="mt-1 text-xs text-slate-600">Losses keep the access for the 7-day overlap, then it is removed.</p>}
        </div>
      )}
    </form>
  );
}
