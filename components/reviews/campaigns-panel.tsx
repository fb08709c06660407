"use client";
/**
 * Campaign lists: mine as reviewer (my progress), and for admins every campaign with its progress and the
 * generation job's progress (polled while a campaign is generating), plus the create-and-launch form
 * (new-campaign-form.tsx); for managers, "Review my team" (team-review.tsx) with the team reviews they started.
 */
import { useQuery } from "@tanstack/react-query";
import { Badge, statusTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import type { listCampaigns } from "@/lib/services/reviews/list-reviews";
import { ExistingAccessPanel } from "./existing-access";
import { api, reviewKeys } from "./keys";
import { NewCampaignForm } from "./new-campaign-form";
import { ProgressBar } from "./progress-bar";
import { TeamReviewPanel } from "./team-review";

type Data = Awaited<ReturnType<typeof listCampaigns>>;
type Row = Data["mine"][number];

export function CampaignsPanel({ initial, applications }: { initial: Data; applications: Array<{ id: string; name: string }> }) {
  const { data = initial } = useQuery({
    queryKey: reviewKeys.campaigns,
    queryFn: () => api<Data>("/api/v1/reviews"),
    initialData: initial,
    refetchInterval: (q) => ([...(q.state.data?.all ?? []), ...(q.state.data?.team ?? [])].some((c) => c.status === "generating") ? 1500 : false),
  });
  return (
    <div className="space-y-6">
      <section aria-labelledby="mine-h" className="space-y-2">
        <h2 id="mine-h" className="text-lg font-semibold">My reviews</h2>
        {data.mine.length === 0 ? <EmptyState title="No reviews for you">Campaigns that need your decisions appear here.</EmptyState> : <Table rows={data.mine} mine />}
      </section>
      {data.canStartTeam && <TeamReviewPanel campaigns={data.team ?? []} />}
      {data.canManage && <ExistingAccessPanel />}
      {data.canManage && <NewCampaignForm applications={applications} />}
      {data.all && (
        <section aria-labelledby="all-h" className="space-y-2">
          <h2 id="all-h" className="text-lg font-semibold">All campaigns</h2>
          {data.all.length === 0 ? <EmptyState title="No campaigns yet" /> : <Table rows={data.all} exportable={data.canExport} />}
        </section>
      )}
    </div>
  );
}

function Table({ rows, mine, exportable }: { rows: Row[]; mine?: boolean; exportable?: boolean }) {
  return (
    <div className="overflow-x-auto"><table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
      <thead className="bg-slate-50 text-left text-slate-600">
        <tr><th className="p-2">Campaign</th><th className="p-2">Status</th><th className="p-2">Due</th><th className="p-2">{mine ? "My progress" : "Progress"}</th><th className="p-2" /></tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} className="border-t border-slate-100">
            <td className="p-2">{mine ? <a className="text-brand-700 underline" href={`/reviews/${c.id}`}>{c.name}</a> : c.name}</td>
            <td className="p-2"><Badge tone={statusTone(c.status)}>{c.status}</Badge></td>
            <td className="p-2">{fmtDate(c.dueAt)}</td>
            <td className="p-2">
              {c.status === "generating" && c.job ? (
                <ProgressBar done={c.job.done} total={c.job.total} label={`Generating ${c.name}`} />
              ) : (
                <ProgressBar done={c.decided} total={c.total} label={`Decisions in ${c.name}`} />
              )}
              {mine && c.openNoAction > 0 && <span className="text-xs text-slate-600">{c.openNoAction} need no action</span>}
            </td>
            <td className="p-2 text-right">{exportable && (<><a className="text-brand-700 underline" href={`/api/v1/reviews/${c.id}/evidence.csv`}>Evidence CSV</a>{" · "}<a className="text-brand-700 underline" href={`/api/v1/reviews/${c.id}/evidence.pdf`}>Download PDF</a></>)}</td>
          </tr>
        ))}
      </tbody>
    </table></div>
  );
}
