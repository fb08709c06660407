import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { getMyDelegation } from "@/lib/services/requests/delegation";
import { runForPage } from "@/lib/services/run";
import { clearDelegateAction, setDelegateAction } from "./actions";
import { ClearDelegateButton, DelegateForm } from "./delegate-form";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const ctx = await pageCtx();
  const res = await runForPage(() => getMyDelegation({ ctx }));
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
      {d.forOthers.length > 0 && (
        <Card title="I approve on behalf of" className="mt-4">
          <ul className="text-sm">
            {d.forOthers.map((p) => (
              <li key={p.id} className="py-0.5">
                {p.displayName}
                {p.until ? <span className="text-slate-500"> until {fmtDate(p.until)}</span> : null}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
