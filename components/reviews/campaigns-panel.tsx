"use client";
/**
 * Campaign lists: mine as reviewer (my progress), and for admins every campaign with its progress and the
 * generation job's progress (polled while a campaign is generating), plus the create-and-launch form.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, statusTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import type { listCampaigns } from "@/lib/services/reviews/list-reviews";
import { ExistingAccessPanel } from "./existing-access";
import { api, reviewKeys } from "./keys";
import { ProgressBar } from "./progress-bar";

type Data = Awaited<ReturnType<typeof listCampaigns>>;
type Row = Data["mine"][number];

export function CampaignsPanel({ initial, applications }: { initial: Data; applications: Array<{ id: string; name: string }> }) {
  const { data = initial } = useQuery({
    queryKey: reviewKeys.campaigns,
    queryFn: () => api<Data>("/api/v1/reviews"),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.all?.some((c) => c.status === "generating") ? 1500 : false),
  });
  return (
    <div className="space-y-6">
      <section aria-labelledby="mine-h" className="space-y-2">
        <h2 id="mine-h" className="text-lg font-semibold">My reviews</h2>
        {data.mine.length === 0 ? <EmptyState title="No reviews for you">Campaigns that need your decisions appear here.</EmptyState> : <Table rows={data.mine} mine />}
      </section>
      {data.canManage && <ExistingAccessPanel />}
      {data.canManage && <CreateCampaign applications={applications} />}
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

function CreateCampaign({ applications }: { applications: Array<{ id: string; name: string }> }) {
  const qc = useQueryClient();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: unknown) => api<{ campaign: { name: string } }>("/api/v1/reviews", { method: "POST", body }),
    onSuccess: (r) => setMsg({ ok: true, text: `Launched "${r.campaign.name}"; items are being generated.` }),
    onError: (e) => setMsg({ ok: false, text: (e as Error).message }),
    onSettled: () => qc.invalidateQueries({ queryKey: reviewKeys.campaigns }),
  });
  const defaultDue = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  return (
    <form
      aria-label="New campaign"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const apps = f.getAll("applicationIds").map(String).filter(Boolean);
        const departments = String(f.get("departments") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        const idpGroups = String(f.get("idpGroups") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        create.mutate({
          name: f.get("name"),
          reviewerKind: f.get("reviewerKind"),
          defaultDecision: f.get("defaultDecision"),
          recurrence: f.get("recurrence") ?? "none",
          secondStage: f.get("secondStage") ?? "none",
          dueAt: new Date(`${f.get("dueAt")}T23:59:59Z`).toISOString(),
          scope: { ...(apps.length ? { applicationIds: apps } : {}), ...(departments.length ? { departments } : {}), ...(idpGroups.length ? { idpGroups } : {}), ...(f.get("privilegedOnly") ? { privilegedOnly: true } : {}) },
          launch: true,
        });
      }}
    >
      <h2 className="text-lg font-semibold sm:col-span-2">New campaign</h2>
      <label className="flex flex-col">Name<input name="name" required minLength={3} className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
      <label className="flex flex-col">Due date<input name="dueAt" type="date" required defaultValue={defaultDue} className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
      <label className="flex flex-col">Reviewers
        <select name="reviewerKind" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="manager">Managers</option><option value="app_owner">Application owners</option><option value="entitlement_owner">Entitlement owners</option>
        </select>
      </label>
      <label className="flex flex-col">If nobody decides by the due date
        <select name="defaultDecision" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="keep">Keep</option><option value="recommendation">Follow the recommendation</option><option value="revoke">Revoke</option>
        </select>
      </label>
      <label className="flex flex-col">Repeat
        <select name="recurrence" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="none">Once</option><option value="quarterly">Every quarter</option>
        </select>
      </label>
      <label className="flex flex-col">Second stage
        <select name="secondStage" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="none">None</option><option value="security">Security confirms kept privileged access</option>
        </select>
      </label>
      <label className="flex flex-col">Applications (none = all)
        <select name="applicationIds" multiple size={4} className="mt-1 rounded border border-slate-300 px-2 py-1">
          {applications.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </label>
      <div className="space-y-2">
        <label className="flex flex-col">Departments (comma-separated, empty = all)<input name="departments" className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
        <label className="flex flex-col">IdP groups (comma-separated, empty = all)<input name="idpGroups" className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
        <label className="flex items-center gap-2"><input type="checkbox" name="privilegedOnly" /> Privileged access only</label>
      </div>
      <div className="flex items-center gap-3 sm:col-span-2">
        <button disabled={create.isPending} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {create.isPending ? "Launching…" : "Create and launch"}
        </button>
        {msg && <span role={msg.ok ? "status" : "alert"} className={msg.ok ? "text-emerald-700" : "text-rose-700"}>{msg.text}</span>}
      </div>
    </form>
  );
}
