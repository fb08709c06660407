import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { requireAllowed } from "@/lib/services/run";
import { listSodPolicies, sodEntitlementChoices } from "@/lib/services/sod/policies";
import { deleteSodPolicyAction, previewSodPolicyAction, saveSodPolicyAction } from "./actions";
import { SodPolicyEditor } from "./policy-editor";

export const metadata: Metadata = { title: "Separation of duties" };
export const dynamic = "force-dynamic";

export default async function SodPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "admin.area"));
  const [policies, choices] = await Promise.all([listSodPolicies({ ctx }), sodEntitlementChoices({ ctx })]);
  return (
    <>
      <PageHeader
        title="Separation of duties"
        subtitle="Combinations of access one person must not hold together. Requests that would create one are blocked or always go to a person; people who hold one today show on their page and in reviews. Saving a policy never removes access."
      />
      <Card title="New policy" className="mb-6">
        {choices.length === 0 ? <p className="text-sm text-slate-600">No entitlements yet: connect a system and sync it first.</p> : (
          <SodPolicyEditor choices={choices} preview={previewSodPolicyAction} save={saveSodPolicyAction} />
        )}
      </Card>
      <h2 className="mb-3 text-lg font-semibold text-slate-900">Policies ({policies.length})</h2>
      {policies.length === 0 ? <EmptyState title="No policies">Create the first one above.</EmptyState> : (
        <div className="space-y-4">
          {policies.map((p) => (
            <details key={p.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <summary className="cursor-pointer text-sm">
                <span className="font-medium">{p.name}</span>{" "}
                <span className="text-slate-700">· {p.action === "block" ? "blocks requests" : "needs approval"} · {p.severity}{p.enabled ? "" : " · disabled"} · </span>
                <span className={p.violators ? "font-medium text-rose-700" : "text-slate-700"}>{p.violators} violating today</span>
                <div className="mt-1 text-xs text-slate-700">{p.sideA.map((x) => x.label).join(", ")} <strong>×</strong> {p.sideB.map((x) => x.label).join(", ")}</div>
              </summary>
              <div className="mt-3">
                <SodPolicyEditor
                  choices={choices}
                  initial={{ id: p.id, name: p.name, description: p.description, severity: p.severity, action: p.action, enabled: p.enabled, sideA: p.sideA.map((x) => x.id), sideB: p.sideB.map((x) => x.id) }}
                  preview={previewSodPolicyAction}
                  save={saveSodPolicyAction}
                  remove={deleteSodPolicyAction}
                />
              </div>
            </details>
          ))}
        </div>
      )}
    </>
  );
}
