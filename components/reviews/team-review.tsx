"use client";
/**
 * "Review my team" (managers): pick direct reports or everyone below, all or some applications, a due date;
 * Preview counts the items (per application; the manager reviews them all) and then follows the fields; Launch sends
 * the totals and token it shows (409 if the access changed since). The team reviews the manager started are listed
 * with their generation and decision progress. Who is in the team is checked again on the server, in SQL.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Badge, statusTone } from "@/components/ui/badge";
import { fmtDate } from "@/components/ui/dates";
import type { TeamOptions } from "@/lib/services/reviews/team-review";
import { api, reviewKeys } from "./keys";
import { ProgressBar } from "./progress-bar";
import { ScopePreviewTables, useLivePreview } from "./scope-preview";

type TeamCampaign = { id: string; name: string; status: string; dueAt: string | null; total: number; decided: number; job: { done: number; total: number } | null };
const field = "mt-1 rounded border border-slate-300 px-2 py-1";

const NO_OPTIONS: TeamOptions = { members: [], applications: [] };

export function TeamReviewPanel({ campaigns }: { campaigns: TeamCampaign[] }) {
  const qc = useQueryClient();
  // Loaded here, not with the page: a manager at the top of a large organisation has thousands of people below.
  const team = useQuery({ queryKey: reviewKeys.teamOptions, queryFn: () => api<TeamOptions>("/api/v1/reviews/team"), staleTime: 60_000 });
  const options = team.data ?? NO_OPTIONS;
  const [indirect, setIndirect] = useState(false);
  const [personIds, setPersonIds] = useState<string[]>([]);
  const [applicationIds, setApplicationIds] = useState<string[]>([]);
  const [name, setName] = useState("");
  const [due, setDue] = useState(() => new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
  const [defaultDecision, setDefaultDecision] = useState("keep");
  const [asked, setAsked] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string; href?: string } | null>(null);
  const members = useMemo(() => options.members.filter((m) => indirect || m.direct), [options.members, indirect]);
  // A person hidden by unticking "everyone below" is no longer chosen.
  const chosen = personIds.filter((id) => members.some((m) => m.id === id));
  const body = { indirect, ...(chosen.length ? { personIds: chosen } : {}), ...(applicationIds.length ? { applicationIds } : {}) };
  const live = useLivePreview("/api/v1/reviews/team/preview", body, asked);
  const p = live.current;
  const launch = useMutation({
    mutationFn: (b: unknown) => api<{ campaign: { id: string; name: string } }>("/api/v1/reviews/team", { method: "POST", body: b }),
    onSuccess: (r) => setMsg({ ok: true, text: `Launched "${r.campaign.name}"; items are being generated.`, href: `/reviews/${r.campaign.id}` }),
    onError: (e) => {
      setMsg({ ok: false, text: (e as Error).message });
      void live.refresh();
    },
    onSettled: () => qc.invalidateQueries({ queryKey: reviewKeys.campaigns }),
  });
  const picked = (e: React.ChangeEvent<HTMLSelectElement>) => [...e.target.selectedOptions].map((o) => o.value);
  return (
    <section id="team-review" aria-labelledby="team-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="team-h" className="text-lg font-semibold">Review my team</h2>
      <p className="text-slate-700">
        Check the access of the people who report to you. You review every item; your own access is never part of it (nobody reviews their own
        access). Items arrive pre-analysed, as in any campaign.
      </p>
      <form
        aria-label="Team review"
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!p) return;
          launch.mutate({ ...body, dueAt: due, defaultDecision, ...(name.trim() ? { name: name.trim() } : {}), expected: { items: p.totals.items, orphans: p.totals.orphans, token: p.token } });
        }}
      >
        <label className="flex items-center gap-2 sm:col-span-2">
          <input type="checkbox" checked={indirect} onChange={(e) => setIndirect(e.target.checked)} /> Include everyone below my direct reports
        </label>
        {team.isPending && <p className="text-slate-600 sm:col-span-2" aria-live="polite">Loading the people below you…</p>}
        {team.error && <p role="alert" className="text-rose-700 sm:col-span-2">Could not load your team: {(team.error as Error).message}</p>}
        <label className="flex flex-col">People ({members.length}; none chosen = all of them)
          <select multiple size={6} value={chosen} onChange={(e) => setPersonIds(picked(e))} className={field}>
            {members.map((m) => <option key={m.id} value={m.id}>{m.name}, {m.title}{m.direct ? "" : " (indirect)"}{m.status === "terminated" ? " (left)" : ""}</option>)}
          </select>
        </label>
        <label className="flex flex-col">Applications (none chosen = all)
          <select multiple size={6} value={applicationIds} onChange={(e) => setApplicationIds(picked(e))} className={field}>
            {options.applications.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label className="flex flex-col">Name (optional)<input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="Team review: my name (today)" className={field} /></label>
        <label className="flex flex-col">Due date<input type="date" required value={due} onChange={(e) => setDue(e.target.value)} className={field} /></label>
        <label className="flex flex-col">If nobody decides by the due date
          <select value={defaultDecision} onChange={(e) => setDefaultDecision(e.target.value)} className={field}>
            <option value="keep">Keep</option><option value="recommendation">Follow the recommendation</option><option value="revoke">Revoke</option>
          </select>
        </label>
        <div className="sm:col-span-2">
          {live.error ? (
            <p role="alert" className="text-rose-700">{live.error}</p>
          ) : live.preview ? (
            <div className={live.counting ? "opacity-60" : undefined}><ScopePreviewTables preview={live.preview} adopted={false} orphans={false} live /></div>
          ) : null}
          {live.counting && <p className="text-slate-600" aria-live="polite">Counting the items in scope…</p>}
        </div>
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
          {!asked && (
            <button type="button" onClick={() => setAsked(true)} className="rounded-md border border-brand-600 px-4 py-2 font-medium text-brand-700 hover:bg-brand-50">
              Preview
            </button>
          )}
          {asked && (
            <button disabled={launch.isPending || !p || p.totals.items === 0} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
              {launch.isPending ? "Launching…" : p ? `Launch team review (${p.totals.items} items)` : "Launch team review"}
            </button>
          )}
          {p && p.totals.items === 0 && <span className="text-slate-700">Nobody in this scope holds any access.</span>}
          {msg && (
            <span role={msg.ok ? "status" : "alert"} className={msg.ok ? "text-emerald-700" : "text-rose-700"}>
              {msg.text}{msg.href && <> <a className="text-brand-700 underline" href={msg.href}>Open it</a></>}
            </span>
          )}
        </div>
      </form>
      {campaigns.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full border border-slate-200" aria-label="Team reviews you started">
            <thead className="bg-slate-50 text-left text-slate-600"><tr><th className="p-2">Team review</th><th className="p-2">Status</th><th className="p-2">Due</th><th className="p-2">Progress</th></tr></thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id} className="border-t border-slate-100">
                  <td className="p-2">{c.status === "generating" ? c.name : <a className="text-brand-700 underline" href={`/reviews/${c.id}`}>{c.name}</a>}</td>
                  <td className="p-2"><Badge tone={statusTone(c.status)}>{c.status}</Badge></td>
                  <td className="p-2">{fmtDate(c.dueAt)}</td>
                  <td className="p-2">
                    {c.status === "generating" && c.job ? <ProgressBar done={c.job.done} total={c.job.total} label={`Generating ${c.name}`} /> : <ProgressBar done={c.decided} total={c.total} label={`Decisions in ${c.name}`} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
