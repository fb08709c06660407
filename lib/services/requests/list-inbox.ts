/**
 * listInbox: the approvals waiting for the actor (routed to them, or to someone whose delegate they are until the
 * delegation's end (approvalDelegateUntil); filtered in
 * SQL), each with the context an approver needs to decide without rubber-stamping: who asks for whom, what, why
 * (justification), the risk score and its reasons, how many comparable colleagues hold it, SoD conflicts, the
 * beneficiary's current access count, the route reasons, and the earlier stages' decisions.
 */
import { accessCounts, adoptionFor, inboxSteps, personForRequest, stepsOfItems } from "@/db/queries/requests";
import { can } from "@/lib/auth/can";
import { BULK_MAX_RISK } from "./decide-step";
import { ForbiddenError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export async function listInbox({ ctx, now = new Date() }: { ctx: Ctx; input?: unknown; now?: Date }) {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const steps = await inboxSteps(ctx.db, ctx.actor.personId, undefined, now);
  const beneficiaryIds = [...new Set(steps.map((s) => s.beneficiaryId))];
  const [counts, history] = await Promise.all([accessCounts(ctx.db, beneficiaryIds, now), stepsOfItems(ctx.db, [...new Set(steps.map((s) => s.itemId))])]);
  // Peer adoption, per beneficiary (one aggregate each; an inbox holds a handful of people).
  const adoption = new Map<string, Awaited<ReturnType<typeof adoptionFor>>>();
  for (const id of beneficiaryIds) {
    const p = await personForRequest(ctx.db, id);
    // Only the peers' counts are shown here: no department counts (teamOf: none).
    if (p) adoption.set(id, await adoptionFor(ctx.db, p, now, { teamOf: [] }));
  }
  return steps.map((s) => {
    const a = adoption.get(s.beneficiaryId);
    const holders = a?.holders.get(s.entitlementId)?.peers ?? 0;
    const reasons = s.riskReasons ?? [];
    return {
      ...s,
      onBehalfOf: s.approverId !== ctx.actor.personId ? s.approverName : null,
      beneficiaryAccessCount: counts.get(s.beneficiaryId) ?? 0,
      peers: a ? { group: a.peerGroup, size: a.peerCount, holders, share: a.peerCount ? holders / a.peerCount : 0 } : null,
      sodConflicts: reasons.filter((r) => r.factor === "sod").map((r) => r.text),
      earlierStages: history.filter((h) => h.itemId === s.itemId && h.stage < s.stage && h.status !== "waiting"),
      lowRisk: (s.riskScore ?? 10) <= BULK_MAX_RISK && !s.privileged && !reasons.some((r) => r.factor === "sod"),
      overdue: s.dueAt ? s.dueAt.getTime() < now.getTime() : false,
    };
  });
}
export type InboxEntry = Awaited<ReturnType<typeof listInbox>>[number];
