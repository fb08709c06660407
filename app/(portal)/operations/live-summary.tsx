"use client";
import { useQuery } from "@tanstack/react-query";
import type { OperationsSummary } from "@/lib/services/provisioning/get-operations";

export const operationsSummaryKey = ["operations", "summary"] as const;

const tiles: Array<{ key: keyof OperationsSummary["counts"]; label: string; tone: string }> = [
  { key: "pending", label: "Pending", tone: "text-amber-700" },
  { key: "queued", label: "Queued", tone: "text-amber-700" },
  { key: "running", label: "Running", tone: "text-sky-700" },
  { key: "failed", label: "Retrying", tone: "text-rose-700" },
  { key: "dead", label: "Dead-lettered", tone: "text-rose-700" },
  { key: "succeeded", label: "Succeeded", tone: "text-emerald-700" },
];

/** Queue counts, refreshed every 2 s from GET /api/v1/operations/summary (first paint from the server). */
export function LiveSummary({ initial }: { initial: OperationsSummary }) {
  const { data, isError } = useQuery({
    queryKey: operationsSummaryKey,
    queryFn: async (): Promise<OperationsSummary> => {
      const r = await fetch("/api/v1/operations/summary", { cache: "no-store" });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    },
    initialData: initial,
    refetchInterval: 2000,
    staleTime: 0,
  });
  const s = data ?? initial;
  const total = s.open + s.counts.succeeded + s.counts.dead;
  const donePct = total === 0 ? 100 : Math.round(((s.counts.succeeded + s.counts.dead) / total) * 100);
  return (
    <>
    {s.stalled && (
      <div role="alert" className="mb-3 rounded-lg border border-rose-300 bg-rose-50 p-3 text-sm text-rose-800">
        <strong>Nothing has picked up work for more than a minute.</strong> {s.stalled.waiting.toLocaleString("en-US")} operation
        {s.stalled.waiting === 1 ? " is" : "s are"} ready and waiting (oldest since {s.stalled.oldestReadyAt.replace("T", " ").slice(0, 16)}; last pickup{" "}
        {s.stalled.lastPickupAt ? s.stalled.lastPickupAt.replace("T", " ").slice(0, 16) : "never"}). Is a worker running? The portal runs one unless
        GATEHOUSE_WORKER=off; otherwise start <code>npm run gatehouse -- worker</code>.
      </div>
    )}
    {s.paused.length > 0 && (
      <div role="status" className="mb-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
        <strong>Paused, not answering:</strong>{" "}
        {s.paused.map((p, i) => (
          <span key={p.applicationId}>
            {i > 0 && "; "}
            {p.name} ({p.waiting} waiting{p.since ? `, since ${p.since.replace("T", " ").slice(11, 19)}` : ""}){p.lastError ? `: ${p.lastError.slice(0, 120)}` : ""}
          </span>
        ))}
        . Probed every few seconds; the work drains by itself when it answers.
      </div>
    )}
    <section aria-label="Queue status" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {tiles.map((t) => (
          <div key={t.key}>
            <div className="text-xs font-medium uppercase tracking-wide text-slate-600">{t.label}</div>
            <div className={`text-2xl font-semibold ${t.tone}`} data-testid={`ops-${t.key}`}>
              {s.counts[t.key].toLocaleString("en-US")}
            </div>
          </div>
        ))}
      </div>
      <div className="mt-4">
        <div className="flex justify-between text-xs text-slate-600">
          <span>{s.open === 0 ? "Queue is idle" : `${s.open.toLocaleString("en-US")} operations to go`}</span>
          <span>
            {s.succeededLast5Min} done in the last 5 min · {s.openIncidents} open incident{s.openIncidents === 1 ? "" : "s"}
            {isError && " · live updates paused"}
          </span>
        </div>
        <div className="mt-1 h-2 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Operations finished" aria-valuenow={donePct} aria-valuemin={0} aria-valuemax={100}>
          <div className="h-2 bg-emerald-500 transition-all" style={{ width: `${donePct}%` }} />
        </div>
      </div>
    </section>
    </>
  );
}
