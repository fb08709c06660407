"use client";
/**
 * Role mining: start a job, poll its progress (TanStack Query, every second while it runs), then the mined roles
 * with their explaining attributes and closest existing template, charts (role sizes, coverage curve, outliers),
 * and the checkboxes → draft templates → links to each draft's admin page (preview and publish live there).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SimpleBarChart } from "@/components/charts/bar-chart";
import { ProgressBar } from "@/components/reviews/progress-bar";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, Stat } from "@/components/ui/card";
import type { getMiningJob, MiningResult } from "@/lib/services/mining/mine-organisation";

type Job = Awaited<ReturnType<typeof getMiningJob>>;
type Drafted = { ok: boolean; message: string; created?: Array<{ id: string; name: string; entitlements: number }> };

export const miningKeys = { job: (id: string | null) => ["mining", "job", id ?? "latest"] as const };
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function RoleMiningView({ initial, canDraft, start, poll, draft }: {
  initial: Job;
  canDraft: boolean;
  start: (i: { timeLimitMs?: number }) => Promise<{ ok: true; jobId: string } | { ok: false; message: string }>;
  poll: (jobId: string | null) => Promise<Job>;
  draft: (i: { jobId: string; roles: Array<{ name: string; entitlementIds: string[] }> }) => Promise<Drafted>;
}) {
  const qc = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(initial?.id ?? null);
  const [seconds, setSeconds] = useState(8);
  const [error, setError] = useState<string | null>(null);
  const { data: job } = useQuery({
    queryKey: miningKeys.job(jobId),
    queryFn: () => poll(jobId),
    initialData: jobId === (initial?.id ?? null) ? initial : undefined,
    refetchInterval: (q) => (q.state.data?.status === "running" || q.state.data?.status === "queued" ? 1000 : false),
  });
  const run = useMutation({
    mutationFn: () => start({ timeLimitMs: seconds * 1000 }),
    onSuccess: (r) => {
      if (!r.ok) return setError(r.message);
      setError(null);
      setJobId(r.jobId);
      void qc.invalidateQueries({ queryKey: miningKeys.job(r.jobId) });
    },
  });
  const running = job?.status === "running" || job?.status === "queued";
  return (
    <div className="space-y-6">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <label className="text-sm">
          <span className="block text-slate-600">Time limit (seconds)</span>
          <input type="number" min={1} max={120} value={seconds} onChange={(e) => setSeconds(Number(e.target.value) || 8)} className="mt-1 w-24 rounded border border-slate-300 px-2 py-1" />
        </label>
        <button type="submit" disabled={run.isPending || running} className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          {running ? "Mining…" : "Mine roles now"}
        </button>
        {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
      </form>

      {!job ? (
        <EmptyState title="No mining run yet">Start one: it reads every active grant of people who have not left.</EmptyState>
      ) : running ? (
        <Card title="Mining in progress">
          <ProgressBar done={job.done} total={job.total} label="Role mining progress" />
          <p className="mt-2 text-sm text-slate-600" aria-live="polite">{job.message}</p>
        </Card>
      ) : job.status === "failed" ? (
        <p role="alert" className="text-sm text-red-700">Mining failed: {job.error}</p>
      ) : job.result ? (
        <Results jobId={job.id} result={job.result} message={job.message} canDraft={canDraft} draft={draft} />
      ) : null}
    </div>
  );
}

function Results({ jobId, result: r, message, canDraft, draft }: { jobId: string; result: MiningResult; message: string; canDraft: boolean; draft: (i: { jobId: string; roles: Array<{ name: string; entitlementIds: string[] }> }) => Promise<Drafted> }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [names, setNames] = useState<Record<string, string>>({});
  const make = useMutation({
    mutationFn: () => draft({ jobId, roles: r.roles.filter((x) => chosen.has(x.id)).map((x) => ({ name: names[x.id]?.trim() || defaultName(x), entitlementIds: x.entitlements.map((e) => e.id) })) }),
  });
  const toggle = (id: string) => setChosen((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
  const half = r.coverage.find((c) => c.share >= 0.5)?.roles;
  const ninety = r.coverage.find((c) => c.share >= 0.9)?.roles;
  return (
    <>
      <p className="text-sm text-slate-600">{message}</p>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Mined roles" value={r.roles.length} hint={r.optimal ? "proven minimal" : `lower bound ${r.lowerBound}`} />
        <Stat label="Assignments covered" value={r.assignments} hint={`${r.people} people × ${r.entitlements} entitlements`} />
        <Stat label="Roles for 50% / 90%" value={`${half ?? "–"} / ${ninety ?? "–"}`} hint="of all assignments" />
        <Stat label="Mining time" value={`${r.seconds} s`} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Role size distribution">
          <SimpleBarChart data={r.sizes.map((s) => ({ size: String(s.size), roles: s.roles }))} xKey="size" series={[{ key: "roles", name: "Roles", color: "#2563eb" }]} description="Number of mined roles by how many entitlements each holds" />
        </Card>
        <Card title="Coverage curve">
          <figure role="img" aria-label={`Share of all assignments explained by the largest roles: ${half ?? "?"} roles explain half, ${ninety ?? "?"} explain 90%`} style={{ width: "100%", height: 260 }}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={r.coverage.map((c) => ({ roles: c.roles, share: Math.round(c.share * 1000) / 10 }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="roles" fontSize={11} />
                <YAxis domain={[0, 100]} unit="%" fontSize={11} />
                <Tooltip formatter={(v) => `${v}%`} labelFormatter={(l) => `${l} roles`} />
                <Line type="monotone" dataKey="share" name="Assignments explained" stroke="#16a34a" dot={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </Card>
        <Card title="Top outliers">
          <SimpleBarChart data={r.outliers.map((o) => ({ name: o.name, score: o.score }))} xKey="name" layout="vertical" series={[{ key: "score", name: "Outlier score", color: "#dc2626" }]} description="People whose access differs most from their peers, by outlier score" />
          <a href="/analytics/findings?kind=outliers" className="text-sm text-brand-700 underline">All findings</a>
        </Card>
      </div>

      <section aria-labelledby="roles-h" className="space-y-2">
        <h2 id="roles-h" className="text-lg font-semibold">Mined roles</h2>
        {r.roles.length === 0 ? (
          <EmptyState title="No access to mine" />
        ) : (
          <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                {canDraft && <th className="p-2"><span className="sr-only">Choose</span></th>}
                <th className="p-2">Role</th><th className="p-2">Members</th><th className="p-2">Entitlements</th><th className="p-2">Explained by</th><th className="p-2">Closest template</th>
              </tr>
            </thead>
            <tbody>
              {r.roles.map((x) => (
                <tr key={x.id} className="border-t border-slate-100 align-top">
                  {canDraft && (
                    <td className="p-2"><input type="checkbox" aria-label={`Choose ${x.id}`} checked={chosen.has(x.id)} onChange={() => toggle(x.id)} /></td>
                  )}
                  <td className="p-2">
                    <div className="font-medium">{x.id}</div>
                    {canDraft && chosen.has(x.id) && (
                      <input aria-label={`Name for ${x.id}`} value={names[x.id] ?? defaultName(x)} onChange={(e) => setNames((n) => ({ ...n, [x.id]: e.target.value }))} className="mt-1 w-44 rounded border border-slate-300 px-1 py-0.5 text-xs" />
                    )}
                  </td>
                  <td className="p-2">{x.members}</td>
                  <td className="p-2">
                    <ul className="max-w-xs text-xs">{x.entitlements.slice(0, 8).map((e) => <li key={e.id}>{e.application} · {e.name}</li>)}</ul>
                    {x.entitlements.length > 8 && <span className="text-xs text-slate-500">+{x.entitlements.length - 8} more</span>}
                  </td>
                  <td className="p-2 text-xs">
                    {x.conditions.length === 0 ? <span className="text-slate-500">No attribute explains it</span> : (
                      <ul>{x.conditions.map((c) => <li key={c.text}>{c.text} <span className="text-slate-500">(coverage {pct(c.coverage)}, precision {pct(c.precision)})</span></li>)}</ul>
                    )}
                  </td>
                  <td className="p-2 text-xs">
                    {x.closest ? (
                      <>
                        <a className="text-brand-700 underline" href={`/admin/roles/${x.closest.id}`}>{x.closest.name}</a>{" "}
                        <Badge tone={x.closest.similarity >= 0.8 ? "green" : x.closest.similarity >= 0.5 ? "yellow" : "gray"}>{pct(x.closest.similarity)} similar</Badge>
                      </>
                    ) : <span className="text-slate-500">none</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canDraft && (
          <div className="space-y-2">
            <button type="button" disabled={chosen.size === 0 || make.isPending} onClick={() => make.mutate()} className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
              Create draft templates ({chosen.size})
            </button>
            {make.data && (
              <div role="status" className={make.data.ok ? "text-sm text-green-800" : "text-sm text-red-700"}>
                {make.data.message}
                {make.data.created && (
                  <ul className="mt-1 list-disc pl-5">
                    {make.data.created.map((c) => <li key={c.id}><a className="text-brand-700 underline" href={`/admin/roles/${c.id}`}>{c.name}</a> ({c.entitlements} entitlements): preview and publish</li>)}
                  </ul>
                )}
              </div>
            )}
          </div>
        )}
      </section>
    </>
  );
}

function defaultName(x: MiningResult["roles"][number]): string {
  return x.conditions[0] ? `Mined: ${x.conditions[0].text}`.slice(0, 120) : `Mined role ${x.id}`;
}
