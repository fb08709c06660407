import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { getMyDelegation } from "@/lib/services/requests/delegation";
import { runForPage } from "@/lib/services/run";
import { listPersonalTokens } from "@/lib/services/agents/tokens";
import { clearDelegateAction, createPersonalTokenAction, revokePersonalTokenAction, setDelegateAction } from "./actions";
import { ClearDelegateButton, DelegateForm } from "./delegate-form";
import { PersonalTokenForm, RevokePersonalTokenButton } from "./token-forms";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const ctx = await pageCtx();
  const [res, tokens] = await runForPage(() => Promise.all([getMyDelegation({ ctx }), listPersonalTokens({ ctx })]));
  const d = res;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <>
      <PageHeader title="Settings" />
      <Card title="Approvals while I'm away">
        <p className="mb-3 text-sm text-slate-600">
          Name a colleague who approves on your behalf until a date. They see your waiting approvals and decide them in your name (recorded as
          &ldquo;on behalf of&rdquo;), but never a request of their own. You keep seeing your approvals too.
        </p>
        {d.delegate && d.active ? (
          <p className="mb-3 text-sm" data-testid="delegation-current">
            Approvals go to <span className="font-medium">{d.delegate.displayName}</span> ({d.delegate.email})
            {d.until ? <> until {fmtDate(d.until)}</> : " with no end date (set by HR)"}. <ClearDelegateButton action={clearDelegateAction} />
          </p>
        ) : (
          <p className="mb-3 text-sm text-slate-600">{d.delegate ? `Your delegation to ${d.delegate.displayName} has ended.` : "No delegate: approvals come to you."}</p>
        )}
        <DelegateForm action={setDelegateAction} minDate={today} defaultEmail={d.active ? d.delegate?.email : undefined} />
      </Card>
      <Card title="Personal tokens" className="mt-4">
        <p className="mb-3 text-sm text-slate-600">
          Let your own assistant act as you through Gatehouse&apos;s MCP server (see docs/agents.md): it can do only what you can, within the scopes you
          choose, until the token expires. Every call is audited.
        </p>
        <PersonalTokenForm action={createPersonalTokenAction} />
        {tokens.length > 0 && (
          <div className="overflow-x-auto"><table className="mt-4 w-full text-sm">
            <caption className="sr-only">Personal tokens</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">Name</th><th scope="col">Scopes</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} className="border-t border-slate-100">
                  <td className="py-1 font-medium">{t.name}</td>
                  <td className="py-1">{t.scopes.join(", ")}</td>
                  <td className="py-1">{fmtDate(t.expiresAt)}</td>
                  <td className="py-1">{t.lastUsedAt ? fmtDate(t.lastUsedAt) : "never"}</td>
                  <td className="py-1">{t.revokedAt ? `revoked ${fmtDate(t.revokedAt)}` : "active"}</td>
                  <td className="py-1 text-right">{!t.revokedAt && <RevokePersonalTokenButton action={revokePersonalTokenAction} id={t.id} name={t.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </Card>
      {d.forOthers.length > 0 && (
        <Card title="I approve on behalf of" className="mt-4">
          <ul className="text-sm">
            {d.forOthers.map((p) => (
              <li key={p.id} className="py-0.5">
                {p.displayName}
                {p.until ? <span className="text-slate-600"> until {fmtDate(p.until)}</span> : null}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
