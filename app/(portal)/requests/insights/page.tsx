import type { Metadata } from "next";
import { Card, PageHeader, Stat } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { DepartmentRatesChart, WeeklyPathsChart } from "@/components/requests/insights-charts";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { requestInsights } from "@/lib/services/requests/insights";
import { requireAllowed } from "@/lib/services/run";

export const metadata: Metadata = { title: "Request insights" };
export const dynamic = "force-dynamic";

const pct = (x: number | null) => (x == null ? "–" : `${Math.round(x * 100)}%`);
const hours = (h: number | null) => (h == null ? "–" : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`);

export default async function RequestInsightsPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "audit.read"));
  const ins = await requestInsights({ ctx });
  const flagged = ins.departments.filter((d) => d.flagged);
  return (
    <>
      <PageHeader title="Request insights" subtitle={`Access requests since ${fmtDate(ins.since)} (12 weeks): how they were routed, how fast access arrived, and how people decided.`} />
      <div className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-4">
        <Stat label="Auto-approval rate" value={pct(ins.autoApproval.rate)} hint={`${ins.autoApproval.auto} of ${ins.autoApproval.items} items`} />
        <Stat label="Time to access (median)" value={hours(ins.timeToAccess.medianHours)} hint={`request → provisioned, ${ins.timeToAccess.n} items`} />
        <Stat label="Time to access (p95)" value={hours(ins.timeToAccess.p95Hours)} />
        <Stat label="Approval rate (people)" value={pct(ins.overall.approvalRate)} hint={`${ins.overall.approved} of ${ins.overall.decided} decisions`} />
      </div>
      <Card title="Requests per week by path" className="mb-6">
        {ins.weekly.length ? <WeeklyPathsChart data={ins.weekly} /> : <p className="text-sm text-slate-600">No requests in this period.</p>}
      </Card>
      <Card title="Decisions by department (bias monitoring)">
        {flagged.length > 0 ? (
          <p role="alert" className="mb-3 rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">
            {flagged.map((d) => `${d.department}: ${pct(d.approvalRate)} approved of ${d.decided} vs ${pct(ins.overall.approvalRate)} overall (${d.z!.toFixed(1)} standard errors)`).join("; ")}. Worth a look: a difference this size is unlikely by chance alone, though it may have good reasons.
          </p>
        ) : (
          <p className="mb-3 text-sm text-slate-600">No department&apos;s approval rate differs from the overall rate by more than 2 standard errors.</p>
        )}
        {ins.departments.length > 0 && <DepartmentRatesChart data={ins.departments.map((d) => ({ department: d.department, rate: d.approvalRate, flagged: d.flagged }))} overall={ins.overall.approvalRate} />}
        <div className="overflow-x-auto"><table className="mt-4 w-full text-sm">
          <caption className="sr-only">Approval rates and decision times by department</caption>
          <thead className="text-left text-slate-600">
            <tr><th scope="col">Department</th><th scope="col">Decisions</th><th scope="col">Approved</th><th scope="col">Rate</th><th scope="col">Deviation (SE)</th><th scope="col">Median decision time</th></tr>
          </thead>
          <tbody>
            {ins.departments.map((d) => (
              <tr key={d.department} className={`border-t border-slate-100 ${d.flagged ? "bg-rose-50" : ""}`}>
                <td className="py-1.5">{d.department}{d.flagged && <span className="ml-2 text-xs font-medium text-rose-700">flagged</span>}</td>
                <td>{d.decided}</td>
                <td>{d.approved}</td>
                <td>{pct(d.approvalRate)}</td>
                <td>{d.z == null ? "–" : `${d.z > 0 ? "+" : ""}${d.z.toFixed(1)} (SE ${pct(d.standardError)})`}</td>
                <td>{hours(d.medianDecisionHours)}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
        <p className="mt-3 text-xs text-slate-600">Only decisions people made count (automatic approvals are left out). Department = the department of the person receiving the access. SE = √(p(1−p)/n) with p the overall rate.</p>
      </Card>
    </>
  );
}
