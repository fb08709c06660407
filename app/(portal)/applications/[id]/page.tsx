import type { Metadata } from "next";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { Pagination } from "@/components/ui/pagination";
import { AliasesForm } from "@/components/applications/aliases-form";
import { has } from "@/lib/auth/can";
import { BUILT_IN_APP_ALIASES } from "@/lib/domain/nl/aliases";
import { getApplicationPage } from "@/lib/services/applications/get-application";
import { pageCtx } from "@/lib/services/ctx";
import { runForPage } from "@/lib/services/run";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { applicationParams } from "@/lib/http/page-params";
import { AcceptDriftForm } from "./accept-drift-form";
import { importUsageAction, saveAliasesAction, syncApplicationAction, updateEntitlementAction } from "./actions";
import { EntitlementEditForm, SyncNowButton, UsageImportForm } from "./app-forms";

export const metadata: Metadata = { title: "Application" };

export default async function ApplicationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { id } = await params;
  const { values: sp, notices } = applicationParams(await searchParams);
  const res = await runForPage(() => getApplicationPage({ ctx, input: { id, page: sp.page, status: sp.status } }));
  const { app, entitlements, owners, accounts, health, drift, mayAcceptDrift, page, status, mayConfigure, mayImportUsage, lastLoginAttribute } = res;
  const live = entitlements.filter((e) => !e.removedAt);
  return (
    <>
      <PageHeader
        title={app.name}
        subtitle={
          <>
            {app.description} · connector <strong>{app.connectorKind}</strong> · criticality <strong>{app.criticality}</strong> · leavers:{" "}
            {app.deprovisionAction === "delete"
              ? "deleted"
              : `disabled${app.leaverPolicy === "disable" ? " (group memberships kept)" : " and removed from every group"}, deleted after ${app.retentionDays} days`}
          </>
        }
        actions={
          <div className="flex items-center gap-3">
            {app.enabled && (
              <a href={`/requests/new?q=${encodeURIComponent(app.name)}`} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                Request access
              </a>
            )}
            {mayConfigure && app.enabled && app.connectorKind !== "manual" && <SyncNowButton action={syncApplicationAction} id={app.id} />}
          </div>
        }
      />
      <ParamNotices notices={notices} />
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
                <li key={o.id}>{o.displayName} <span className="text-slate-600">{o.email}</span></li>
              ))}
            </ul>
          )}
          <h3 className="mt-4 text-sm font-semibold text-slate-700">Also called</h3>
          {has(ctx.actor, "admin") ? (
            <AliasesForm action={saveAliasesAction} applicationId={app.id} aliases={app.aliases} builtIn={BUILT_IN_APP_ALIASES[app.key] ?? []} />
          ) : (
            <p className="text-sm text-slate-600">{[...(BUILT_IN_APP_ALIASES[app.key] ?? []), ...app.aliases].join(", ") || "No aliases."}</p>
          )}
        </Card>
        <Card title={`Entitlements (${live.length}${live.length < entitlements.length ? `, ${entitlements.length - live.length} removed in the system` : ""})`} className="lg:col-span-2">
          {entitlements.length === 0 ? (
            <EmptyState title="No entitlements" />
          ) : (
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Entitlements</caption>
              <thead className="text-left text-slate-600">
                <tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Level</th><th scope="col">Sensitivity</th><th scope="col" className="text-right">Holders</th><th scope="col" className="text-right">In the system</th></tr>
              </thead>
              <tbody>
                {entitlements.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100">
                    <td className="py-1">
                      {e.name} {e.privileged && <Badge tone="red">privileged</Badge>} {!e.requestable && <Badge>not requestable</Badge>}
                      {e.removedAt && <Badge tone="yellow" title={`Not found in the system since ${fmtDate(e.removedAt)}`}>removed in the system</Badge>}
                      {e.maxDurationDays && <span className="ml-1 text-xs text-slate-600">max {e.maxDurationDays} d</span>}
                      {e.description && <div className="text-xs text-slate-600">{e.description}{e.ownerEmail ? ` · owner ${e.ownerEmail}` : ""}</div>}
                      {mayConfigure && <EntitlementEditForm action={updateEntitlementAction} applicationId={app.id} e={e} />}
                    </td>
                    <td className="py-1">{e.kind}</td>
                    <td className="py-1">{e.level}</td>
                    <td className="py-1">{e.sensitivity}</td>
                    <td className="py-1 text-right">{e.holders}{e.adopted > 0 && <span className="block text-xs text-slate-600" title="Held before Gatehouse, never decided here: review them">{e.adopted} adopted</span>}</td>
                    <td className={`py-1 text-right ${e.inTarget !== e.holders ? "font-semibold text-amber-700" : ""}`}>{e.inTarget}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}
        </Card>
      </div>
      {drift && (
        <Card title={`Drift (${drift.filter((d) => d.status === "open").length} open, ${drift.filter((d) => d.status === "accepted").length} accepted)`} className="mt-4">
          <div id="drift" />
          {drift.length === 0 ? (
            <p className="text-sm text-slate-600">The last reconcile found the system as the portal wants it.</p>
          ) : (
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Drift findings in {app.name}</caption>
              <thead className="text-left text-slate-600">
                <tr><th scope="col">Finding</th><th scope="col">Since</th><th scope="col">Status</th></tr>
              </thead>
              <tbody>
                {drift.map((d) => (
                  <tr key={d.id} className="border-t border-slate-100 align-top">
                    <td className="py-1">
                      <span className="font-medium">{d.kind.replace(/_/g, " ")}</span>: {d.detail}
                      {d.personId && <> · <a className="text-brand-700 underline" href={`/people/${d.personId}`}>{d.personName}</a></>}
                    </td>
                    <td className="py-1 whitespace-nowrap text-xs text-slate-600">{fmtDate(d.firstSeenAt)}<div>last seen {fmtDate(d.lastSeenAt)}</div></td>
                    <td className="py-1">
                      {d.status === "accepted" ? (
                        <span className="text-xs text-slate-600"><Badge>accepted</Badge> until {fmtDate(d.acceptedUntil)}: {d.acceptedReason}</span>
                      ) : mayAcceptDrift ? (
                        <AcceptDriftForm findingId={d.id} what={d.detail} />
                      ) : (
                        <Badge tone="red">open</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}
        </Card>
      )}
      {mayImportUsage && (
        <Card title="Usage" className="mt-4">
          <p className="mb-2 text-sm text-slate-600">
            {app.connectorKind === "ldap"
              ? "Last sign-ins are read from the directory at every sync (authTimestamp, or Active Directory's lastLogonTimestamp)."
              : app.connectorKind === "scim" && lastLoginAttribute
                ? `Last sign-ins are read at every sync from ${lastLoginAttribute}.`
                : app.connectorKind === "scim"
                  ? "This system's last sign-ins are not read yet: set lastLoginAttribute (a SCIM attribute path) in its config, or upload them."
                  : "This system does not report last sign-ins: upload them."}{" "}
            A usage file is a CSV with a header <code>account,last_used</code>, one row per account, dates <code>YYYY-MM-DD</code> or ISO date-times.
            A file with any bad row changes nothing. Last sign-ins feed dormant-access findings and review recommendations.
          </p>
          <UsageImportForm action={importUsageAction} applicationId={app.id} />
        </Card>
      )}
      <Card title="Accounts" className="mt-4">
        {!accounts ? (
          <p className="text-sm text-slate-600">Only this application&apos;s owners, admins, security and auditors can see its accounts.</p>
        ) : accounts.rows.length === 0 ? (
          <EmptyState title="No accounts" />
        ) : (
          <>
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Accounts in {app.name}</caption>
              <thead className="text-left text-slate-600">
                <tr><th scope="col">Username</th><th scope="col">Person</th><th scope="col">Status</th><th scope="col">Reconciliation</th><th scope="col">Last sign-in</th></tr>
              </thead>
              <tbody>
                {accounts.rows.map((a) => (
                  <tr key={a.id} className="border-t border-slate-100">
                    <td className="py-1 font-mono text-xs">{a.username}</td>
                    <td className="py-1">
                      {a.personId ? (
                        <a className="text-brand-700 hover:underline" href={`/people/${a.personId}`}>{a.personName}</a>
                      ) : a.serviceUntil ? (
                        <Badge tone={new Date(a.serviceUntil).getTime() > Date.now() ? "green" : "red"}>service account of {a.serviceOwnerName ?? "?"} until {fmtDate(a.serviceUntil)}</Badge>
                      ) : (
                        <Badge tone="red">no owner (orphan)</Badge>
                      )}
                      {a.personStatus === "terminated" && <> <Badge tone="red">leaver</Badge></>}
                    </td>
                    <td className="py-1"><Badge tone={statusTone(a.status)}>{a.status}</Badge></td>
                    <td className="py-1">{a.reconState ?? "—"}</td>
                    <td className="py-1" title={a.lastLoginSource ? `from ${a.lastLoginSource === "csv" ? "an uploaded usage file" : a.lastLoginSource}` : undefined}>{fmtDate(a.lastLoginAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
            <Pagination page={page} pageSize={50} total={accounts.total} params={{ status }} basePath={`/applications/${app.id}`} />
          </>
        )}
      </Card>
    </>
  );
}
