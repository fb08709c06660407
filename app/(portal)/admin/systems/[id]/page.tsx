import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { requireAllowed, runForPage } from "@/lib/services/run";
import { fieldsOfConfig, CONNECTOR_LABELS, isFormKind } from "@/lib/domain/connector-fields";
import { getSystem } from "@/lib/services/systems/list-systems";
import { saveSystemAction, testSystemAction } from "../actions";
import { HealthScore } from "../health";
import { SystemForm, type SystemFormValues } from "../system-form";

export const metadata: Metadata = { title: "Connected system" };
export const dynamic = "force-dynamic";

export default async function SystemPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "application.configure"));
  const { id } = await params;
  if (id === "new") {
    const blank: SystemFormValues = { key: "", name: "", description: "", connectorKind: "scim", configFields: {}, config: "{}", advanced: false, secretsSet: [], criticality: "medium", deprovisionAction: "disable", retentionDays: 30, leaverPolicy: "disable_and_remove_memberships", reconcilePolicy: "report" };
    return (
      <>
        <PageHeader title="Add a connected system" subtitle="The configuration is checked by the connector before it is saved. Test the connection before saving if you like." />
        <Card><SystemForm values={blank} save={saveSystemAction} test={testSystemAction} /></Card>
      </>
    );
  }
  const res = await runForPage(() => getSystem({ ctx, input: { id } }));
  const s = res;
  const typed = fieldsOfConfig(s.connectorKind, s.config);
  const values: SystemFormValues = {
    id: s.id,
    key: s.key,
    name: s.name,
    description: s.description,
    connectorKind: s.connectorKind,
    configFields: typed.values,
    config: JSON.stringify(s.config, null, 2),
    advanced: typed.unknownKeys.length > 0,
    secretsSet: s.secretsSet,
    criticality: s.criticality,
    deprovisionAction: s.deprovisionAction,
    retentionDays: s.retentionDays,
    leaverPolicy: s.leaverPolicy,
    reconcilePolicy: s.reconcilePolicy,
  };
  return (
    <>
      <PageHeader title={s.name} subtitle={<>Connector <strong>{isFormKind(s.connectorKind) ? CONNECTOR_LABELS[s.connectorKind] : s.connectorKind}</strong> · last sync {s.lastReconciledAt ? fmtDate(s.lastReconciledAt) : "never"} · <a className="underline" href={`/applications/${s.id}`}>application page</a></>} />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Health" className="lg:col-span-1">
          <HealthScore health={s.health} />
          {s.health && (
            <ul className="mt-3 list-disc pl-5 text-sm text-slate-700">
              {s.health.reasons.length ? s.health.reasons.map((r) => <li key={r}>{r}</li>) : <li>No problems found.</li>}
            </ul>
          )}
          <h3 className="mt-4 text-sm font-semibold text-slate-700">Owners</h3>
          <ul className="text-sm">{s.owners.length ? s.owners.map((o) => <li key={o.id}>{o.displayName} <span className="text-slate-600">{o.email}</span></li>) : <li className="text-slate-600">No owner: manual tasks need one.</li>}</ul>
        </Card>
        <Card title="Configuration" className="lg:col-span-2">
          {s.connectorKind === "demo" ? (
            <p className="text-sm text-slate-600">A demo application served by the portal itself; choose another connector below to make it a real system.</p>
          ) : null}
          <SystemForm values={values} save={saveSystemAction} test={testSystemAction} />
        </Card>
      </div>
    </>
  );
}
