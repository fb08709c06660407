import { Badge, label, statusTone } from "@/components/ui/badge";
import type { TimelineEntry } from "@/db/queries/lifecycle";

/**
 * A person's lifecycle history: each HR event (newest first) with the access it added and removed and the
 * provisioning operations it caused, with their state. Presentational (no hooks): render it from a Server
 * Component with `entries = await getPersonTimeline({ ctx, input: { personId } })`.
 */
export type PersonTimelineProps = { entries: TimelineEntry[]; title?: string };

const KIND: Record<string, string> = { joiner: "Joiner", pre_hire: "Pre-hire", mover: "Mover", leaver: "Leaver", leave_start: "Leave starts", leave_end: "Back from leave", rehire: "Rehire" };
const SOURCE: Record<string, string> = { csv: "HR file", webhook: "HR webhook", scim: "HR (SCIM)", schedule: "calendar (end/start date)", seed: "demo data", admin: "admin" };
const when = (s: string | null) => (s ? new Date(s).toISOString().replace("T", " ").slice(0, 16) : "—");
const CREDENTIAL: Record<string, string> = {
  reset: "new random password set: nobody knows it; the person sets theirs through the password reset",
  none: "no password: the person signs in through SSO",
};
const fmt = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : String(v));

export function PersonTimeline({ entries, title = "Lifecycle history" }: PersonTimelineProps) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="mb-3 text-sm font-semibold text-slate-700">{title}</h2>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">No HR events for this person yet.</p>
      ) : (
        <ol className="relative space-y-5 border-l border-slate-200 pl-4">
          {entries.map(({ event: e, grantsAdded, grantsRemoved, operations }) => {
            const open = operations.filter((o) => ["pending", "queued", "running", "failed"].includes(o.status)).length;
            const changes = Object.entries(e.changes).filter(([k]) => k !== "status" || e.kind !== "mover");
            return (
              <li key={e.id} aria-label={`${KIND[e.kind] ?? e.kind} on ${when(e.receivedAt)}`}>
                <span className="absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full border border-white bg-brand-600" aria-hidden />
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-semibold">{KIND[e.kind] ?? e.kind}</span>
                  <span className="text-slate-600">{when(e.receivedAt)} · from {SOURCE[e.source] ?? e.source}</span>
                  <Badge tone={e.status === "completed" ? "green" : open ? "yellow" : "gray"}>
                    {e.status === "completed" ? `access complete ${when(e.completedAt)}` : open ? `${open} operation${open === 1 ? "" : "s"} in progress` : label(e.status)}
                  </Badge>
                </div>
                {changes.length > 0 && (
                  <p className="mt-1 text-xs text-slate-600">
                    {changes.map(([k, c]) => `${k === "managerEmployeeId" ? "manager" : k}: ${fmt(c.from)} → ${fmt(c.to)}`).join(" · ")}
                  </p>
                )}
                {(grantsAdded.length > 0 || grantsRemoved.length > 0) && (
                  <ul className="mt-1 text-sm">
                    {grantsAdded.map((g, i) => (
                      <li key={`a${i}`} className="text-emerald-800">+ {g.application} · {g.entitlement} <span className="text-xs text-slate-600">{g.reason}</span></li>
                    ))}
                    {grantsRemoved.map((g, i) => (
                      <li key={`r${i}`} className="text-rose-800">− {g.application} · {g.entitlement} <span className="text-xs text-slate-600">{g.reason}</span></li>
                    ))}
                  </ul>
                )}
                {operations.length > 0 && (
                  <div className="overflow-x-auto"><table className="mt-2 w-full text-xs">
                    <caption className="sr-only">Operations caused by this event</caption>
                    <thead className="text-left text-slate-600"><tr><th scope="col">Operation</th><th scope="col">Application</th><th scope="col">Status</th><th scope="col">Done</th></tr></thead>
                    <tbody>
                      {operations.map((o) => (
                        <tr key={o.id} className="border-t border-slate-100">
                          <td className="py-0.5">
                            {label(o.kind)}{o.entitlement ? ` ${o.entitlement}` : ""}
                            {o.credential && CREDENTIAL[o.credential] && <span className="block text-slate-600">{CREDENTIAL[o.credential]}</span>}
                          </td>
                          <td>{o.application}</td>
                          <td><Badge tone={statusTone(o.status)} title={o.lastError ?? undefined}>{label(o.status)}</Badge></td>
                          <td>{when(o.finishedAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table></div>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
