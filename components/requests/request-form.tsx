"use client";
import { useActionState, useEffect, useState } from "react";
import type { CreateState } from "@/app/(portal)/requests/new/actions";
import { Badge } from "@/components/ui/badge";
import { pct, routeText } from "./route-label";

type Row = {
  id: string; name: string; description: string; level: string; sensitivity: string; privileged: boolean; maxDurationDays: number | null;
  applicationName: string; share: number; held?: boolean; requested?: boolean; expected?: { route: string; riskScore: number };
};
type Action = (prev: CreateState, form: FormData) => Promise<CreateState>;

const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A picked entitlement, kept across searches and pages (per beneficiary, for this browser tab). */
type Picked = { id: string; applicationName: string; name: string; maxDurationDays: number | null; durationDays: string };
const cartKey = (beneficiaryId: string) => `gatehouse:request-cart:${beneficiaryId}`;

/** Rows grouped by application, in the order they come. */
function byApplication(rows: Row[]): Array<[string, Row[]]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) (groups.get(r.applicationName) ?? groups.set(r.applicationName, []).get(r.applicationName)!).push(r);
  return [...groups.entries()];
}

/**
 * The catalog form: pick entitlements (suggestions or search results, grouped by application), each with its own
 * duration (within its time limit), and a justification. What is picked stays picked across searches and pages.
 */
export function RequestForm({ action, beneficiaryId, beneficiaryName, rows, suggested, peerGroup }: {
  action: Action; beneficiaryId: string; beneficiaryName: string; rows: Row[]; suggested: Row[]; peerGroup: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const r = state?.result;
  const [picked, setPicked] = useState<Picked[]>([]);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(cartKey(beneficiaryId)) ?? "[]");
      if (Array.isArray(saved)) setPicked(saved.filter((x) => x && typeof x.id === "string"));
    } catch {}
    setLoaded(true);
  }, [beneficiaryId]);
  useEffect(() => {
    if (loaded) sessionStorage.setItem(cartKey(beneficiaryId), JSON.stringify(picked));
  }, [picked, loaded, beneficiaryId]);
  // A submitted request empties the selection.
  useEffect(() => {
    if (state?.ok) setPicked([]);
  }, [state]);
  const isPicked = (id: string) => picked.some((p) => p.id === id);
  const toggle = (e: Row, on: boolean) =>
    setPicked((xs) => (on ? (xs.some((x) => x.id === e.id) ? xs : [...xs, { id: e.id, applicationName: e.applicationName, name: e.name, maxDurationDays: e.maxDurationDays, durationDays: "" }]) : xs.filter((x) => x.id !== e.id)));
  const pick = (e: Row, where: string) => (
    <tr key={`${where}-${e.id}`} className="border-t border-slate-100">
      <td className="px-3 py-2">
        <input type="checkbox" checked={isPicked(e.id)} onChange={(ev) => toggle(e, ev.currentTarget.checked)} disabled={e.held || e.requested} aria-label={`Select ${e.applicationName} ${e.name}`} data-app={e.applicationName} data-entitlement={e.name} data-level={e.level} className="h-4 w-4" />
      </td>
      <td className="px-3 py-2">
        <span className="font-medium">{e.applicationName}</span> · {e.name}
        {e.description && <div className="text-xs text-slate-600">{e.description}</div>}
      </td>
      <td className="px-3 py-2">
        {e.level} {e.privileged && <Badge tone="red">privileged</Badge>} {e.sensitivity !== "low" && <Badge tone={e.sensitivity === "critical" || e.sensitivity === "high" ? "yellow" : "gray"}>{e.sensitivity}</Badge>}
      </td>
      <td className="px-3 py-2">{pct(e.share)}</td>
      <td className="px-3 py-2">{e.maxDurationDays ? `≤ ${e.maxDurationDays} days` : "—"}</td>
      {where === "catalog" && (
        <td className="px-3 py-2" data-testid="expected-route">
          {e.held ? <Badge tone="green">already has it</Badge> : e.requested ? <Badge tone="yellow">requested, waiting</Badge> : e.expected ? <span title={`Risk ${e.expected.riskScore}/10`}>{routeText[e.expected.route] ?? e.expected.route}</span> : "—"}
        </td>
      )}
    </tr>
  );
  const head = (catalog: boolean) => (
    <thead className="bg-slate-50 text-left text-slate-600">
      <tr>
        <th scope="col" className="w-8 px-3 py-2"><span className="sr-only">Select</span></th>
        <th scope="col" className="px-3 py-2">Access</th>
        <th scope="col" className="px-3 py-2">Level</th>
        <th scope="col" className="px-3 py-2">Peers holding it</th>
        <th scope="col" className="px-3 py-2">Time limit</th>
        {catalog && <th scope="col" className="px-3 py-2">Approval</th>}
      </tr>
    </thead>
  );
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="beneficiaryId" value={beneficiaryId} />
      {suggested.length > 0 && (
        <section aria-label="People like you have" className="rounded-lg border border-emerald-200 bg-emerald-50/40 p-3">
          <h2 className="mb-2 text-sm font-semibold text-slate-700">People like {beneficiaryName === "you" ? "you" : beneficiaryName} have</h2>
          <p className="mb-2 text-xs text-slate-600">Held by at least half of {peerGroup}, and not yet by {beneficiaryName}.</p>
          <div className="overflow-x-auto"><table className="w-full text-sm">
            <caption className="sr-only">Suggestions</caption>
            {head(false)}
            <tbody>{suggested.map((e) => pick(e, "suggested"))}</tbody>
          </table></div>
        </section>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">Requestable access</caption>
          {head(true)}
          {byApplication(rows).map(([app, list]) => (
            <tbody key={app}>
              <tr className="bg-slate-50">
                <th scope="rowgroup" colSpan={6} className="px-3 py-1.5 text-left text-xs font-semibold text-slate-700">
                  {app} <span className="font-normal text-slate-600">({list.length})</span>
                </th>
              </tr>
              {list.map((e) => pick(e, "catalog"))}
            </tbody>
          ))}
        </table>
      </div>
      <section aria-label="Selected access" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Selected ({picked.length})</h2>
        {picked.length === 0 ? (
          <p className="text-sm text-slate-600">Tick access above; it stays selected when you search or change page.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {picked.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center gap-3">
                <input type="hidden" name="entitlementId" value={p.id} />
                <span className="min-w-64 flex-1"><span className="font-medium">{p.applicationName}</span> · {p.name}</span>
                <label className="flex items-center gap-2 text-xs text-slate-700">
                  Days (optional{p.maxDurationDays ? `, at most ${p.maxDurationDays}` : ""})
                  <input
                    name={`durationDays.${p.id}`} type="number" min={1} max={p.maxDurationDays ?? 3650} value={p.durationDays}
                    onChange={(ev) => { const v = ev.currentTarget.value; setPicked((xs) => xs.map((x) => (x.id === p.id ? { ...x, durationDays: v } : x))); }}
                    aria-label={`Days for ${p.applicationName} ${p.name}`} placeholder={p.maxDurationDays ? `${p.maxDurationDays}` : "no end"} className={`${field} w-24`}
                  />
                </label>
                <button type="button" onClick={() => setPicked((xs) => xs.filter((x) => x.id !== p.id))} className="text-xs text-rose-700 underline" aria-label={`Remove ${p.applicationName} ${p.name}`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4">
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Duration in days for the rest (optional)
          <input name="durationDays" type="number" min={1} max={3650} className={`${field} w-40`} placeholder="no end date" />
          {state?.fields?.["items.0.durationDays"] && <span className="text-rose-700">{state.fields["items.0.durationDays"]}</span>}
        </label>
        <label className="flex min-w-72 flex-1 flex-col text-xs font-medium text-slate-600">
          Justification (required for privileged access)
          <textarea name="justification" rows={2} maxLength={2000} className={field} placeholder="What do you need it for?" />
          {state?.fields?.justification && <span className="text-rose-700">{state.fields.justification}</span>}
        </label>
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Submitting…" : "Submit request"}
        </button>
      </div>
      {state && !state.ok && (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">{state.message}</p>
      )}
      {state?.ok && r && <RequestOutcome result={r} />}
    </form>
  );
}

export function RequestOutcome({ result }: { result: NonNullable<NonNullable<CreateState>["result"]> }) {
  return (
    <section role="status" aria-label="Request submitted" className="space-y-2 rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm">
      <p className="font-medium">
        Request submitted. <a className="text-brand-700 underline" href="/requests">Follow it in My requests</a>.
      </p>
      <ul className="space-y-2">
        {result.items.map((i) => (
          <li key={i.itemId}>
            <span className="font-medium">{i.label}</span>: {routeText[i.route] ?? i.route} · risk {i.riskScore}/10
            {i.durationDays ? ` · for ${i.durationDays} days` : ""}
            <div className="text-xs text-slate-600">{i.routeReasons.join(" ")}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
