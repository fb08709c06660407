"use client";
import { useMemo, useState, useTransition } from "react";
import type { SodPreviewResult, SodSaveResult } from "./actions";

type Choice = { id: string; application: string; name: string; privileged: boolean };
type Initial = { id?: string; name: string; description: string; severity: string; action: "block" | "require_approval"; enabled: boolean; sideA: string[]; sideB: string[] };

/**
 * Create or edit a policy. Every field lives in React state, so a preview or a refused save never
 * empties the form (React resets uncontrolled fields after a form action).
 */
export function SodPolicyEditor({ choices, initial, preview, save, remove }: {
  choices: Choice[];
  initial?: Initial;
  preview: (input: unknown) => Promise<SodPreviewResult>;
  save: (input: unknown) => Promise<SodSaveResult>;
  remove?: (input: unknown) => Promise<SodSaveResult>;
}) {
  const [v, setV] = useState<Initial>(initial ?? { name: "", description: "", severity: "high", action: "require_approval", enabled: true, sideA: [], sideB: [] });
  const [result, setResult] = useState<SodPreviewResult | null>(null);
  const [saved, setSaved] = useState<SodSaveResult | null>(null);
  const [pending, start] = useTransition();
  const byApp = useMemo(() => {
    const m = new Map<string, Choice[]>();
    for (const c of choices) m.set(c.application, [...(m.get(c.application) ?? []), c]);
    return [...m.entries()];
  }, [choices]);
  const set = <K extends keyof Initial>(k: K, val: Initial[K]) => {
    setV((old) => ({ ...old, [k]: val }));
    setResult(null);
    setSaved(null);
  };
  const selected = (e: React.ChangeEvent<HTMLSelectElement>) => [...e.target.selectedOptions].map((o) => o.value);
  const field = "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  const side = (k: "sideA" | "sideB", label: string) => (
    <label className="flex flex-1 flex-col text-sm font-medium text-slate-700">
      {label}
      <select multiple size={10} value={v[k]} onChange={(e) => set(k, selected(e))} className={field}>
        {byApp.map(([app, list]) => (
          <optgroup key={app} label={app}>
            {list.map((c) => <option key={c.id} value={c.id}>{c.name}{c.privileged ? " (privileged)" : ""}</option>)}
          </optgroup>
        ))}
      </select>
      <span className="mt-1 text-xs font-normal text-slate-600">{v[k].length} chosen (Ctrl/Cmd-click for several)</span>
    </label>
  );
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col text-sm font-medium text-slate-700">Name<input value={v.name} maxLength={120} onChange={(e) => set("name", e.target.value)} className={`${field} w-72`} /></label>
        <label className="flex flex-col text-sm font-medium text-slate-700">When a request would create it
          <select value={v.action} onChange={(e) => set("action", e.target.value as Initial["action"])} className={field}>
            <option value="require_approval">Warn: a person must approve</option>
            <option value="block">Block the request</option>
          </select>
        </label>
        <label className="flex flex-col text-sm font-medium text-slate-700">Severity
          <select value={v.severity} onChange={(e) => set("severity", e.target.value)} className={field}>
            {["low", "medium", "high", "critical"].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-700"><input type="checkbox" checked={v.enabled} onChange={(e) => set("enabled", e.target.checked)} /> Enabled</label>
      </div>
      <label className="flex flex-col text-sm font-medium text-slate-700">Why (shown to approvers and reviewers)<input value={v.description} maxLength={1000} onChange={(e) => set("description", e.target.value)} className={field} /></label>
      <div className="flex flex-wrap gap-4">
        {side("sideA", "Side A: any of these…")}
        {side("sideB", "…together with any of these (side B)")}
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={pending} onClick={() => start(async () => setResult(await preview({ sideA: v.sideA, sideB: v.sideB })))} className="rounded-md border border-brand-600 px-4 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60">
          Preview who violates it today
        </button>
        <button type="button" disabled={pending} onClick={() => start(async () => setSaved(await save({ ...v })))} className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {v.id ? "Save changes" : "Create policy"}
        </button>
        {remove && v.id && (
          <button type="button" disabled={pending} onClick={() => { if (confirm(`Delete the policy "${v.name}"?`)) start(async () => setSaved(await remove({ id: v.id }))); }} className="rounded-md border border-rose-300 px-4 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">
            Delete
          </button>
        )}
      </div>
      {saved && <p role={saved.ok ? "status" : "alert"} className={`rounded border p-2 text-sm ${saved.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}>{saved.message}</p>}
      {result && !result.ok && <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-2 text-sm text-rose-800">{result.message}</p>}
      {result && result.ok && (
        <div role="status" aria-label="Preview" className="rounded border border-slate-200 bg-slate-50 p-3 text-sm">
          <p className="font-medium">{result.total === 0 ? "Nobody holds both sides today." : `${result.total} ${result.total === 1 ? "person holds" : "people hold"} both sides today.`} Saving changes nobody&apos;s access: they become findings to review.</p>
          {result.people.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-xs">
              {result.people.map((p) => (
                <li key={p.personId}><a className="text-brand-700 underline" href={`/people/${p.personId}`}>{p.displayName}</a> ({p.department}{p.status !== "active" ? `, ${p.status}` : ""}): {p.sideA.join(", ")} + {p.sideB.join(", ")}</li>
              ))}
              {result.total > result.people.length && <li>… and {result.total - result.people.length} more</li>}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
