import type { Metadata } from "next";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { Pagination } from "@/components/ui/pagination";
import { getApplicationPage } from "@/lib/services/applications/get-application";
import { pageCtx } from "@/lib/services/ctx";
import { runForPage } from "@/lib/services/run";

export const metadata: Metadata = { title: "Application" };

export default async function ApplicationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const ctx = await pageCtx();
  const { id } = await params;
  const sp = await searchParams;
  const res = await runForPage(() => getApplicationPage({ ctx, input: { id, page: sp.page ?? 1, status: sp.status } }));
  const { app, entitlements, owners, accounts, health, page, status } = res;
  return (
    <>
      <PageHeader
        title={app.name}
        subtitle={
          <>
            {app.description} · connector <strong>{app.connectorKind}</strong> · criticality <strong>{app.criticality}</strong> · leavers:{" "}
            {app.deprovisionAction === "delete" ? "deleted" : `disabled, deleted after ${app.retentionDays} days`}
          </>
        }
      />
      {health && (
        <Card title={`System health: ${health.score}/100 (${health.band})`} className="mb-4">
          <p className="text-sm text-slate-700">
            Last successful sync {fmtDate(health.lastReconciledAt)} · drift {health.driftPct.toFixed(1)}% of {health.accounts} accounts · {health.failedOps7d} failed
            operations in 7 days · {health.openIncidents} open incidents
          </p>
          {health.reasons.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-xs text-slate-600">
              {health.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </Card>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Owners">
          {owners.length === 0 ? (
            <EmptyState title="No owner">Every application needs an owner for reviews and manual tasks.</EmptyState>
          ) : (
            <ul className="text-sm">
              {owners.map((o) => (
                <li key={o.id}>{o.displayName} <span className="text-slate-500">{o.email}</span></li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={`Entitlements (${entitlements.length})`} className="lg:col-span-2">
          {entitlements.length === 0 ? (
            <EmptyState title="No entitlements" />
          ) : (
            <table className="w-full text-sm">
              <caption className="sr-only">Entitlements</caption>
              <thead className="text-left text-slate-500">
                <tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Level</th><th scope="col">Sensitivity</th><th scope="col" className="text-right">Holders</th></tr>
              </thead>
              <tbody>
                {entitlements.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100">
                    <td className="py-1">
                      {e.name} {e.privileged && <Badge tone="red">privileged</Badge>} {!e.requestable && <Badge>not requestable</Badge>}
                      {e.maxDurationDays && <span className="ml-1 text-xs text-slate-500">max {e.maxDurationDays} d</span>}
                    </td>
                    <td className="py-1">{e.kind}</td>
                    <td className="py-1">{e.level}</td>
                    <td className="py-1">{e.sensitivity}</td>
                    <td className="py-1 text-right">{e.holders}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
      <Card title="Accounts" className="mt-4">
        {!accounts ? (
          <p className="text-sm text-slate-600">Only this application&apos;s owners, admins, security and auditors can see its accounts.</p>
        ) : accounts.rows.length === 0 ? (
          <EmptyState title="No accounts" />
        ) : (
          <>
            <table className="w-full text-sm">
              <caption className="sr-only">Accounts in {app.name}</caption>
              <thead className="text-left text-slate-500">
                <tr><th scope="col">Username</th><th scope="col">Person</th><th scope="col">Status</th><th scope="col">Reconciliation</th><th scope="col">Last sign-in</th></tr>
              </thead>
              <tbody>
                {accounts.rows.map((a) => (
                  <tr key={a.id} className="border-t border-slate-100">
                    <td className="py-1 font-mono text-xs">{a.username}</td>
                    <td className="py-1">
                      {a.personId ? <a className="text-brand-700 hover:underline" href={`/people/${a.personId}`}>{a.personName}</a> : <Badge tone="red">no owner (orphan)</Badge>}
                      {a.personStatus === "terminated" && <> <Badge tone="red">leaver</Badge></>}
                    </td>
                    <td className="py-1"><Badge tone={statusTone(a.status)}>{a.status}</Badge></td>
                    <td className="py-1">{a.reconState ?? "—"}</td>
                    <td className="py-1">{fmtDate(a.lastLoginAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={page} pageSize={50} total={accounts.total} params={{ status }} basePath={`/applications/${app.id}`} />
          </>
        )}
      </Card>
    </>
  );
}
