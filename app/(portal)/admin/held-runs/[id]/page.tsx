import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { getHeldRun } from "@/lib/services/guard/held-runs";
import { pageCtx } from "@/lib/services/ctx";
import { runForPage } from "@/lib/services/run";
import { decideHeldRunAction } from "../actions";
import { DecideHeldRunForm } from "../decide-form";

export const metadata: Metadata = { title: "Held run" };
export const dynamic = "force-dynamic";

const WHAT: Record<string, string> = {
  revoke: "revoke in the system",
  disable: "disable the account",
  delete: "delete the account",
  "grant.revoked": "grant revoked",
  "grant.scheduled": "grant scheduled for removal",
};

export default async function HeldRunPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await pageCtx();
  const { id } = await params;
  const run = await runForPage(() => getHeldRun({ ctx, input: { id } }));
  const s = run.summary;
  return (
    <>
      <PageHeader title={run.title} subtitle={<>Held {fmtDate(run.createdAt)} · <span className="font-mono text-xs">{run.kind}</span> · <Badge tone={run.status === "held" ? "yellow" : run.status === "released" ? "green" : "gray"}>{run.status}</Badge></>} />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Why it was held">
          <ul className="text-sm">
            <li>{s.people ?? 0} people lose access (of {s.activePeople ?? 0} active)</li>
            <li>{s.accounts ?? 0} accounts disabled or deleted</li>
            <li>{s.grants ?? 0} grants removed</li>
            {s.operations !== undefined && <li>{s.operations} operations in all</li>}
          </ul>
        </Card>
        <Card title="Decision" className="lg:col-span-2">
          {run.status === "held" ? (
            <DecideHeldRunForm action={decideHeldRunAction} id={run.id} removals={s.removals ?? run.changes.length} />
          ) : (
            <p className="text-sm">
              {run.status === "released" ? "Released" : "Cancelled"} {fmtDate(run.decidedAt)}{run.decisionNote ? `: “${run.decisionNote}”` : ""}.
              {run.result && <> Result: {Object.entries(run.result).filter(([, v]) => typeof v === "number").map(([k, v]) => `${k} ${v}`).join(", ")}.</>}
            </p>
          )}
        </Card>
      </div>
      <Card title={`Changes (${run.changes.length}${(s.removals ?? 0) > run.changes.length ? ` of ${s.removals}` : ""})`} className="mt-4">
        <div className="overflow-x-auto"><table className="w-full text-sm">
          <caption className="sr-only">What this run would remove</caption>
          <thead className="text-left text-slate-600">
            <tr><th scope="col">Change</th><th scope="col">Person</th><th scope="col">Application</th><th scope="col">Entitlement</th></tr>
          </thead>
          <tbody>
            {run.changes.map((c, i) => (
              <tr key={i} className="border-t border-slate-100">
                <td className="py-1">{WHAT[c.kind ?? ""] ?? c.kind}</td>
                <td className="py-1">{c.personId ? <a className="text-brand-700 hover:underline" href={`/people/${c.personId}`}>{c.person}</a> : "—"}</td>
                <td className="py-1">{c.application ?? "—"}</td>
                <td className="py-1">{c.entitlement ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      </Card>
    </>
  );
}
