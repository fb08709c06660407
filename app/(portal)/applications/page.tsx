import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { Pagination } from "@/components/ui/pagination";
import { listApplicationsPage } from "@/lib/services/applications/list-applications";
import { pageCtx } from "@/lib/services/ctx";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { applicationsParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Applications" };

const critTone = { low: "gray", medium: "blue", high: "yellow", critical: "red" } as const;

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp, notices } = applicationsParams(await searchParams);
  const res = await listApplicationsPage({ ctx, input: { q: sp.q, page: sp.page, pageSize: sp.pageSize } });
  const apps = res.rows;
  return (
    <>
      <PageHeader title="Applications" subtitle="Connected systems, their entitlements and accounts." />
      <ParamNotices notices={notices} />
      <form role="search" method="get" className="mb-4 flex gap-2">
        <label className="sr-only" htmlFor="app-q">Search applications</label>
        <input id="app-q" name="q" defaultValue={sp.q ?? ""} placeholder="Search applications" className="w-64 rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Search</button>
      </form>
      {apps.length === 0 ? (
        <EmptyState title="No applications">{sp.q ? "Nothing matches that search." : "Connect a system to get started."}</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">Applications</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Application</th>
                <th scope="col" className="px-3 py-2">Category</th>
                <th scope="col" className="px-3 py-2">Connector</th>
                <th scope="col" className="px-3 py-2">Criticality</th>
                <th scope="col" className="px-3 py-2 text-right">Entitlements</th>
                <th scope="col" className="px-3 py-2 text-right">Active accounts</th>
                <th scope="col" className="px-3 py-2">Last reconciled</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((a) => (
                <tr key={a.id} className="border-t border-slate-100 hover:bg-slate-50">
                  <td className="px-3 py-2">
                    <a href={`/applications/${a.id}`} className="font-medium text-brand-700 hover:underline">{a.name}</a>
                  </td>
                  <td className="px-3 py-2">{a.category}</td>
                  <td className="px-3 py-2">{a.connectorKind}</td>
                  <td className="px-3 py-2"><Badge tone={critTone[a.criticality]}>{a.criticality}</Badge></td>
                  <td className="px-3 py-2 text-right">{a.entitlementCount}</td>
                  <td className="px-3 py-2 text-right">{a.activeAccounts.toLocaleString("en-US")}</td>
                  <td className="px-3 py-2">{fmtDate(a.lastReconciledAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {res.total > 0 && <Pagination page={res.page} pageSize={res.pageSize} total={res.total} params={{ q: sp.q, pageSize: sp.pageSize === 25 ? undefined : String(sp.pageSize) }} basePath="/applications" />}
    </>
  );
}
