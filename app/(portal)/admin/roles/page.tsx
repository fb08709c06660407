import type { Metadata } from "next";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { pageCtx } from "@/lib/services/ctx";
import { runForPage } from "@/lib/services/run";
import { listRoleTemplates } from "@/lib/services/roles/preview-change-reads";
import { Pagination } from "@/components/ui/pagination";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { rolesParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Roles and rules" };

export default async function RolesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp, notices } = rolesParams(await searchParams);
  const res = await runForPage(() => listRoleTemplates({ ctx, input: { q: sp.q, page: sp.page, pageSize: sp.pageSize } }));
  const rows = res.rows;
  return (
    <>
      <PageHeader
        title="Roles and birthright rules"
        subtitle="Role templates (drafts included) and the attribute rules that give them. Every change shows its blast radius before it is applied."
      />
      <ParamNotices notices={notices} />
      <form role="search" method="get" className="mb-4 flex gap-2">
        <label className="sr-only" htmlFor="role-q">Search role templates</label>
        <input id="role-q" name="q" defaultValue={sp.q ?? ""} placeholder="Search role templates" className="w-64 rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Search</button>
      </form>
      {rows.length === 0 ? (
        sp.q ? <EmptyState title="No role templates">Nothing matches that search.</EmptyState>
        : <EmptyState title="No role templates">Mine roles from access data, or create templates, to see them here.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">Role templates</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Template</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Origin</th>
                <th scope="col" className="px-3 py-2 text-right">Entitlements</th>
                <th scope="col" className="px-3 py-2 text-right">Rules (enabled)</th>
                <th scope="col" className="px-3 py-2 text-right">People given it</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-slate-100">
                  <td className="px-3 py-2">
                    <a href={`/admin/roles/${r.id}`} className="font-medium text-brand-700 hover:underline">{r.name}</a>
                    <div className="text-xs text-slate-600">{r.key}</div>
                  </td>
                  <td className="px-3 py-2"><Badge tone={r.status === "draft" ? "yellow" : statusTone(r.status)}>{label(r.status)}</Badge></td>
                  <td className="px-3 py-2 text-slate-600">{r.origin}</td>
                  <td className="px-3 py-2 text-right">{r.entitlements}</td>
                  <td className="px-3 py-2 text-right">{r.rules} ({r.enabledRules})</td>
                  <td className="px-3 py-2 text-right">{r.holders}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {res.total > 0 && <Pagination page={res.page} pageSize={res.pageSize} total={res.total} params={{ q: sp.q, pageSize: sp.pageSize === 50 ? undefined : String(sp.pageSize) }} basePath="/admin/roles" />}
    </>
  );
}
