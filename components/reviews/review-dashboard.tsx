"use client";
/**
 * Review dashboards for admins and auditors: campaign progress by reviewer (decided / open, stacked bars),
 * decisions by triage recommendation (kept / revoked / open, stacked), and time to revoke (median and p95 from
 * the decision to the finish of the revoke operation). Every chart has a text description for screen readers.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReviewDashboard as Data } from "@/lib/services/reviews/list-reviews";

const REC_LABEL = { no_action: "No action", review: "Review", remove: "Remove" } as const;

export function fmtDuration(s: number | null): string {
  if (s === null) return "–";
  if (s < 1) return `${Math.max(1, Math.round(s * 1000))} ms`;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

function Stacked({ data, xKey, series, description, height, vertical }: {
  data: Array<Record<string, string | number>>; xKey: string; series: Array<{ key: string; name: string; color: string }>;
  description: string; height: number; vertical?: boolean;
}) {
  return (
    <figure role="img" aria-label={description} style={{ width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout={vertical ? "vertical" : "horizontal"} margin={{ left: vertical ? 30 : 0, right: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          {vertical ? <XAxis type="number" allowDecimals={false} fontSize={11} /> : <XAxis dataKey={xKey} fontSize={11} />}
          {vertical ? <YAxis type="category" dataKey={xKey} width={130} fontSize={11} /> : <YAxis allowDecimals={false} fontSize={11} />}
          <Tooltip />
          <Legend />
          {series.map((s) => <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} stackId="a" isAnimationActive={false} />)}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function ReviewDashboard({ data }: { data: Data }) {
  const reviewers = data.byReviewer.map((r) => ({ name: r.name, decided: r.decided, open: r.open }));
  const recs = data.byRecommendation.map((r) => ({ recommendation: REC_LABEL[r.recommendation], kept: r.kept, revoked: r.revoked, open: r.open }));
  const t = data.timeToRevoke;
  const describeReviewers = reviewers.length
    ? `Progress by reviewer: ${reviewers.map((r) => `${r.name} ${r.decided} decided, ${r.open} open`).join("; ")}.`
    : "No review items yet.";
  const describeRecs = `Decisions by recommendation: ${recs.map((r) => `${r.recommendation}: ${r.kept} kept, ${r.revoked} revoked, ${r.open} open`).join("; ")}.`;
  return (
    <section aria-labelledby="dash-h" className="space-y-4" data-testid="review-dashboard">
      <h2 id="dash-h" className="text-lg font-semibold">Review dashboards</h2>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="rounded border border-slate-200 bg-white p-3">
          <h3 className="mb-2 text-sm font-semibold">Campaign progress by reviewer</h3>
          {reviewers.length ? (
            <Stacked data={reviewers} xKey="name" vertical height={Math.max(180, 28 * reviewers.length + 60)} description={describeReviewers}
              series={[{ key: "decided", name: "Decided", color: "#15803d" }, { key: "open", name: "Open", color: "#cbd5e1" }]} />
          ) : <p className="text-sm text-slate-600">No review items yet.</p>}
        </div>
        <div className="rounded border border-slate-200 bg-white p-3">
          <h3 className="mb-2 text-sm font-semibold">Decisions by recommendation</h3>
          <Stacked data={recs} xKey="recommendation" height={260} description={describeRecs}
            series={[{ key: "kept", name: "Kept", color: "#2563eb" }, { key: "revoked", name: "Revoked", color: "#dc2626" }, { key: "open", name: "Open", color: "#cbd5e1" }]} />
        </div>
      </div>
      <div className="rounded border border-slate-200 bg-white p-3">
        <h3 className="mb-2 text-sm font-semibold">Time to revoke</h3>
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
          <div><dt className="text-slate-600">Median</dt><dd className="text-xl font-semibold" data-testid="ttr-median">{fmtDuration(t.medianSeconds)}</dd></div>
          <div><dt className="text-slate-600">95th percentile</dt><dd className="text-xl font-semibold" data-testid="ttr-p95">{fmtDuration(t.p95Seconds)}</dd></div>
          <div><dt className="text-slate-600">Revoked</dt><dd className="text-xl font-semibold">{t.revoked}</dd></div>
          <div><dt className="text-slate-600">Removed in the target</dt><dd className="text-xl font-semibold">{t.finished}</dd></div>
        </dl>
        <p className="mt-2 text-xs text-slate-600">From the decision (or the default decision at closing) to the finish of the revoke operation it caused.</p>
      </div>
    </section>
  );
}
