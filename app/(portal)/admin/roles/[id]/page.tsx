import type { Metadata } from "next";
import { Badge, label } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { pageCtx } from "@/lib/services/ctx";
import { runForPage } from "@/lib/services/run";
import { getRoleTemplate } from "@/lib/services/roles/preview-change-reads";
import { roleChangeAction } from "./actions";
import { ChangeForm } from "./change-form";

export const metadata: Metadata = { title: "Role template" };

const SYNTAX = "One condition per line, all must hold: department = Sales · level >= 5 · level <= 3 · location in Oslo, Austin · title ^= Eng · department != Legal · idpGroup = Engineers (member of that IdP group, pushed over SCIM /Groups)";

export default async function RolePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await pageCtx();
  const res = await runForPage(() => getRoleTemplate({ ctx, input: { id } }));
  const { template: t, entitlements, rules, catalog } = res;
  const draft = t.status === "draft";
  return (
    <>
      <PageHeader
        title={t.name}
        subtitle={<>{t.description || t.key} · <Badge tone={draft ? "yellow" : "green"}>{label(t.status)}</Badge> · origin {t.origin}</>}
        actions={<a href="/admin/roles" className="text-sm text-brand-700 hover:underline">All roles</a>}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Entitlements">
          {entitlements.length === 0 && <p className="text-sm text-slate-600">No entitlements yet.</p>}
          <ul className="space-y-3">
            {entitlements.map((e) => (
              <li key={e.id} className="border-b border-slate-100 pb-2">
                <div className="text-sm font-medium">{e.application} · {e.name} <span className="text-xs text-slate-600">({e.sensitivity})</span></div>
                <ChangeForm action={roleChangeAction} label={`Remove ${e.name}`} previewLabel="Preview removal" applyLabel="Remove" hidden={{ kind: "role.removeEntitlement", roleId: t.id, entitlementId: e.id }} />
              </li>
            ))}
          </ul>
          {catalog.length > 0 && (
            <div className="mt-4">
              <ChangeForm
                action={roleChangeAction} label="Add an entitlement" previewLabel="Preview adding" applyLabel="Add to template" hidden={{ kind: "role.addEntitlement", roleId: t.id }}
                fields={[{ kind: "select", name: "entitlementId", label: "Add an entitlement", value: catalog[0]!.id, options: catalog.map((c) => ({ value: c.id, label: c.label })) }]}
              />
            </div>
          )}
        </Card>

        <Card title="Birthright rules">
          {draft && <p className="mb-3 text-sm text-amber-800">A draft gives nothing to anyone: rules take effect when the template is published.</p>}
          {rules.length === 0 && <p className="text-sm text-slate-600">No rules: the template is only given by request.</p>}
          <ul className="space-y-4">
            {rules.map((r) => (
              <li key={r.id} className="space-y-2 border-b border-slate-100 pb-3">
                <div className="text-sm font-medium">
                  {r.name} {r.enabled ? <Badge tone="green">enabled</Badge> : <Badge tone="gray">disabled</Badge>}{" "}
                  <span className="text-xs text-slate-600">matches {r.matches} people</span>
                </div>
                <ChangeForm
                  action={roleChangeAction} label={`Edit conditions of ${r.name}`} applyLabel="Save conditions" hidden={{ kind: "rule.conditions", roleId: t.id, ruleId: r.id }}
                  fields={[{ kind: "textarea", name: "conditions", label: "Conditions", value: r.text, rows: Math.max(2, r.conditions.length + 1), describedBy: "cond-syntax" }]}
                />
                <ChangeForm
                  action={roleChangeAction}
                  label={`${r.enabled ? "Disable" : "Enable"} ${r.name}`}
                  previewLabel={r.enabled ? "Preview disabling" : "Preview enabling"}
                  applyLabel={r.enabled ? "Disable rule" : "Enable rule"}
                  hidden={{ kind: "rule.enabled", roleId: t.id, ruleId: r.id, enabled: String(!r.enabled) }}
                />
              </li>
            ))}
          </ul>
          <p id="cond-syntax" className="mt-3 text-xs text-slate-600">{SYNTAX}. Attributes: {res.attributes.join(", ")}.</p>
        </Card>

        {draft && (
          <Card title="Publish">
            <ChangeForm
              action={roleChangeAction} label="Publish template" previewLabel="Preview publishing" applyLabel="Publish" hidden={{ kind: "role.publish", roleId: t.id }}
              note="Publishing turns on the template's rules; add one here to give it by attributes."
              fields={[
                { kind: "input", name: "ruleName", label: "New rule name", value: `${t.name} rule` },
                { kind: "textarea", name: "conditions", label: "New rule conditions (empty: no new rule)", value: "", rows: 3, placeholder: "department = Finance", describedBy: "cond-syntax" },
              ]}
            />
          </Card>
        )}
      </div>
    </>
  );
}
