import type { Metadata } from "next";
import { Card, PageHeader, Stat } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import type { RoutingPolicy } from "@/lib/domain/routing";
import { pageCtx } from "@/lib/services/ctx";
import { getRoutingPolicies, shadowReport } from "@/lib/services/requests/routing-policy";
import { savePolicyAction } from "./actions";
import { PolicyForm } from "./policy-form";
import { requireAllowed } from "@/lib/services/run";

export const metadata: Metadata = { title: "Routing policy" };
export const dynamic = "force-dynamic";

const pct = (x: number | null) => (x == null ? "–" : `${Math.round(x * 100)}%`);

function PolicySummary({ p }: { p: RoutingPolicy }) {
  return (
    <ul className="list-disc pl-5 text-sm text-slate-700">
      <li>Automatic approval up to risk {p.autoApproveMaxRisk} when at least {pct(p.autoApproveMinPeerAdoption)} of comparable colleagues hold it.</li>
      <li>The manager decides up to risk {p.managerMaxRisk}; above, privileged or critical: application owner, then security.</li>
      <li>Reminder after {p.reminderHours} h, escalation after {p.escalationHours} h. Contractors {p.contractorsNeedSponsor ? "need" : "do not need"} their sponsor; the requester {p.requesterMayApprove ? "may" : "may not"} approve.</li>
    </ul>
  );
}

export default async function RoutingPolicyPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "audit.read"));
  const [pol, sh] = await Promise.all([getRoutingPolicies({ ctx }), shadowReport({ ctx })]);
  const r = sh.report;
  return (
    <>
      <PageHeader
        title="Routing policy"
        subtitle="Who approves which access requests. Try a change in shadow mode first: a shadow policy decides nothing, it records what it would have routed, and the report below compares that with what people decided."
      />
      <Card title={`Active policy${pol.active.savedAt ? ` (saved ${fmtDate(pol.active.savedAt)} by ${pol.active.savedBy ?? "unknown"})` : " (the defaults)"}`} className="mb-6">
        <PolicySummary p={pol.active.policy} />
      </Card>
      <Card title="Edit thresholds" className="mb-6">
        <PolicyForm action={savePolicyAction} initial={pol.shadow?.policy ?? pol.active.policy} canEdit={can(ctx.actor, "admin.area")} hasShadow={Boolean(pol.shadow)} />
      </Card>
      <Card title={pol.shadow ? `Shadow policy (since ${fmtDate(pol.shadow.savedAt)}, by ${pol.shadow.savedBy ?? "unknown"})` : "Shadow policy"}>
        {!pol.shadow ? (
          <p className="text-sm text-slate-600">No shadow policy is running. Save thresholds as shadow to see how they would have done.</p>
        ) : (
          <>
            <PolicySummary p={pol.shadow.policy} />
            <div className="my-4 grid grid-cols-2 gap-4 md:grid-cols-4">
              <Stat label="Decided by people" value={r.n} hint="requests filed while the shadow ran" />
              <Stat label="Agreement" value={pct(r.agreement)} hint="of its automatic outcomes" />
              <Stat label="Would-be false approvals" value={r.wouldBeFalseApprovals} hint="auto-approved, but people denied" />
              <Stat label="Would-be false blocks" value={r.wouldBeFalseBlocks} hint="blocked, but people approved" />
            </div>
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Shadow routes against people&apos;s decisions</caption>
              <thead className="text-left text-slate-600"><tr><th scope="col">Shadow route</th><th scope="col">People approved</th><th scope="col">People denied</th></tr></thead>
              <tbody>
                {(Object.keys(r.byRoute) as Array<keyof typeof r.byRoute>).map((k) => (
                  <tr key={k} className="border-t border-slate-100"><td className="py-1.5">{k.replace("_", " + ")}</td><td>{r.byRoute[k].approved}</td><td>{r.byRoute[k].denied}</td></tr>
                ))}
              </tbody>
            </table></div>
            <p className="mt-3 text-xs text-slate-600">Coverage (share it would decide without a person): {pct(r.coverage)}. Auto-approval precision: {pct(r.autoApprovalPrecision)}.</p>
          </>
        )}
      </Card>
    </>
  );
}
