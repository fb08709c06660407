import type { Metadata } from "next";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { pageCtx } from "@/lib/services/ctx";
import { getOperationsPage, OPERATION_STATUSES } from "@/lib/services/provisioning/get-operations";
import { runForPage } from "@/lib/services/run";
import { LiveSummary } from "./live-summary";

export const metadata: Metadata = { title: "Provisioning" };

const when = (d: Date | null) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 19) : "—");

export default async function OperationsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const ctx = await pageCtx();
  const sp = await searchParams;
  const res = await runForPage(() => getOperationsPage({ ctx, input: { status: sp.status ?? "" } }));
  const { summary, recent, status } = res;
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
      <LiveSummary initial={summary} />
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
                    {o.entitlementName && <div className="text-xs font-normal text-slate-500">{o.entitlementName}</div>}
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
                    <div className="text-xs text-slate-400">cause: {label(o.causeKind)}</div>
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={statusTone(o.status)}>{label(o.status)}</Badge>
                    {o.attempts > 1 && <div className="text-xs text-slate-500">{o.attempts} attempts</div>}
                    {o.lastError && o.status !== "succeeded" && <div className="max-w-xs truncate text-xs text-rose-700" title={o.lastError}>{o.lastError}</div>}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap text-xs text-slate-500">{when(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
