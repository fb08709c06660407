import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { listTokens } from "@/lib/services/scim-inbound/tokens";
import { createScimTokenAction, revokeScimTokenAction } from "./actions";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";
import { requireAllowed } from "@/lib/services/run";

export const metadata: Metadata = { title: "SCIM tokens" };
export const dynamic = "force-dynamic";

export default async function ScimTokensPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "admin.area"));
  const tokens = await listTokens({ ctx });
  return (
    <>
      <PageHeader
        title="SCIM tokens"
        subtitle="Bearer tokens for identity providers and HR systems that push people into Gatehouse through SCIM 2.0 at /scim/v2. Every change they make goes through the HR pipeline (joiners, movers, leavers)."
      />
      <Card title="New token" className="mb-6">
        <CreateTokenForm action={createScimTokenAction} />
      </Card>
      <Card title="Tokens">
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No tokens yet.</p>
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm">
            <caption className="sr-only">SCIM tokens</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">By</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} className="border-t border-slate-100">
                  <td className="py-2 font-medium">{t.name}</td>
                  <td className="py-2">{fmtDate(t.createdAt)}</td>
                  <td className="py-2">{t.createdBy ?? "CLI"}</td>
                  <td className="py-2">{t.lastUsedAt ? fmtDate(t.lastUsedAt) : "never"}</td>
                  <td className="py-2">{t.revokedAt ? `revoked ${fmtDate(t.revokedAt)}` : "active"}</td>
                  <td className="py-2 text-right">{!t.revokedAt && <RevokeTokenButton action={revokeScimTokenAction} id={t.id} name={t.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </Card>
      <p className="mt-6 text-xs text-slate-600">
        Point your IdP at <code>{"<portal URL>/scim/v2"}</code> with <code>Authorization: Bearer ghscim_…</code>. Users map to people (emails = work email,
        enterprise employeeNumber = employee id, active=false = leaver); Groups are IdP groups of people, usable in birthright rules
        (condition <code>idpGroup</code>) and as review campaign scopes. See docs/scim.md.
      </p>
    </>
  );
}
