import type { Metadata } from "next";
import { SimpleBarChart } from "@/components/charts/bar-chart";
import { Badge, label } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { pageCtx } from "@/lib/services/ctx";
import { getLifecycleOverview, LIFECYCLE_PAGE_SIZE } from "@/lib/services/lifecycle/sweep-status";
import { runForPage } from "@/lib/services/run";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { lifecycleParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Lifecycle" };

const KINDS = ["joiner", "pre_hire", "mover", "leaver", "leave_start", "leave_end", "rehire"] as const;
const when = (s: string | null) => (s ? new Date(s).toISOString().replace("T", " ").slice(0, 16) : "—");

/** Seconds as "45 s", "12 min", "3.5 h", "2.1 d". */
function duration(s: number | null): string {
  if (s === null) return "—";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export default async function LifecyclePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp, notices } = lifecycleParams(await searchParams);
  const res = await runForPage(() => getLifecycleOverview({ ctx, input: { kind: sp.kind, page: sp.page, view: sp.view } }));
  const { stats, events, leavers, kind, page, view } = res;
  return (
    <>
      <PageHeader
        title="Lifecycle"
        subtitle="Joiners, movers and leavers from HR and the calendar, what each one planned, and how long it took until access was complete."
      />
      <ParamNotices notices={notices} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="HR event → access complete (median)" value={duration(stats.completion.medianSeconds)} hint={`over ${stats.completion.events} completed events`} />
        <Stat label="… 95th percentile" value={duration(stats.completion.p95Seconds)} />
        <Stat label="Events in progress" value={stats.openEvents} hint={`${stats.events30d} HR events in the last 30 days`} href="/lifecycle" />
        <Stat label="Leavers with live access" value={stats.openLeaversWithAccess} hint="terminated in HR, an account still active" href="/lifecycle?view=open-leavers" />
      </div>
      {stats.byKind.length > 0 && (
        <Card title="Median time to access complete, by event" className="mt-6">
          <SimpleBarChart
            data={stats.byKind.map((k) => ({ kind: label(k.kind), minutes: Math.round(((k.medianSeconds ?? 0) / 60) * 10) / 10, events: k.events }))}
            xKey="kind"
            series={[{ key: "minutes", name: "median minutes", color: "#2563eb" }]}
            description={stats.byKind.map((k) => `${label(k.kind)}: ${duration(k.medianSeconds)} over ${k.events} events`).join("; ")}
            height={220}
          />
        </Card>
      )}

      <nav aria-label="Lifecycle views" className="mb-3 mt-6 flex gap-4 text-sm">
        <a href="/lifecycle" aria-current={view === "events" ? "page" : undefined} className={view === "events" ? "font-semibold" : "text-brand-700 hover:underline"}>HR events</a>
        <a href="/lifecycle?view=open-leavers" aria-current={view === "open-leavers" ? "page" : undefined} className={view === "open-leavers" ? "font-semibold" : "text-brand-700 hover:underline"}>
          Leavers with live access ({stats.openLeaversWithAccess})
        </a>
      </nav>

      {view === "open-leavers" ? (
        leavers.length === 0 ? (
          <EmptyState title="No leaver has live access">Every terminated person&apos;s accounts are disabled or deleted.</EmptyState>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm">
              <caption className="sr-only">Leavers with live access</caption>
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2">Person</th>
                  <th scope="col" className="px-3 py-2">Left</th>
                  <th scope="col" className="px-3 py-2">Live accounts</th>
                  <th scope="col" className="px-3 py-2">Open operations</th>
                </tr>
              </thead>
              <tbody>
                {leavers.map((l) => (
                  <tr key={l.personId} className="border-t border-slate-100">
                    <td className="px-3 py-2"><a href={`/people/${l.personId}`} className="text-brand-700 hover:underline">{l.name}</a> <span className="text-xs text-slate-600">{l.employeeId}</span></td>
                    <td className="px-3 py-2">{l.leftAt ? when(l.leftAt) : `end date ${l.endDate ?? "—"}`}</td>
                    <td className="px-3 py-2">{l.liveAccounts}: {l.applications.join(", ")}</td>
                    <td className="px-3 py-2">{l.openOperations ? l.openOperations : <Badge tone="red">none planned</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : (
        <>
          <form method="get" className="mb-3 flex items-end gap-3">
            <label className="flex flex-col text-xs font-medium text-slate-600">
              Event
              <select name="kind" defaultValue={kind ?? ""} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
                <option value="">All</option>
                {KINDS.map((k) => (
                  <option key={k} value={k}>{label(k)}</option>
                ))}
              </select>
            </label>
            <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Show</button>
          </form>
          {events.rows.length === 0 ? (
            <EmptyState title="No HR events">Import an HR file, connect the HR webhook or inbound SCIM; the calendar sweep adds leavers and joiners by date.</EmptyState>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="w-full text-sm">
                <caption className="sr-only">HR events and their provisioning</caption>
                <thead className="bg-slate-50 text-left text-slate-600">
                  <tr>
                    <th scope="col" className="px-3 py-2">Event</th>
                    <th scope="col" className="px-3 py-2">Person</th>
                    <th scope="col" className="px-3 py-2">Source</th>
                    <th scope="col" className="px-3 py-2">Received</th>
                    <th scope="col" className="px-3 py-2">Plan</th>
                    <th scope="col" className="px-3 py-2">Progress</th>
                    <th scope="col" className="px-3 py-2">Access complete</th>
                  </tr>
                </thead>
                <tbody>
                  {events.rows.map((e) => {
                    const done = e.operations === 0 ? null : e.open === 0 ? e.lastFinishedAt : null;
                    return (
                      <tr key={e.id} className="border-t border-slate-100">
                        <td className="px-3 py-2 font-medium">{label(e.kind)}</td>
                        <td className="px-3 py-2">
                          {e.personId ? <a href={`/people/${e.personId}`} className="text-brand-700 hover:underline">{e.personName}</a> : "—"} <span className="text-xs text-slate-600">{e.employeeId}</span>
                        </td>
                        <td className="px-3 py-2">{e.source}</td>
                        <td className="px-3 py-2">{when(e.receivedAt)}</td>
                        <td className="px-3 py-2 text-xs">{e.operations ? `${e.operations} operations: ${e.kinds.map(label).join(", ")}` : "no provisioning needed"}</td>
                        <td className="px-3 py-2">
                          {e.operations ? (
                            <span>
                              <progress max={e.operations} value={e.succeeded} aria-label={`${e.succeeded} of ${e.operations} done`} className="mr-2 h-2 w-20 align-middle" />
                              {e.succeeded}/{e.operations}
                              {e.failed ? <Badge tone="red">{e.failed} failed</Badge> : null}
                            </span>
                          ) : "—"}
                        </td>
                        <td className="px-3 py-2">
                          {done ? duration((new Date(done).getTime() - new Date(e.receivedAt).getTime()) / 1000) : e.operations ? <Badge tone="yellow">in progress</Badge> : "—"}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <div className="mt-3">
            <Pagination page={page} pageSize={LIFECYCLE_PAGE_SIZE} total={events.total} params={{ kind: kind ?? undefined }} basePath="/lifecycle" />
          </div>
        </>
      )}
    </>
  );
}
