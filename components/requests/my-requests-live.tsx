"use client";
import { useQuery } from "@tanstack/react-query";
import { Badge, label, statusTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import type { MyRequest } from "@/lib/services/requests/list-my-requests";
import { provisioningText, routeText } from "./route-label";

export const myRequestsKey = ["requests", "mine"] as const;

const unsettled = (rs: MyRequest[]) =>
  rs.some((r) => r.items.some((i) => i.status === "pending" || i.provisioning === "not_started" || i.provisioning === "in_progress"));

/** The actor's requests, refreshed every 3 s while anything is still moving (first paint from the server). */
export function MyRequestsLive({ initial, me, load }: { initial: MyRequest[]; me: string; load: () => Promise<MyRequest[]> }) {
  const { data, isError } = useQuery({
    queryKey: myRequestsKey,
    queryFn: () => load(),
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
            {r.justification && <span className="text-xs text-slate-500">“{r.justification}”</span>}
          </div>
          <table className="mt-2 w-full text-sm">
            <caption className="sr-only">Items</caption>
            <thead className="text-left text-xs text-slate-500">
              <tr><th scope="col">Access</th><th scope="col">Status</th><th scope="col">Route</th><th scope="col">Where it is</th></tr>
            </thead>
            <tbody>
              {r.items.map((i) => (
                <tr key={i.id} className="border-t border-slate-100 align-top" data-testid="request-item">
                  <td className="py-1.5 pr-2">
                    <span className="font-medium">{i.applicationName}</span> · {i.entitlementName}
                    {i.durationDays ? <div className="text-xs text-slate-500">for {i.durationDays} days</div> : null}
                  </td>
                  <td className="py-1.5 pr-2"><Badge tone={statusTone(i.status)}>{label(i.status)}</Badge></td>
                  <td className="py-1.5 pr-2" title={i.routeReason ?? ""}>{routeText[i.route ?? ""] ?? i.route} <span className="text-xs text-slate-500">risk {i.riskScore ?? "?"}/10</span></td>
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
          </table>
        </section>
      ))}
    </div>
  );
}
