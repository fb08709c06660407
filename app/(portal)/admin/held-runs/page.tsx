import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import { listHeldRuns } from "@/lib/services/guard/held-runs";
import { pageCtx } from "@/lib/services/ctx";
import { requireAllowed } from "@/lib/services/run";

export const metadata: Metadata = { title: "Held runs" };
export const dynamic = "force-dynamic";

const TONE = { held: "yellow", released: "green", cancelled: "gray" } as const;

export default async function HeldRunsPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "admin.area"));
  const runs = await listHeldRuns({ ctx });
  const waiting = runs.filter((r) => r.status === "held").length;
  return (
    <>
      <PageHeader
        title="Held runs"
        subtitle="Runs the mass-change guard stopped because they would remove a lot of access at once (role changes, role files, reconcile remediation). Nothing of a held run has executed; read its changes, then release or cancel it."
      />
      <Card title={`Runs (${waiting} waiting)`}>
        {runs.length === 0 ? (
          <EmptyState title="Nothing held">No run has exceeded the thresholds.</EmptyState>
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm">
            <caption className="sr-only">Held runs, newest first</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">Removals</th><th scope="col">People</th><th scope="col">Held</th><th scope="col">Status</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-t border-slate-100">
                  <td className="py-2"><a className="text-brand-700 hover:underline" href={`/admin/held-runs/${r.id}`}>{r.title}</a></td>
                  <td className="py-2 font-mono text-xs">{r.kind}</td>
                  <td className="py-2">{r.summary.removals ?? 0}</td>
                  <td className="py-2">{r.summary.people ?? 0}</td>
                  <td className="py-2">{fmtDate(r.createdAt)}</td>
                  <td className="py-2"><Badge tone={TONE[r.status]}>{r.status}</Badge></td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </Card>
    </>
  );
}
