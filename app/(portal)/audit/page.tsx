import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/can";
import { parseAuditFilters, searchAudit } from "@/lib/services/audit/search-audit";
import { pageCtx } from "@/lib/services/ctx";
import { requireAllowed } from "@/lib/services/run";
import { verifyAuditChainAction } from "./actions";
import { VerifyChainButton } from "./verify-button";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

const summary = (d: Record<string, unknown>) => {
  const s = JSON.stringify(d);
  return s === "{}" ? "" : s.length > 160 ? `${s.slice(0, 157)}…` : s;
};

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "audit.read"));
  const { filters, ignored } = parseAuditFilters(await searchParams);
  const { rows, hasMore, page } = await searchAudit({ ctx, input: filters });
  const keep = { actor: filters.actor, person: filters.person, action: filters.action, from: filters.from, to: filters.to };
  const href = (p: number) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(keep)) if (v) sp.set(k, v);
    sp.set("page", String(p));
    return `/audit?${sp.toString()}`;
  };
  const input = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every decision and change, newest first. Each event is hash-chained to the one before it, so removing or altering any event breaks the chain; verify it here or with `npm run gatehouse -- audit verify`."
        actions={<VerifyChainButton action={verifyAuditChainAction} />}
      />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Search the audit log">
        <label className="flex flex-col text-xs font-medium text-slate-700">Actor<input name="actor" defaultValue={keep.actor ?? ""} placeholder="name, email, or system / cli" className={input} /></label>
        <label className="flex flex-col text-xs font-medium text-slate-700">Person<input name="person" defaultValue={keep.person ?? ""} placeholder="name, email or employee id" className={input} /></label>
        <label className="flex flex-col text-xs font-medium text-slate-700">Action<input name="action" defaultValue={keep.action ?? ""} placeholder="e.g. review. or request.approved" className={input} /></label>
        <label className="flex flex-col text-xs font-medium text-slate-700">From<input type="date" name="from" defaultValue={keep.from ?? ""} className={input} /></label>
        <label className="flex flex-col text-xs font-medium text-slate-700">To<input type="date" name="to" defaultValue={keep.to ?? ""} className={input} /></label>
        <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Search</button>
        <a href="/audit" className="py-1.5 text-sm text-brand-700 underline">Clear</a>
      </form>
      {ignored.length > 0 && <p role="note" className="mb-3 rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">Ignored invalid filter{ignored.length > 1 ? "s" : ""}: {ignored.join(", ")}.</p>}
      {rows.length === 0 ? (
        <EmptyState title="No events">No audit event matches these filters.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">Audit events</caption>
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2">#</th>
                <th scope="col" className="px-3 py-2">When (UTC)</th>
                <th scope="col" className="px-3 py-2">Actor</th>
                <th scope="col" className="px-3 py-2">Action</th>
                <th scope="col" className="px-3 py-2">Target</th>
                <th scope="col" className="px-3 py-2">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.seq} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 font-mono text-xs" title={`hash ${r.hash}`}>{r.seq}</td>
                  <td className="whitespace-nowrap px-3 py-2">{r.at.replace("T", " ").slice(0, 19)}</td>
                  <td className="px-3 py-2">{r.actorName ? <a className="text-brand-700 underline" href={`/people/${r.actorId}`}>{r.actorName}</a> : <span className="text-slate-700">{r.actorKind}</span>}</td>
                  <td className="px-3 py-2 font-mono text-xs">{r.action}</td>
                  <td className="px-3 py-2">{r.targetName ? <a className="text-brand-700 underline" href={`/people/${r.targetId}`}>{r.targetName}</a> : <span className="text-slate-700">{r.targetKind ? `${r.targetKind} ${r.targetId ?? ""}` : "—"}</span>}</td>
                  <td className="max-w-md break-all px-3 py-2 font-mono text-xs text-slate-700">{summary(r.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-700">
        <span>Page {page}</span>
        <span className="flex gap-2">
          {page > 1 && <a className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50" href={href(page - 1)} rel="prev">Newer</a>}
          {hasMore && <a className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50" href={href(page + 1)} rel="next">Older</a>}
        </span>
      </nav>
    </>
  );
}
