import type { Metadata } from "next";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { daysAgo, fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { PersonTimeline } from "@/components/lifecycle/person-timeline";
import { getPersonTimeline } from "@/lib/services/lifecycle/sweep-status";
import { getPersonPage } from "@/lib/services/people/get-person";
import { runForPage } from "@/lib/services/run";
import { can } from "@/lib/auth/can";
import { removeGrantAction } from "./actions";
import { RemoveGrantForm } from "./remove-grant";

export const metadata: Metadata = { title: "Person" };

const sourceText: Record<string, string> = {
  birthright: "Birthright rule",
  role: "Role template",
  request: "Access request",
  review: "Review decision",
  manual: "Added manually",
  import: "Imported",
  adopted: "Adopted (held before Gatehouse)",
};

export default async function PersonPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await pageCtx();
  const { id } = await params;
  const res = await runForPage(() => getPersonPage({ ctx, input: { id } }));
  const { person: p, manager, reports, accounts, grants, operations, sodConflicts, drift } = res;
  // Same access rule as the page itself (checked again inside the service).
  const timeline = await getPersonTimeline({ ctx, input: { personId: p.id } });
  const active = grants.filter((g) => g.status === "active");
  const past = grants.filter((g) => g.status !== "active");
  // After a removal (actions.ts): the grant named by id, if it is this person's and no longer active.
  const sp = await searchParams;
  const removed = typeof sp.removed === "string" ? past.find((g) => g.id === sp.removed) : undefined;
  const removedOps = typeof sp.ops === "string" && /^\d{1,4}$/.test(sp.ops) ? Number(sp.ops) : null;
  // Admins remove any grant; the person's manager removes what is not birthright (checked again in the service).
  const isAdmin = can(ctx.actor, "admin.area");
  const isManager = manager?.id === ctx.actor.personId && p.id !== ctx.actor.personId;
  const mayRemove = (source: string) => isAdmin || (isManager && source !== "birthright");
  return (
    <>
      <PageHeader
        title={p.displayName}
        subtitle={
          <>
            {p.title} (level {p.level}) · {p.department} · {p.location} ·{" "}
            <Badge tone={statusTone(p.status)}>{label(p.status)}</Badge> <Badge>{p.employmentType}</Badge>
          </>
        }
      />
      {removed && (
        <p role="status" className="mb-3 rounded border border-emerald-200 bg-emerald-50 p-2 text-sm text-emerald-900">
          Removed {removed.applicationName} {removed.entitlementName}
          {removedOps !== null ? `; ${removedOps} operation${removedOps === 1 ? "" : "s"} planned.` : "."}
        </p>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="HR record">
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-600">Employee id</dt><dd>{p.employeeId}</dd>
            <dt className="text-slate-600">Email</dt><dd className="break-all">{p.email}</dd>
            <dt className="text-slate-600">Manager</dt>
            <dd>{manager ? <a className="text-brand-700 hover:underline" href={`/people/${manager.id}`}>{manager.displayName}</a> : "—"}</dd>
            <dt className="text-slate-600">Cost centre</dt><dd>{p.costCenter ?? "—"}</dd>
            <dt className="text-slate-600">Start date</dt><dd>{fmtDate(p.startDate)}</dd>
            <dt className="text-slate-600">End date</dt><dd>{fmtDate(p.endDate)}</dd>
            {Object.entries(p.attributes ?? {})
              .filter(([k]) => k !== "demoPersona")
              .map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-600">{k}</dt>
                  <dd>{String(v)}</dd>
                </div>
              ))}
          </dl>
        </Card>
        <Card title="Separation of duties" className="lg:col-span-3 lg:order-last">
          {sodConflicts.length === 0 ? (
            <p className="text-sm text-slate-600">No conflicts</p>
          ) : (
            <ul className="space-y-2 text-sm" data-testid="sod-conflicts">
              {sodConflicts.map((c) => (
                <li key={c.policyId}>
                  <span className="font-medium">{c.policyName}</span>{" "}
                  <Badge tone={c.severity === "critical" || c.severity === "high" ? "red" : "yellow"}>{c.severity}</Badge>{" "}
                  <Badge>{c.action === "block" ? "blocks" : "needs approval"}</Badge>
                  <span className="block text-xs text-slate-600">
                    {c.sideA.map((e) => `${e.applicationName}: ${e.entitlementName}`).join(", ")} <span aria-hidden="true">⟷</span><span className="sr-only">conflicts with</span>{" "}
                    {c.sideB.map((e) => `${e.applicationName}: ${e.entitlementName}`).join(", ")}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={`Accounts (${accounts.length})`} className="lg:col-span-2">
          {accounts.length === 0 ? (
            <EmptyState title="No accounts in connected systems" />
          ) : (
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Accounts in connected systems</caption>
              <thead className="text-left text-slate-600">
                <tr><th scope="col">Application</th><th scope="col">Username</th><th scope="col">Status</th><th scope="col">Last sign-in</th></tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id} className="border-t border-slate-100">
                    <td className="py-1"><a className="text-brand-700 hover:underline" href={`/applications/${a.applicationId}`}>{a.applicationName}</a></td>
                    <td className="py-1 font-mono text-xs">{a.username}</td>
                    <td className="py-1"><Badge tone={statusTone(a.status)}>{a.status}</Badge></td>
                    <td className="py-1">{fmtDate(a.lastLoginAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}
        </Card>
      </div>
      <Card title={`Access (${active.length} active entitlements)`} className="mt-4">
        {active.length === 0 ? (
          <EmptyState title="No active access" />
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm" data-testid="grants-table">
            <caption className="sr-only">Entitlements held, with where each came from</caption>
            <thead className="text-left text-slate-600">
              <tr>
                <th scope="col">Application</th><th scope="col">Entitlement</th><th scope="col">Level</th>
                <th scope="col">Where it came from</th><th scope="col">Granted</th><th scope="col">Last used</th><th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {active.map((g) => {
                const unused = daysAgo(g.lastUsedAt);
                return (
                  <tr key={g.id} className="border-t border-slate-100 align-top">
                    <td className="py-1.5">{g.applicationName}</td>
                    <td className="py-1.5">
                      {g.entitlementName} {g.privileged && <Badge tone="red">privileged</Badge>}
                    </td>
                    <td className="py-1.5">{g.level}</td>
                    <td className="py-1.5">
                      <span className="font-medium">{sourceText[g.source] ?? g.source}</span>
                      {g.roleName && <span className="text-slate-600">: {g.roleName}</span>}
                      {g.grantedBy && <span className="block text-xs text-slate-600">by {g.grantedBy}</span>}
                      {g.reason && !g.reason.startsWith(sourceText[g.source] ?? "\u0000") && !(g.roleName && g.reason.includes(g.roleName)) && <span className="block text-xs text-slate-600">{g.reason}</span>}
                    </td>
                    <td className="py-1.5">{fmtDate(g.grantedAt)}</td>
                    <td className="py-1.5">
                      {fmtDate(g.lastUsedAt)} {unused !== null && unused >= 90 && <Badge tone="yellow">unused {unused} d</Badge>}
                    </td>
                    <td className="py-1.5">
                      {fmtDate(g.expiresAt)}
                      {mayRemove(g.source) && <RemoveGrantForm action={removeGrantAction} personId={p.id} grantId={g.id} label={`${g.applicationName} ${g.entitlementName}`} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table></div>
        )}
      </Card>
      {past.length > 0 && (
        <Card title={`Past access (${past.length})`} className="mt-4">
          <ul className="text-sm">
            {past.map((g) => (
              <li key={g.id} className="py-0.5">
                {g.applicationName} · {g.entitlementName} <Badge tone={statusTone(g.status)}>{g.status}</Badge>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <div className="mt-4">
        <PersonTimeline entries={timeline} />
      </div>
      {drift.length > 0 && (
        <Card title={`Drift in connected systems (${drift.length})`} className="mt-4">
          <ul className="space-y-1 text-sm">
            {drift.map((d) => (
              <li key={d.id}>
                <a className="font-medium text-brand-700 hover:underline" href={`/applications/${d.applicationId}#drift`}>{d.applicationName}</a>: {d.detail}{" "}
                <span className="text-xs text-slate-600">
                  (since {fmtDate(d.firstSeenAt)}{d.status === "accepted" ? `; accepted until ${fmtDate(d.acceptedUntil)}: ${d.acceptedReason}` : ""})
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Provisioning activity (latest 30 operations)" className="mt-4">
        {operations.length === 0 ? (
          <EmptyState title="No provisioning operations yet">Changes to this person&apos;s access appear here as they are carried out in each system.</EmptyState>
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm" data-testid="operations-table">
            <caption className="sr-only">Operations carried out in connected systems for this person</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">When</th><th scope="col">System</th><th scope="col">Operation</th><th scope="col">Status</th><th scope="col">Why</th></tr>
            </thead>
            <tbody>
              {operations.map((o) => (
                <tr key={o.id} className="border-t border-slate-100 align-top">
                  <td className="py-1 whitespace-nowrap">{fmtDate(o.finishedAt ?? o.createdAt)}</td>
                  <td className="py-1">{o.applicationName}</td>
                  <td className="py-1">{label(o.kind)}{o.entitlementName ? `: ${o.entitlementName}` : ""}</td>
                  <td className="py-1">
                    <Badge tone={statusTone(o.status)}>{o.status}</Badge>
                    {o.attempts > 1 && <span className="ml-1 text-xs text-slate-600">{o.attempts} attempts</span>}
                    {o.lastError && o.status !== "succeeded" && <span className="block text-xs text-rose-700">{o.lastError}</span>}
                  </td>
                  <td className="py-1 text-xs text-slate-600">{o.reason}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </Card>
      {reports.length > 0 && (
        <Card title={`Direct reports (${reports.length})`} className="mt-4">
          <ul className="grid gap-1 text-sm sm:grid-cols-2 lg:grid-cols-3">
            {reports.map((r) => (
              <li key={r.id}>
                <a className="text-brand-700 hover:underline" href={`/people/${r.id}`}>{r.displayName}</a>{" "}
                <span className="text-slate-600">{r.title}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
