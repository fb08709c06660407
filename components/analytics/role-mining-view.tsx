"use client";
/**
 * Role mining: choose exact (reproduce everyone's access) or approximate (fewer roles covering a target share,
 * the rest listed as exceptions), start a job, poll its progress (TanStack Query, every second while it runs),
 * then the mined roles named from their members' titles (with the share and why), their explaining attributes and
 * closest existing template, charts (role sizes, coverage curve, outliers), the exceptions, and the checkboxes →
 * draft templates with exactly the mined entitlements (listed per draft) → links to each draft's admin page.
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
type Drafted = { ok: boolean; message: string; created?: Array<{ id: string; name: string; entitlements: number; included: Array<{ id: string; application: string; name: string; level: string }>; missing: string[] }> };
type Mode = "exact" | "approximate";
type DraftFn = (i: { jobId: string; roles: Array<{ roleId: string; name?: string }> }) => Promise<Drafted>;

export const miningKeys = { job: (id: string | null) => ["mining", "job", id ?? "latest"] as const };
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function RoleMiningView({ initial, canDraft, start, cancel, poll, draft }: {
  initial: Job;
  canDraft: boolean;
  start: (i: { timeLimitMs?: number; mode?: Mode; coverage?: number }) => Promise<{ ok: true; jobId: string } | { ok: false; message: string }>;
  cancel: (jobId: string) => Promise<{ ok: boolean; message: string }>;
  poll: (jobId: string | null) => Promise<{ ok: true; job: Job } | { ok: false; message: string }>;
  draft: DraftFn;
}) {
  const qc = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(initial?.id ?? null);
  const [seconds, setSeconds] = useState(8);
  const [mode, setMode] = useState<Mode>(initial?.result?.mode ?? "exact");
  const [coverage, setCoverage] = useState(95);
  const [error, setError] = useState<string | null>(null);
  const { data: job } = useQuery({
    queryKey: miningKeys.job(jobId),
    queryFn: async () => {
      const r = await poll(jobId);
      if (!r.ok) throw new Error(r.message);
      return r.job;
    },
    initialData: jobId === (initial?.id ?? null) ? initial : undefined,
    refetchInterval: (q) => (q.state.data?.status === "running" || q.state.data?.status === "queued" ? 1000 : false),
  });
  const run = useMutation({
    mutationFn: () => start({ timeLimitMs: seconds * 1000, mode, coverage: coverage / 100 }),
    onSuccess: (r) => {
      if (!r.ok) return setError(r.message);
      setError(null);
      setJobId(r.jobId);
      void qc.invalidateQueries({ queryKey: miningKeys.job(r.jobId) });
    },
  });
  const stop = useMutation({
    mutationFn: (id: string) => cancel(id),
    onSuccess: (r, id) => {
      setError(r.ok ? null : r.message);
      void qc.invalidateQueries({ queryKey: miningKeys.job(id) });
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
        <fieldset className="text-sm">
          <legend className="text-slate-600">Method</legend>
          <div className="mt-1 flex gap-3">
            <label className="flex items-center gap-1">
              <input type="radio" name="mining-mode" value="exact" checked={mode === "exact"} onChange={() => setMode("exact")} /> Exact (reproduce everyone&apos;s access)
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" name="mining-mode" value="approximate" checked={mode === "approximate"} onChange={() => setMode("approximate")} /> Approximate (fewer roles, exceptions listed)
            </label>
          </div>
        </fieldset>
        {mode === "approximate" && (
          <label className="text-sm">
            <span className="block text-slate-600">Coverage target (%)</span>
            <input type="number" min={50} max={100} step={1} value={coverage} onChange={(e) => setCoverage(Number(e.target.value) || 95)} className="mt-1 w-24 rounded border border-slate-300 px-2 py-1" />
          </label>
        )}
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
          <button type="button" disabled={stop.isPending} onClick={() => stop.mutate(job.id)} className="mt-3 rounded border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 disabled:opacity-50">
            Cancel mining
          </button>
        </Card>
      ) : job.status === "cancelled" ? (
        <p role="status" className="text-sm text-slate-700">{job.message || "Mining cancelled."}</p>
      ) : job.status === "failed" ? (
        <p role="alert" className="text-sm text-red-700">Mining failed: {job.error}</p>
      ) : job.result ? (
        <Results jobId={job.id} result={job.result} message={job.message} canDraft={canDraft} draft={draft} />
      ) : null}
    </div>
  );
}

function Results({ jobId, result: r, message, canDraft, draft }: { jobId: string; result: MiningResult; message: string; canDraft: boolean; draft: DraftFn }) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [names, setNames] = useState<Record<string, string>>({});
  const make = useMutation({
    mutationFn: () => draft({ jobId, roles: r.roles.filter((x) => chosen.has(x.id)).map((x) => ({ roleId: x.id, name: names[x.id]?.trim() || defaultName(x) })) }),
  });
  const toggle = (id: string) => setChosen((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
  const approximate = r.mode === "approximate";
  const exceptions = r.exceptions ?? [];
  const half = r.coverage.find((c) => c.share >= 0.5)?.roles;
  const ninety = r.coverage.find((c) => c.share >= 0.9)?.roles;
  return (
    <>
      <p className="text-sm text-slate-600" role="status" aria-label="Mining summary">{message}</p>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label={approximate ? "Approximate roles" : "Mined roles"} value={r.roles.length} hint={approximate ? `target ${pct(r.target)} of assignments` : r.optimal ? "proven minimal" : `lower bound ${r.lowerBound}`} />
        <Stat label="Coverage" value={`${((r.coveredShare ?? 1) * 100).toFixed(1)}%`} hint={`${r.covered ?? r.assignments} of ${r.assignments} assignments (${r.people} people × ${r.entitlements} entitlements)`} />
        {approximate ? (
          <Stat label="Exceptions" value={exceptions.length} hint="assignments no role covers, listed below" />
        ) : (
          <Stat label="Roles for 50% / 90%" value={`${half ?? "–"} / ${ninety ?? "–"}`} hint="of all assignments" />
        )}
        <Stat label="Mining time" value={`${r.seconds} s`} hint={r.truncated ? "time budget reached: some candidates not weighed" : undefined} />
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
        <h2 id="roles-h" className="text-lg font-semibold">{approximate ? "Approximate roles" : "Mined roles"}</h2>
        {r.roles.length === 0 ? (
          <EmptyState title="No access to mine" />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  {canDraft && <th className="p-2"><span className="sr-only">Choose</span></th>}
                  <th className="p-2">Role</th><th className="p-2">Members</th><th className="p-2">Entitlements</th><th className="p-2">Why this name · explained by</th><th className="p-2">Closest template</th>
                </tr>
              </thead>
              <tbody>
                {r.roles.map((x) => {
                  const label = x.name ?? x.id;
                  return (
                    <tr key={x.id} className="border-t border-slate-100 align-top" aria-label={label}>
                      {canDraft && (
                        <td className="p-2"><input type="checkbox" aria-label={`Choose ${label}`} checked={chosen.has(x.id)} onChange={() => toggle(x.id)} /></td>
                      )}
                      <td className="p-2">
                        <div className="font-medium">{label}</div>
                        {x.naming?.share && <div className="text-xs text-slate-600">{x.naming.share}</div>}
                        <div className="text-xs text-slate-600">{x.id}{x.gain !== undefined ? ` · covers ${x.gain} more assignments` : ""}</div>
                        {canDraft && chosen.has(x.id) && (
                          <input aria-label={`Name for ${label}`} value={names[x.id] ?? defaultName(x)} onChange={(e) => setNames((n) => ({ ...n, [x.id]: e.target.value }))} className="mt-1 w-44 rounded border border-slate-300 px-1 py-0.5 text-xs" />
                        )}
                      </td>
                      <td className="p-2">{x.members}</td>
                      <td className="p-2">
                        <Entitlements list={x.entitlements} />
                      </td>
                      <td className="p-2 text-xs">
                        {x.naming?.why && <p className="mb-1 text-slate-700">{x.naming.why}</p>}
                        {x.conditions.length === 0 ? <span className="text-slate-600">No attribute explains it</span> : (
                          <ul>{x.conditions.map((c) => <li key={c.text}>{c.text} <span className="text-slate-600">(coverage {pct(c.coverage)}, precision {pct(c.precision)})</span></li>)}</ul>
                        )}
                        {x.origin && <p className="mt-1 text-slate-600">Found as: {x.origin}</p>}
                      </td>
                      <td className="p-2 text-xs">
                        {x.closest ? (
                          <>
                            <a className="text-brand-700 underline" href={`/admin/roles/${x.closest.id}`}>{x.closest.name}</a>{" "}
                            <Badge tone={x.closest.similarity >= 0.8 ? "green" : x.closest.similarity >= 0.5 ? "yellow" : "gray"}>{pct(x.closest.similarity)} similar</Badge>
                          </>
                        ) : <span className="text-slate-600">none</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {canDraft && (
          <div className="space-y-2">
            <button type="button" disabled={chosen.size === 0 || make.isPending} onClick={() => make.mutate()} className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
              Create draft templates ({chosen.size})
            </button>
            {make.data && (
              <div role="status" aria-label="Drafts created" className={make.data.ok ? "text-sm text-green-800" : "text-sm text-red-700"}>
                {make.data.message}
                {make.data.created && (
                  <ul className="mt-1 list-disc space-y-1 pl-5">
                    {make.data.created.map((c) => (
                      <li key={c.id}>
                        <a className="text-brand-700 underline" href={`/admin/roles/${c.id}`}>{c.name}</a> ({c.entitlements} entitlements): preview and publish
                        <ul aria-label={`Included in ${c.name}`} className="ml-4 list-[circle] text-xs text-slate-700">
                          {c.included.map((e) => <li key={e.id}>{e.application} · {e.name} ({e.level})</li>)}
                        </ul>
                        {c.missing.length > 0 && <p className="text-xs text-red-700">No longer in the catalogue, left out: {c.missing.join(", ")}</p>}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </div>
        )}
      </section>

      {approximate && <Exceptions list={exceptions} />}
    </>
  );
}

function Entitlements({ list }: { list: MiningResult["roles"][number]["entitlements"] }) {
  const [all, setAll] = useState(false);
  const shown = all ? list : list.slice(0, 8);
  return (
    <>
      <ul className="max-w-xs text-xs">{shown.map((e) => <li key={e.id}>{e.application} · {e.name}{e.level ? ` (${e.level})` : ""}</li>)}</ul>
      {list.length > 8 && (
        <button type="button" onClick={() => setAll((v) => !v)} className="text-xs text-brand-700 underline">
          {all ? "Show fewer" : `Show all ${list.length}`}
        </button>
      )}
    </>
  );
}

const PAGE = 50;

/** Every assignment no approximate role covers: filterable, shown 50 at a time, downloadable; none is dropped. */
function Exceptions({ list }: { list: MiningResult["exceptions"] }) {
  const [q, setQ] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const needle = q.trim().toLowerCase();
  const rows = needle ? list.filter((e) => `${e.person} ${e.title ?? ""} ${e.application} ${e.entitlement}`.toLowerCase().includes(needle)) : list;
  const csv = () => {
    const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const text = ["person,title,application,entitlement,person_id,entitlement_id", ...list.map((e) => [e.person, e.title ?? "", e.application, e.entitlement, e.personId, e.entitlementId].map(esc).join(","))].join("\n");
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = "mining-exceptions.csv";
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <section aria-labelledby="exceptions-h" className="space-y-2">
      <h2 id="exceptions-h" className="text-lg font-semibold">Exceptions ({list.length})</h2>
      <p className="text-sm text-slate-600">Access no role above covers: it stays as it is, granted to the person directly. Review it like any individual grant.</p>
      {list.length === 0 ? (
        <p className="text-sm text-slate-600">None: the roles cover every assignment.</p>
      ) : (
        <>
          <div className="flex flex-wrap items-end gap-3">
            <label className="text-sm">
              <span className="block text-slate-600">Filter exceptions</span>
              <input value={q} onChange={(e) => { setQ(e.target.value); setLimit(PAGE); }} className="mt-1 w-64 rounded border border-slate-300 px-2 py-1" placeholder="person, title, application" />
            </label>
            <button type="button" onClick={csv} className="rounded border border-slate-300 px-3 py-1 text-sm">Download all {list.length} as CSV</button>
          </div>
          <div className="overflow-x-auto">
            <table aria-label="Exceptions" className="w-full rounded-lg border border-slate-200 bg-white text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr><th className="p-2">Person</th><th className="p-2">Title</th><th className="p-2">Application</th><th className="p-2">Entitlement</th></tr>
              </thead>
              <tbody>
                {rows.slice(0, limit).map((e) => (
                  <tr key={`${e.personId}|${e.entitlementId}`} className="border-t border-slate-100">
                    <td className="p-2"><a className="text-brand-700 underline" href={`/people/${e.personId}`}>{e.person}</a></td>
                    <td className="p-2">{e.title ?? "—"}</td>
                    <td className="p-2">{e.application}</td>
                    <td className="p-2">{e.entitlement}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="text-xs text-slate-600">
            Showing {Math.min(limit, rows.length)} of {rows.length}{needle ? ` matching (${list.length} in all)` : ""}.{" "}
            {rows.length > limit && <button type="button" onClick={() => setLimit((l) => l + PAGE * 4)} className="text-brand-700 underline">Show more</button>}
          </p>
        </>
      )}
    </section>
  );
}

function defaultName(x: MiningResult["roles"][number]): string {
  return (x.name ?? (x.conditions[0] ? `Mined: ${x.conditions[0].text}` : `Mined role ${x.id}`)).slice(0, 120);
}
