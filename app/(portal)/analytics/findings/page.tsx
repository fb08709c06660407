import type { Metadata } from "next";
import { FindingExceptionForm } from "@/components/analytics/finding-exception-form";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can, has } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { FINDING_KINDS, listFindings, type FindingKind } from "@/lib/services/mining/list-findings";
import { requireAllowed } from "@/lib/services/run";
import { markExceptionAction } from "./actions";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { findingsParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Findings" };

const TABS: Record<FindingKind, { label: string; hint: string }> = {
  outliers: { label: "Outliers", hint: "People whose access differs most from their peers, and the entitlements that make them differ." },
  dormant: { label: "Dormant access", hint: "Active grants not used for the chosen number of days (or never used since granted that long ago)." },
  drift: { label: "Drift", hint: "Access outside every role the person's HR attributes give (request and review grants are left out: someone approved them)." },
};

export default async function FindingsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "analytics.run"));
  const { values: sp, notices } = findingsParams(await searchParams);
  const kind: FindingKind = sp.kind;
  const data = await listFindings({ ctx, input: { kind, page: sp.page, days: sp.days } });
  const canExcept = has(ctx.actor, "admin") || has(ctx.actor, "security");
  const expiry = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const href = (o: { kind?: string; page?: number }) => `/analytics/findings?kind=${o.kind ?? kind}&page=${o.page ?? 1}${(o.kind ?? kind) === "dormant" ? `&days=${data.days}` : ""}`;
  return (
    <>
      <PageHeader title="Findings" subtitle="Problems in live access, each with its reasons. Act on each one, or record it as a justified exception with an expiry." />
      <ParamNotices notices={notices} />
      <nav aria-label="Finding kinds" className="mb-4 flex gap-2 text-sm">
        {FINDING_KINDS.map((k) => (
          <a key={k} href={href({ kind: k })} aria-current={k === kind ? "page" : undefined} className={k === kind ? "rounded bg-brand-600 px-3 py-1 text-white" : "rounded border border-slate-300 px-3 py-1"}>
            {TABS[k].label}
          </a>
        ))}
      </nav>
      <p className="mb-2 text-sm text-slate-600">{TABS[kind].hint}</p>
      {kind === "dormant" && (
        <form className="mb-3 flex items-end gap-2 text-sm">
          <input type="hidden" name="kind" value="dormant" />
          <label>
            <span className="block text-slate-600">Unused for at least (days)</span>
            <input name="days" type="number" min={1} max={3650} defaultValue={data.days} className="mt-1 w-24 rounded border border-slate-300 px-2 py-1" />
          </label>
          <button className="rounded border border-slate-300 px-3 py-1">Apply</button>
        </form>
      )}
      <p className="mb-2 text-sm">{data.total} finding(s)</p>
      {data.items.length === 0 ? (
        <EmptyState title="Nothing found">No {TABS[kind].label.toLowerCase()} outside unexpired exceptions.</EmptyState>
      ) : (
        <div className="overflow-x-auto"><table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr><th className="p-2">Person</th>{kind === "outliers" && <th className="p-2">Score</th>}<th className="p-2">Access</th><th className="p-2">Reasons</th><th className="p-2">Action</th></tr>
          </thead>
          <tbody>
            {data.items.map((it) => (
              <tr key={it.key} className="border-t border-slate-100 align-top">
                <td className="p-2">
                  <a className="text-brand-700 underline" href={`/people/${it.personId}`}>{it.personName}</a>
                  <div className="text-xs text-slate-600">{it.title}, {it.department}</div>
                  {it.peerGroup && <div className="text-xs text-slate-600">Peers: {it.peerGroup}</div>}
                </td>
                {kind === "outliers" && <td className="p-2">{it.score}</td>}
                <td className="p-2 text-xs">
                  <ul className="space-y-1">
                    {it.entitlements.slice(0, 10).map((e) => (
                      <li key={e.entitlementId}>
                        {e.application} · {e.name}
                        {e.peerShare !== undefined && <span className="text-slate-600"> — held by {Math.round(e.peerShare * 100)}% of peers</span>}
                        {e.daysSinceUse != null && <span className="text-slate-600"> — unused {e.daysSinceUse} days</span>}
                        {e.daysSinceUse == null && e.daysSinceGrant != null && <span className="text-slate-600"> — never used, granted {e.daysSinceGrant} days ago</span>}
                        {canExcept && it.entitlements.length > 1 && (
                          <FindingExceptionForm action={markExceptionAction} kind={kind} personId={it.personId} entitlementId={e.entitlementId} label={`${it.personName}, ${e.application} ${e.name}`} defaultExpiry={expiry} />
                        )}
                      </li>
                    ))}
                    {it.entitlements.length > 10 && <li className="text-slate-600">+{it.entitlements.length - 10} more</li>}
                  </ul>
                </td>
                <td className="p-2 text-xs"><ul className="list-disc pl-4">{it.reasons.slice(0, 5).map((r, i) => <li key={i}>{r}</li>)}</ul></td>
                <td className="p-2 text-xs">
                  {/* create-request files grant requests only; revocation starts from the person's access page. */}
                  <a className="block text-brand-700 underline" href={`/people/${it.personId}`}>Open person to revoke</a>
                  {canExcept && (
                    <FindingExceptionForm
                      action={markExceptionAction} kind={kind} personId={it.personId}
                      entitlementId={it.entitlements.length === 1 ? it.entitlements[0]!.entitlementId : null}
                      label={it.personName} defaultExpiry={expiry}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      <nav aria-label="Pages" className="mt-3 flex items-center gap-3 text-sm">
        {data.page > 1 && <a className="underline" href={href({ page: data.page - 1 })}>Previous</a>}
        <span>Page {data.page} of {data.pages}</span>
        {data.page < data.pages && <a className="underline" href={href({ page: data.page + 1 })}>Next</a>}
      </nav>
    </>
  );
}
