import type { Metadata } from "next";
import { SimpleBarChart } from "@/components/charts/bar-chart";
import { Badge, label } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { has } from "@/lib/auth/can";
import { getDashboard } from "@/lib/services/dashboard/get-dashboard";
import { pageCtx } from "@/lib/services/ctx";
import type { RawSearchParams } from "@/lib/http/search-params";
import { dashboardParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Dashboard" };

const findingLabels: Array<{ key: string; planted: string[]; label: string; hint: string }> = [
  { key: "leaversWithLiveAccess", planted: ["leaver_with_access"], label: "Leavers with live accounts", hint: "terminated, account still active" },
  { key: "dormantAccess", planted: ["unused_access"], label: "People with dormant access", hint: "unused for 90+ days" },
  { key: "drift", planted: ["mover_kept_access"], label: "People with drift", hint: "role access their attributes no longer give" },
  { key: "sodConflicts", planted: ["sod_violation"], label: "SoD conflicts", hint: "people holding both sides of a policy" },
  { key: "contractorsPastEndDate", planted: ["contractor_past_end"], label: "Contractors past end date", hint: "still active in HR" },
  { key: "privilegedHolders", planted: ["privileged_outlier"], label: "Privileged concentration", hint: "people holding 5 or more privileged entitlements" },
  { key: "orphanAccounts", planted: ["orphan_account"], label: "Orphan accounts", hint: "accounts linked to nobody" },
];

export default async function DashboardPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp } = dashboardParams(await searchParams);
  const { mine, work, org } = await getDashboard({ ctx, input: { fresh: sp.fresh === "1" } });
  const activeGrants = mine.grants.filter((g) => g.status === "active");
  const apps = new Set(mine.accounts.filter((a) => a.status === "active").map((a) => a.applicationName));
  const isManager = has(ctx.actor, "manager");
  return (
    <>
      <PageHeader title={`Welcome, ${ctx.actor.name.split(" ")[0]}`} subtitle="Your access, your pending work and, where you may see them, the organisation's figures." />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="My applications" value={apps.size} hint={`${activeGrants.length} active entitlements`} href={`/people/${ctx.actor.personId}`} />
        <Stat label="Approvals waiting for me" value={work.approvals} />
        <Stat label="Review items to decide" value={work.reviewItems} />
        <Stat label={isManager ? "Manual tasks (app owner)" : "Unread notifications"} value={isManager ? work.manualTasks : work.notifications} />
      </div>

      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card title="My access">
          {activeGrants.length === 0 ? (
            <EmptyState title="You have no access yet">Birthright access arrives with your start date.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {activeGrants.slice(0, 12).map((g) => (
                <li key={g.id} className="flex items-center justify-between py-1.5">
                  <span>
                    <span className="font-medium">{g.applicationName}</span> · {g.entitlementName}
                  </span>
                  <Badge tone={g.source === "birthright" || g.source === "role" ? "blue" : "purple"}>{label(g.source)}</Badge>
                </li>
              ))}
              {activeGrants.length > 12 && (
                <li className="pt-2">
                  <a className="text-brand-700 underline" href={`/people/${ctx.actor.personId}`}>
                    All {activeGrants.length} entitlements
                  </a>
                </li>
              )}
            </ul>
          )}
        </Card>
        <Card title="My pending work">
          {work.approvals + work.reviewItems + work.manualTasks === 0 ? (
            <EmptyState title="Nothing waiting for you">Approvals, reviews and manual tasks routed to you appear here.</EmptyState>
          ) : (
            <ul className="space-y-1 text-sm">
              <li>{work.approvals} approvals</li>
              <li>{work.reviewItems} review items</li>
              <li>{work.manualTasks} manual fulfilment tasks</li>
            </ul>
          )}
        </Card>
      </div>

      {org && (
        <section aria-labelledby="org-heading" className="mt-8">
          <div className="mb-3 flex items-baseline justify-between">
            <h2 id="org-heading" className="text-lg font-semibold">
              Organisation
            </h2>
            <span className="text-xs text-slate-600">
              figures as of {org.computedAt.slice(11, 19)} UTC (refreshed every minute) · <a className="underline" href="/dashboard?fresh=1">refresh now</a>
            </span>
          </div>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Stat label="Active people" value={(org.byStatus.active ?? 0).toLocaleString("en-US")} hint={`${org.byStatus.pre_hire ?? 0} pre-hires · ${org.byStatus.on_leave ?? 0} on leave`} />
            <Stat label="Leavers with live access" value={org.leaversWithLiveAccounts} hint="goal: zero" />
            <Stat label="Pending operations" value={org.pendingOperations} />
            <Stat label="Open incidents" value={org.openIncidents} />
          </div>
          <div className="mt-4 grid gap-4 lg:grid-cols-2">
            <Card title="Accounts per application (top 15)">
              <SimpleBarChart
                data={org.accountsPerApp}
                xKey="name"
                layout="vertical"
                height={380}
                series={[{ key: "active", name: "Active accounts", color: "#1f5fbf" }]}
                description={`Active accounts per application: ${org.accountsPerApp.map((a) => `${a.name} ${a.active}`).join(", ")}`}
              />
            </Card>
            <Card title="Joiners and leavers per week">
              <SimpleBarChart
                data={org.joinersLeavers}
                xKey="week"
                series={[
                  { key: "joiners", name: "Joiners", color: "#059669" },
                  { key: "leavers", name: "Leavers", color: "#e11d48" },
                ]}
                description={`Joiners and leavers for the last 12 weeks: ${org.joinersLeavers.map((w) => `${w.week}: ${w.joiners} in, ${w.leavers} out`).join("; ")}`}
              />
            </Card>
          </div>
          <Card title="Problems found in live data" className="mt-4">
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Problems found, and how many the demo organisation planted</caption>
              <thead>
                <tr className="text-left text-slate-600">
                  <th className="py-1">Problem</th>
                  <th className="py-1 text-right">Found now</th>
                  {org.planted && <th className="py-1 text-right">Planted by the demo seed</th>}
                </tr>
              </thead>
              <tbody>
                {findingLabels.map((f) => (
                  <tr key={f.key} className="border-t border-slate-100">
                    <td className="py-1.5">
                      {f.label} <span className="text-xs text-slate-600">({f.hint})</span>
                    </td>
                    <td className="py-1.5 text-right font-medium">{(org.findings as Record<string, number>)[f.key]}</td>
                    {org.planted && <td className="py-1.5 text-right text-slate-600">{f.planted.reduce((s, k) => s + (org.planted![k] ?? 0), 0)}</td>}
                  </tr>
                ))}
              </tbody>
            </table></div>
          </Card>
        </section>
      )}
    </>
  );
}
