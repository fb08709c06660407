import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import { CONNECTOR_LABELS, isFormKind } from "@/lib/domain/connector-fields";
import { pageCtx } from "@/lib/services/ctx";
import { requireAllowed } from "@/lib/services/run";
import { listSystems } from "@/lib/services/systems/list-systems";
import { HealthScore } from "./health";

export const metadata: Metadata = { title: "Connected systems" };
export const dynamic = "force-dynamic";

export default async function SystemsPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "application.configure"));
  const systems = await listSystems({ ctx });
  return (
    <>
      <PageHeader
        title="Connected systems"
        subtitle="Where Gatehouse provisions accounts: SCIM applications, LDAP directories, PostgreSQL databases, and systems fulfilled by hand. Secrets are write-only."
        actions={<a href="/admin/systems/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">Add a system</a>}
      />
      <Card title="Systems">
        <div className="overflow-x-auto"><table className="w-full text-sm">
          <caption className="sr-only">Connected systems</caption>
          <thead className="text-left text-slate-600">
            <tr><th scope="col">Name</th><th scope="col">Connector</th><th scope="col">Health</th><th scope="col">Last sync</th><th scope="col">Drift</th><th scope="col">Failed (7 d)</th><th scope="col">Incidents</th><th scope="col">Secrets</th></tr>
          </thead>
          <tbody>
            {systems.map((s) => (
              <tr key={s.id} className="border-t border-slate-100">
                <td className="py-2 font-medium"><a className="hover:underline" href={`/admin/systems/${s.id}`}>{s.name}</a> <span className="text-xs text-slate-600">{s.key}</span></td>
                <td className="py-2">{isFormKind(s.connectorKind) ? CONNECTOR_LABELS[s.connectorKind] : s.connectorKind}{!s.enabled && " (disabled)"}{s.paused && <span className="ml-1 rounded bg-amber-100 px-1.5 text-xs text-amber-900">paused: not answering</span>}</td>
                <td className="py-2"><HealthScore health={s.health} /></td>
                <td className="py-2">{s.lastReconciledAt ? fmtDate(s.lastReconciledAt) : "never"}</td>
                <td className="py-2">
                  {s.health ? `${s.health.driftPct}%` : "—"}
                  {s.drift && s.drift.open + s.drift.accepted > 0 && (
                    <a className="block text-xs text-brand-700 hover:underline" href={`/applications/${s.id}#drift`}>
                      {s.drift.open} finding{s.drift.open === 1 ? "" : "s"}{s.drift.accepted ? `, ${s.drift.accepted} accepted` : ""}
                    </a>
                  )}
                </td>
                <td className="py-2">{s.health?.failedOps7d ?? 0}</td>
                <td className="py-2">{s.health?.openIncidents ?? 0}</td>
                <td className="py-2 text-xs text-slate-600">{s.secretsSet.length ? s.secretsSet.join(", ") + " set" : "none"}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      </Card>
      <p className="mt-6 text-xs text-slate-600">Score: 100 minus deductions for staleness, drift, failed operations and open incidents (formula in db/queries/system-health.ts). Systems can also be kept in a file: <code>gatehouse apply -f systems.json</code>.</p>
    </>
  );
}
