"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect } from "react";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import type { MyRequest } from "@/lib/services/requests/list-my-requests";
import { provisioningText, routeText } from "./route-label";

export const myRequestsKey = ["requests", "mine"] as const;

const unsettled = (rs: MyRequest[]) =>
  rs.some((r) => r.items.some((i) => i.status === "pending" || i.provisioning === "not_started" || i.provisioning === "in_progress"));

/** The actor's requests, refreshed every 3 s while anything is still moving (first paint from the server). */
type WithdrawState = { ok: boolean; message: string } | null;
type WithdrawAction = (prev: WithdrawState, form: FormData) => Promise<WithdrawState>;

/** Withdraw what is still waiting (requester only; confirmed first). The list refreshes after. */
function WithdrawButton({ requestId, action }: { requestId: string; action: WithdrawAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  const qc = useQueryClient();
  useEffect(() => {
    if (state?.ok) void qc.invalidateQueries({ queryKey: myRequestsKey });
  }, [state, qc]);
  return (
    <form action={formAction} className="inline-flex items-center gap-2" onSubmit={(e) => { if (!confirm("Withdraw what is still waiting for approval in this request?")) e.preventDefault(); }}>
      <input type="hidden" name="requestId" value={requestId} />
      <button disabled={pending} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {pending ? "Withdrawing…" : "Withdraw"}
      </button>
      {state && <span role={state.ok ? "status" : "alert"} className={`text-xs ${state.ok ? "text-emerald-800" : "text-rose-800"}`}>{state.message}</span>}
    </form>
  );
}

export function MyRequestsLive({ initial, me, load, withdraw }: { initial: MyRequest[]; me: string; load: () => Promise<{ ok: true; rows: MyRequest[] } | { ok: false; message: string }>; withdraw?: WithdrawAction }) {
  const { data, isError } = useQuery({
    queryKey: myRequestsKey,
    queryFn: async () => {
      const r = await load();
      if (!r.ok) throw new Error(r.message);
      return r.rows;
    },
    initialData: initial,
    refetchInterval: (q) => (unsettled(q.state.data ?? initial) ? 3000 : 30_000),
    staleTime: 0,
  });
  const rows = data ?? initial;
  if (!rows.length) return <EmptyState title="No requests yet"><a className="text-brand-700 underline" href="/requests/new">Request access</a></EmptyState>;
  return (
    <div className="space-y-3">
      {isError && <p role="status" className="text-xs text-amber-700">Live updates paused (the server did not answer); showing the last known state.</p>}
      {rows.map((r) => (
        <section key={r.id} aria-label={`Request of ${fmtDate(r.createdAt)}`} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <div>
              <Badge tone={statusTone(r.status)}>{label(r.status)}</Badge>{" "}
              <span className="text-slate-600">
                {fmtDate(r.createdAt)} · for {r.beneficiaryId === me ? "you" : r.beneficiaryName}
                {r.requesterId !== me && ` · filed by ${r.requesterName}`}
                {r.channel === "plain_language" && " · from plain language"}
              </span>
            </div>
            <span className="flex items-center gap-3">
              {r.justification && <span className="text-xs text-slate-600">“{r.justification}”</span>}
              {withdraw && r.requesterId === me && r.items.some((i) => i.status === "pending") && <WithdrawButton requestId={r.id} action={withdraw} />}
            </span>
          </div>
          <div className="overflow-x-auto"><table className="mt-2 w-full text-sm">
            <caption className="sr-only">Items</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr><th scope="col">Access</th><th scope="col">Status</th><th scope="col">Route</th><th scope="col">Where it is</th></tr>
            </thead>
            <tbody>
              {r.items.map((i) => (
                <tr key={i.id} className="border-t border-slate-100 align-top" data-testid="request-item">
                  <td className="py-1.5 pr-2">
                    <span className="font-medium">{i.applicationName}</span> · {i.entitlementName}
                    {i.durationDays ? <div className="text-xs text-slate-600">for {i.durationDays} days</div> : null}
                  </td>
                  <td className="py-1.5 pr-2"><Badge tone={statusTone(i.status)}>{label(i.status)}</Badge></td>
                  <td className="py-1.5 pr-2" title={i.routeReason ?? ""}>{routeText[i.route ?? ""] ?? i.route} <span className="text-xs text-slate-600">risk {i.riskScore ?? "?"}/10</span></td>
                  <td className="py-1.5">
                    {i.status === "pending" &&
                      (i.waitingOn.length
                        ? `Waiting for ${i.waitingOn.map((w) => `${w.name ?? "?"} (${label(w.kind)}, stage ${w.stage})`).join(" or ")}`
                        : "Waiting")}
                    {i.status === "denied" && (i.steps.find((s) => s.status === "denied")?.comment ? `Denied: ${i.steps.find((s) => s.status === "denied")!.comment}` : "Denied")}
                    {i.provisioning && <span data-testid="provisioning">{provisioningText[i.provisioning]}</span>}
                    {i.provisioningError && <div className="text-xs text-rose-700">{i.provisioningError}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </section>
      ))}
    </div>
  );
}
