import type { Metadata } from "next";
import { Badge, label } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { pageCtx } from "@/lib/services/ctx";
import { listIncidents } from "@/lib/services/provisioning/get-operations";
import { runForPage } from "@/lib/services/run";
import { RetryButton } from "./retry-button";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage() {
  const ctx = await pageCtx();
  const res = await runForPage(() => listIncidents({ ctx }));
  const { incidents, mayRetry } = res;
  return (
    <>
      <PageHeader title="Provisioning incidents" subtitle="Operations the worker gave up on. Fix the cause in the target, then retry." />
      {incidents.length === 0 ? (
        <EmptyState title="No open incidents">Every operation either succeeded or is still being retried automatically.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {incidents.map((i) => (
            <li key={i.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <h2 className="font-medium text-slate-900">{i.title}</h2>
                  <p className="mt-1 text-sm text-slate-600">
                    {i.personId ? (
                      <a className="text-brand-700 hover:underline" href={`/people/${i.personId}`}>
                        {i.personName}
                      </a>
                    ) : (
                      "No person"
                    )}
                    {" · "}
                    {i.applicationName ?? "unknown application"}
                    {i.operationKind && ` · ${label(i.operationKind)}`}
                    {i.attempts != null && ` · ${i.attempts} attempt${i.attempts === 1 ? "" : "s"}`}
                    {" · since "}
                    {new Date(i.createdAt).toISOString().replace("T", " ").slice(0, 16)}
                  </p>
                  <pre className="mt-2 max-w-3xl whitespace-pre-wrap break-words rounded bg-rose-50 p-2 text-xs text-rose-800">{i.error}</pre>
                </div>
                <div className="flex items-center gap-2">
                  <Badge tone={i.status === "retrying" ? "yellow" : "red"}>{i.status}</Badge>
                  {mayRetry && i.status === "open" && <RetryButton incidentId={i.id} label={`Retry: ${i.title}`} />}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
