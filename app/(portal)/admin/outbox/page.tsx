import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { listEmailOutbox } from "@/lib/services/requests/notifications";
import { requireAllowed } from "@/lib/services/run";

export const metadata: Metadata = { title: "Mail outbox" };
export const dynamic = "force-dynamic";

export default async function OutboxPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "admin.area"));
  const rows = await listEmailOutbox({ ctx });
  return (
    <>
      <PageHeader title="Mail outbox" subtitle="Email notifications not sent yet (oldest first). They are sent when SMTP is configured; until then they wait here." />
      <Card>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">The outbox is empty.</p>
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm">
            <caption className="sr-only">Unsent email</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Kind</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-slate-100 align-top">
                  <td className="py-2 whitespace-nowrap">{fmtDate(r.createdAt)}</td>
                  <td className="py-2">{r.recipient} <span className="text-xs text-slate-600">&lt;{r.email}&gt;</span></td>
                  <td className="py-2"><span className="font-medium">{r.title}</span>{r.body && <p className="text-xs text-slate-600">{r.body}</p>}</td>
                  <td className="py-2 text-xs text-slate-600">{r.kind}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </Card>
    </>
  );
}
