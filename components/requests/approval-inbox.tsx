"use client";
import { useActionState, useEffect, useState } from "react";
import type { DecideState } from "@/app/(portal)/approvals/actions";
import { Badge, label } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import type { InboxEntry } from "@/lib/services/requests/list-inbox";
import { pct } from "./route-label";

type Act = (prev: DecideState, form: FormData) => Promise<DecideState>;
const riskTone = (s: number | null) => (s == null ? "gray" : s <= 3 ? "green" : s <= 6 ? "yellow" : "red");

/** The inbox: one card per pending approval; decided cards disappear at once (the server confirms). */
type Decided = { stepId: string; title: string; message: string };

export function ApprovalInbox({ entries, decide, bulk }: { entries: InboxEntry[]; decide: Act; bulk: Act }) {
  const [gone, setGone] = useState<Set<string>>(new Set());
  // Outcomes are kept here, not in the card: a server refresh after the decision (e.g. the session cookie
  // being renewed) drops the decided step from `entries`, and the outcome must stay on screen.
  const [decided, setDecided] = useState<Decided[]>([]);
  const onDecided = (d: Decided) => setDecided((list) => (list.some((x) => x.stepId === d.stepId) ? list : [...list, d]));
  const [bulkState, bulkAction, bulkPending] = useActionState(bulk, null);
  useEffect(() => {
    if (bulkState?.stepIds?.length) setGone((g) => new Set([...g, ...bulkState.stepIds!]));
  }, [bulkState]);
  const done = new Set(decided.map((d) => d.stepId));
  const visible = entries.filter((e) => !gone.has(e.stepId) && !done.has(e.stepId));
  const lowRisk = visible.filter((e) => e.lowRisk);
  if (!visible.length && !decided.length) return <EmptyState title="Nothing waiting for you">New approvals appear here and in your notifications.</EmptyState>;
  return (
    <div className="space-y-4">
      {lowRisk.length > 1 && (
        <form action={bulkAction} aria-label="Bulk approve" className="flex flex-wrap items-center gap-3 rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm">
          {lowRisk.map((e) => <input key={e.stepId} type="hidden" name="stepId" value={e.stepId} />)}
          <span>{lowRisk.length} low-risk approvals (risk ≤ 3, not privileged, no SoD conflict).</span>
          <button disabled={bulkPending} className="rounded-md bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-800 disabled:opacity-60">
            Approve all low-risk
          </button>
          {bulkState && <span role="status">{bulkState.message}</span>}
        </form>
      )}
      {decided.map((d) => (
        <section key={d.stepId} aria-label={d.title} className="rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm">
          <span className="font-medium">{d.title}</span>: <span role="status">{d.message}</span>
        </section>
      ))}
      {visible.map((e) => <InboxCard key={e.stepId} e={e} decide={decide} onDecided={onDecided} />)}
    </div>
  );
}

function InboxCard({ e, decide, onDecided }: { e: InboxEntry; decide: Act; onDecided: (d: Decided) => void }) {
  const [state, action, pending] = useActionState(decide, null);
  const title = `${e.applicationName} ${e.entitlementName} for ${e.beneficiaryName}`;
  // Decided: hand the outcome to the inbox, which shows it in place of the card (the server has committed it).
  useEffect(() => {
    if (state?.ok) onDecided({ stepId: e.stepId, title, message: state.message ?? "" });
  }, [state, e.stepId, title, onDecided]);
  if (state?.ok) return null;
  return (
    <section id={`step-${e.stepId}`} aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="font-semibold">
            {e.applicationName} · {e.entitlementName}{" "}
            <span className="text-sm font-normal text-slate-600">for {e.beneficiaryName} ({e.beneficiaryTitle})</span>
          </h2>
          <p className="text-xs text-slate-600">
            Requested {fmtDate(e.createdAt)} by {e.requesterId === e.beneficiaryId ? "themselves" : e.requesterName} · stage {e.stage} ({label(e.approverKind)})
            {e.onBehalfOf && ` · as delegate of ${e.onBehalfOf}`} · due {fmtDate(e.dueAt)} {e.overdue && <Badge tone="red">overdue</Badge>}
          </p>
        </div>
        <div className="flex gap-1">
          <Badge tone={riskTone(e.riskScore)}>risk {e.riskScore ?? "?"}/10</Badge>
          {e.privileged && <Badge tone="red">privileged</Badge>}
          <Badge>{e.level}</Badge>
          {e.sensitivity !== "low" && <Badge tone="yellow">{e.sensitivity}</Badge>}
        </div>
      </div>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        <dt className="text-slate-600">Why</dt>
        <dd>{e.justification || <span className="text-slate-600">no justification given</span>}</dd>
        <dt className="text-slate-600">Peers</dt>
        <dd>{e.peers ? `${e.peers.holders} of ${e.peers.size} ${e.peers.group} hold it (${pct(e.peers.share)})` : "—"}</dd>
        <dt className="text-slate-600">Current access</dt>
        <dd>{e.beneficiaryAccessCount} entitlements</dd>
        <dt className="text-slate-600">Duration</dt>
        <dd>{e.durationDays ? `${e.durationDays} days` : "no end date"}</dd>
        {e.sodConflicts.length > 0 && (
          <>
            <dt className="text-rose-700">Separation of duties</dt>
            <dd className="text-rose-700">{e.sodConflicts.join("; ")}</dd>
          </>
        )}
      </dl>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600">Risk reasons and route</summary>
        <ul className="mt-1 list-disc pl-5 text-xs">
          {(e.riskReasons ?? []).map((r, i) => (
            <li key={i}>
              {r.weight > 0 ? "+" : ""}{r.weight} {r.text}
            </li>
          ))}
        </ul>
        <p className="mt-1 text-xs text-slate-600">{e.routeReason}</p>
        {e.earlierStages.length > 0 && (
          <p className="mt-1 text-xs text-slate-600">
            Earlier: {e.earlierStages.map((s) => `stage ${s.stage} ${s.status} by ${s.approverName ?? "?"}${s.comment ? ` (“${s.comment}”)` : ""}`).join("; ")}
          </p>
        )}
      </details>
      <form action={action} className="mt-3 flex flex-wrap items-end gap-2">
        <input type="hidden" name="stepId" value={e.stepId} />
        <label className="flex flex-1 flex-col text-xs font-medium text-slate-700">
          Comment (required to deny: the requester sees it)
          <input name="comment" maxLength={1000} className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm" />
        </label>
        <button name="decision" value="approve" disabled={pending} className="rounded-md bg-emerald-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60">
          Approve
        </button>
        <button name="decision" value="deny" disabled={pending} className="rounded-md bg-rose-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-rose-800 disabled:opacity-60">
          Deny
        </button>
      </form>
      {state && !state.ok && <p role="alert" className="mt-2 text-sm text-rose-800">{state.message}</p>}
    </section>
  );
}
