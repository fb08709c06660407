"use client";
import { useActionState } from "react";
import type { CreateState } from "@/app/(portal)/requests/new/actions";
import { Badge } from "@/components/ui/badge";
import { pct, routeText } from "./route-label";

type Row = {
  id: string; name: string; description: string; level: string; sensitivity: string; privileged: boolean; maxDurationDays: number | null;
  applicationName: string; share: number; held?: boolean; expected?: { route: string; riskScore: number };
};
type Action = (prev: CreateState, form: FormData) => Promise<CreateState>;

const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** The catalog form: pick entitlements (suggestions or search results), a duration and a justification. */
export function RequestForm({ action, beneficiaryId, beneficiaryName, rows, suggested, peerGroup }: {
  action: Action; beneficiaryId: string; beneficiaryName: string; rows: Row[]; suggested: Row[]; peerGroup: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const r = state?.result;
  const pick = (e: Row, where: string) => (
    <tr key={`${where}-${e.id}`} className="border-t border-slate-100">
      <td className="px-3 py-2">
        <input type="checkbox" name="entitlementId" value={e.id} disabled={e.held} aria-label={`Select ${e.applicationName} ${e.name}`} data-app={e.applicationName} data-entitlement={e.name} data-level={e.level} className="h-4 w-4" />
      </td>
      <td className="px-3 py-2">
        <span className="font-medium">{e.applicationName}</span> · {e.name}
        {e.description && <div className="text-xs text-slate-500">{e.description}</div>}
      </td>
      <td className="px-3 py-2">
        {e.level} {e.privileged && <Badge tone="red">privileged</Badge>} {e.sensitivity !== "low" && <Badge tone={e.sensitivity === "critical" || e.sensitivity === "high" ? "yellow" : "gray"}>{e.sensitivity}</Badge>}
      </td>
      <td className="px-3 py-2">{pct(e.share)}</td>
      <td className="px-3 py-2">{e.maxDurationDays ? `≤ ${e.maxDurationDays} days` : "—"}</td>
      {where === "catalog" && (
        <td className="px-3 py-2" data-testid="expected-route">
          {e.held ? <Badge tone="green">already has it</Badge> : e.expected ? <span title={`Risk ${e.expected.riskScore}/10`}>{routeText[e.expected.route] ?? e.expected.route}</span> : "—"}
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
          <table className="w-full text-sm">
            <caption className="sr-only">Suggestions</caption>
            {head(false)}
            <tbody>{suggested.map((e) => pick(e, "suggested"))}</tbody>
          </table>
        </section>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">Requestable access</caption>
          {head(true)}
          <tbody>{rows.map((e) => pick(e, "catalog"))}</tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4">
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Duration in days (optional)
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
