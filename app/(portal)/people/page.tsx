import type { Metadata } from "next";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { distinctPeopleValues } from "@/db/queries/people";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { searchPeople } from "@/lib/services/people/search-people";
import { runForPage } from "@/lib/services/run";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { peopleParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp, notices } = peopleParams(await searchParams);
  const res = await runForPage(() => searchPeople({ ctx, input: sp }));
  const { rows, total, filter, scope } = res;
  const values = await distinctPeopleValues(ctx.db);
  const params = { q: filter.q, department: filter.department, location: filter.location, status: filter.status, employmentType: filter.employmentType };
  const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  return (
    <>
      <PageHeader
        title="People"
        subtitle={scope === "everyone" ? "Everyone in the organisation." : "People in your reporting line."}
        actions={can(ctx.actor, "review.team") ? <a href="/reviews#team-review" className="text-sm text-brand-700 underline">Review my team&apos;s access</a> : undefined}
      />
      <ParamNotices notices={notices} />
      <form role="search" className="mb-4 flex flex-wrap items-end gap-3" method="get">
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Search
          <input name="q" defaultValue={filter.q ?? ""} placeholder="Name, email, employee id, title" className={`${field} w-64`} />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Department
          <select name="department" defaultValue={filter.department ?? ""} className={field}>
            <option value="">All</option>
            {values.departments.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Location
          <select name="location" defaultValue={filter.location ?? ""} className={field}>
            <option value="">All</option>
            {values.locations.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Status
          <select name="status" defaultValue={filter.status ?? ""} className={field}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="pre_hire">Pre-hire</option>
            <option value="on_leave">On leave</option>
            <option value="terminated">Terminated</option>
          </select>
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Type
          <select name="employmentType" defaultValue={filter.employmentType ?? ""} className={field}>
            <option value="">All</option>
            <option value="employee">Employee</option>
            <option value="contractor">Contractor</option>
            <option value="intern">Intern</option>
          </select>
        </label>
        <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Search</button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No people match">Try a shorter search or fewer filters.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">People, {total} results</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Title</th>
                <th scope="col" className="px-3 py-2">Department</th>
                <th scope="col" className="px-3 py-2">Location</th>
                <th scope="col" className="px-3 py-2">Manager</th>
                <th scope="col" className="px-3 py-2">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} className="border-t border-slate-100 hover:bg-slate-50">
                  <td className="px-3 py-2">
                    <a href={`/people/${p.id}`} className="font-medium text-brand-700 hover:underline">
                      {p.displayName}
                    </a>
                    <div className="text-xs text-slate-600">{p.email} · {p.employeeId}</div>
                  </td>
                  <td className="px-3 py-2">{p.title} <span className="text-xs text-slate-600">L{p.level}</span></td>
                  <td className="px-3 py-2">{p.department}</td>
                  <td className="px-3 py-2">{p.location}</td>
                  <td className="px-3 py-2">{p.managerName ?? "—"}</td>
                  <td className="px-3 py-2">
                    <Badge tone={statusTone(p.status)}>{label(p.status)}</Badge>{" "}
                    {p.employmentType !== "employee" && <Badge>{p.employmentType}</Badge>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={filter.page} pageSize={filter.pageSize} total={total} params={params} basePath="/people" />
    </>
  );
}
