"use client";
/**
 * The reviewer's orphan accounts in one campaign (accounts that match no person): per account, why it is here and
 * three decisions. Link: pick the person (search by name or email); keep as a service account: an owner and an
 * expiry (at most a year); disable: asks to confirm, then a disable operation is sent to the system. The outcome (and
 * the disable operation's status) is shown on the row. While the campaign is open a keep can be changed, and a disable
 * until the worker starts it (the server cancels the operation); a link is final.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { OrphanView } from "@/lib/services/reviews/orphans";
import { api, reviewKeys } from "./keys";

type Mode = null | "link" | "keep";

export function OrphanItems({ campaignId: id, open, initial }: { campaignId: string; open: boolean; initial: OrphanView[] }) {
  const { data: orphans = initial } = useQuery({
    queryKey: reviewKeys.orphans(id),
    queryFn: () => api<OrphanView[]>(`/api/v1/reviews/${id}/orphans`),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.some((o) => o.decision === "disable" && o.operation && !o.operation.finishedAt) ? 3000 : false),
  });
  if (orphans.length === 0) return null;
  const decided = orphans.filter((o) => o.decision).length;
  return (
    <section aria-labelledby="orphans-h" className="mb-4 space-y-2 rounded-lg border border-slate-200 bg-white p-3">
      <h2 id="orphans-h" className="text-lg font-semibold">Accounts that match no person ({decided} of {orphans.length} decided)</h2>
      <p className="text-sm text-slate-700">
        Reconciliation found these accounts in your applications; no HR record matches them. Link each to its person, keep it as a service account with
        an owner and an expiry, or disable it. Undecided accounts are left as they are when the campaign closes.
      </p>
      <ul className="divide-y divide-slate-100">
        {orphans.map((o) => <OrphanRow key={o.id} campaignId={id} item={o} open={open} />)}
      </ul>
    </section>
  );
}

function OrphanRow({ campaignId, item: o, open }: { campaignId: string; item: OrphanView; open: boolean }) {
  const qc = useQueryClient();
  const [mode, setMode] = useState<Mode>(null);
  const [confirm, setConfirm] = useState(false);
  const [changing, setChanging] = useState(false);
  const [person, setPerson] = useState("");
  const [until, setUntil] = useState(() => new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
  const [comment, setComment] = useState("");
  const [error, setError] = useState("");
  const [q, setQ] = useState("");
  const maxDate = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const people = useQuery({
    queryKey: ["reviews", "people", campaignId, q],
    queryFn: () => api<Array<{ id: string; name: string; email: string; department: string }>>(`/api/v1/reviews/${campaignId}/people?q=${encodeURIComponent(q)}`),
    enabled: mode !== null && q.trim().length >= 2,
  });
  const decide = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/api/v1/reviews/${campaignId}/orphans`, { method: "POST", body: { itemId: o.id, comment: comment.trim() || undefined, ...body } }),
    onSuccess: () => { setMode(null); setChanging(false); setError(""); },
    onError: (e) => setError((e as Error).message),
    onSettled: () => qc.invalidateQueries({ queryKey: reviewKeys.campaign(campaignId) }),
  });
  const listId = `people-${o.id}`;
  const label = `${o.applicationName} account ${o.userName}`;
  const changeable = open && (o.decision === "keep" || (o.decision === "disable" && !!o.operation && ["pending", "queued", "failed"].includes(o.operation.status)));
  const choosing = open && (!o.decision || changing);
  return (
    <li aria-label={label} className="space-y-1 py-2 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <span className="font-medium">{o.applicationName} · {o.userName}</span> <Badge tone="yellow">matches no person</Badge>
          <ul className="mt-0.5 list-disc pl-5 text-xs text-slate-700">{o.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
        </div>
        {o.decision && (
          <p className="text-xs text-slate-800" data-testid="orphan-outcome">
            <Badge tone={o.decision === "disable" ? "red" : "green"}>{o.decision === "link" ? "Linked" : o.decision === "keep" ? "Kept" : "Disabled"}</Badge> {o.outcome}
            {o.operation && <> · operation {o.operation.status}</>}
            {o.comment && <> · &ldquo;{o.comment}&rdquo;</>}
            {changeable && !changing && (
              <> · <button type="button" onClick={() => setChanging(true)} className="text-brand-700 underline">Change decision</button></>
            )}
          </p>
        )}
        {choosing ? (
          <span className="inline-flex gap-1 whitespace-nowrap">
            <button type="button" onClick={() => setMode(mode === "link" ? null : "link")} className="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50">Link to a person</button>
            <button type="button" onClick={() => setMode(mode === "keep" ? null : "keep")} className="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50">Keep as service account</button>
            {o.decision !== "disable" && (
              <button type="button" onClick={() => setConfirm(true)} className="rounded-md bg-rose-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-rose-800">Disable</button>
            )}
            {changing && <button type="button" onClick={() => { setChanging(false); setMode(null); }} className="px-2 py-0.5 text-xs underline">Cancel</button>}
          </span>
        ) : (
          !o.decision && <span className="text-xs text-slate-600">Undecided</span>
        )}
      </div>
      {mode && choosing && (
        <form
          aria-label={mode === "link" ? `Link ${o.userName}` : `Keep ${o.userName}`}
          className="flex flex-wrap items-end gap-2 rounded border border-slate-200 bg-slate-50 p-2"
          onSubmit={(e) => {
            e.preventDefault();
            const who = person.trim();
            if (!who) { setError("Choose a person by email."); return; }
            decide.mutate(mode === "link" ? { decision: "link", person: { personEmail: who } } : { decision: "keep", owner: { personEmail: who }, until });
          }}
        >
          <label className="flex flex-col text-xs">{mode === "link" ? "Person (email)" : "Owner (email)"}
            <input list={listId} value={person} maxLength={320} onChange={(e) => { setPerson(e.target.value); setQ(e.target.value); }} className="mt-0.5 w-64 rounded border border-slate-300 px-2 py-1 text-sm" />
            <datalist id={listId}>{(people.data ?? []).map((p) => <option key={p.id} value={p.email}>{`${p.name}, ${p.department}`}</option>)}</datalist>
          </label>
          {mode === "keep" && (
            <label className="flex flex-col text-xs">Keep until (at most a year)
              <input type="date" value={until} max={maxDate} onChange={(e) => setUntil(e.target.value)} className="mt-0.5 rounded border border-slate-300 px-2 py-1 text-sm" />
            </label>
          )}
          <label className="flex flex-col text-xs">Comment (optional)
            <input value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} className="mt-0.5 w-56 rounded border border-slate-300 px-2 py-1 text-sm" />
          </label>
          <button disabled={decide.isPending} className="rounded-md bg-brand-600 px-3 py-1 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {mode === "link" ? "Link account" : "Keep as service account"}
          </button>
        </form>
      )}
      {confirm && (
        <ConfirmDialog
          title={`Disable ${o.userName} in ${o.applicationName}?`}
          confirmLabel="Disable account"
          tone="danger"
          onCancel={() => setConfirm(false)}
          onConfirm={() => { setConfirm(false); decide.mutate({ decision: "disable" }); }}
        >
          A disable operation is sent to {o.applicationName} now; the account stops working there. This is recorded as your decision and audited.
        </ConfirmDialog>
      )}
      {error && <p role="alert" className="text-xs text-rose-700">{error}</p>}
    </li>
  );
}
