import type { Metadata } from "next";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { pageCtx } from "@/lib/services/ctx";
import { getOperationsPage, OPERATION_STATUSES } from "@/lib/services/provisioning/get-operations";
import { runForPage } from "@/lib/services/run";
import { BulkRetryButton } from "./bulk-retry";
import { LiveSummary } from "./live-summary";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { operationsParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Provisioning" };

const when = (d: Date | null) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 19) : "—");

export default async function OperationsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp, notices } = operationsParams(await searchParams);
  const res = await runForPage(() => getOperationsPage({ ctx, input: { status: sp.status ?? "" } }));
  const { summary, recent, status, groups, mayRetry } = res;
  return (
    <>
      <PageHeader
        title="Provisioning"
        subtitle="Every change of access becomes operations, executed by the worker through each application's connector."
        actions={
          <a href="/incidents" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
            Incidents ({summary.openIncidents})
          </a>
        }
      />
      <ParamNotices notices={notices} />
      <LiveSummary initial={summary} />
      {mayRetry && (groups.bySystem.length > 0 || groups.byKind.length > 0) && (
        <section aria-labelledby="bulk-retry" className="mt-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="bulk-retry" className="text-sm font-semibold text-slate-900">
            Retry in bulk
          </h2>
          <p className="mt-1 text-xs text-slate-600">
            Failing operations are retried automatically and paused systems are probed; use these after fixing a cause to retry now, with a fresh retry budget.
          </p>
          <div className="mt-3 grid gap-4 md:grid-cols-2">
            <div>
              <h3 className="text-xs font-medium uppercase tracking-wide text-slate-600">Per system</h3>
              <ul className="mt-2 space-y-2">
                {groups.bySystem.map((g) => (
                  <li key={g.applicationId} className="flex items-start justify-between gap-3 text-sm">
                    <span>
                      {g.name} <span className="text-slate-600">({g.n} incident{g.n === 1 ? "" : "s"})</span>
                    </span>
                    <BulkRetryButton applicationId={g.applicationId} label={`Retry all in ${g.name}`} />
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3 className="text-xs font-medium uppercase tracking-wide text-slate-600">Per kind</h3>
              <ul className="mt-2 space-y-2">
                {groups.byKind.map((g) => (
                  <li key={g.kind} className="flex items-start justify-between gap-3 text-sm">
                    <span>
                      {g.kind === "system" ? "System not answering" : label(g.kind)} <span className="text-slate-600">({g.n})</span>
                    </span>
                    <BulkRetryButton kind={g.kind} label={`Retry all: ${g.kind === "system" ? "systems" : label(g.kind)}`} />
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </section>
      )}
      <form method="get" className="mb-3 mt-6 flex items-end gap-3">
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Status
          <select name="status" defaultValue={status ?? ""} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
            <option value="">All</option>
            {OPERATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Show</button>
      </form>
      {recent.length === 0 ? (
        <EmptyState title="No operations">Operations appear here when access changes.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">Recent operations</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Operation</th>
                <th scope="col" className="px-3 py-2">Person</th>
                <th scope="col" className="px-3 py-2">Application</th>
                <th scope="col" className="px-3 py-2">Why</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Planned</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((o) => (
                <tr key={o.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 font-medium">
                    {label(o.kind)}
                    {o.entitlementName && <div className="text-xs font-normal text-slate-600">{o.entitlementName}</div>}
                  </td>
                  <td className="px-3 py-2">
                    {o.personId ? (
                      <a href={`/people/${o.personId}`} className="text-brand-700 hover:underline">
                        {o.personName}
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-3 py-2">{o.applicationName}</td>
                  <td className="px-3 py-2 text-slate-600">
                    {o.reason ?? "—"}
                    <div className="text-xs text-slate-600">cause: {label(o.causeKind)}</div>
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={statusTone(o.status)}>{label(o.status)}</Badge>
                    {o.attempts > 1 && <div className="text-xs text-slate-600">{o.attempts} attempts</div>}
                    {o.lastError && o.status !== "succeeded" && <div className="max-w-xs truncate text-xs text-rose-700" title={o.lastError}>{o.lastError}</div>}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap text-xs text-slate-600">{when(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
