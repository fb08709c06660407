/**
 * decideStep: approve or deny one approval step. Only the routed approver (or the person they named as their
 * approval delegate: HR attribute approvalDelegateId, until approvalDelegateUntil if set) can even see the step: the step is loaded with
 * `approver_id = actor` in the WHERE clause, so anyone else gets "not found" and nothing changes. Nobody approves
 * their own request or access for themselves, even if a step were somehow routed to them.
 * Approving the last stage turns the item into a desired grant and plans its operations in the same transaction;
 * approving an earlier stage opens the next one; a denial ends the item. Parallel approvers of one stage (several
 * owners, the security team): the first decision settles the stage and the others' steps are skipped.
 *
 * bulkApprove: approve many low-risk steps at once (risk ≤ BULK_MAX_RISK, not privileged, no SoD conflict);
 * anything else is left for a one-by-one decision, with the reason.
 */
import { and, eq, gt, inArray, min } from "drizzle-orm";
import { z } from "zod";
import { approverOrDelegate, inboxSteps } from "@/db/queries/requests";
import { accessRequestItems, accessRequests, applications, approvalSteps, entitlements, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError, toUserError, ValidationError } from "@/lib/errors";
import { DEFAULT_ROUTING_POLICY } from "@/lib/domain/routing";
import { wakeDispatcher } from "@/lib/jobs/wake";
import type { Ctx } from "@/lib/services/context";
import { postPendingApprovals, type PendingStep } from "./chat-webhook";
import { grantItems, notify, refreshRequestStatus } from "./fulfil";

const HOUR = 3_600_000;
export const BULK_MAX_RISK = DEFAULT_ROUTING_POLICY.autoApproveMaxRisk;

export const decideStepInput = z.object({
  stepId: z.string().uuid(),
  decision: z.enum(["approve", "deny"]),
  comment: z.string().trim().max(1000).optional().transform((v) => v || undefined),
});

export type DecideResult = { stepId: string; itemId: string; requestId: string; itemStatus: string; requestStatus: string; nextStage: number | null; operationIds: string[] };

export async function decideStep({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }): Promise<DecideResult> {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const parsed = decideStepInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid decision");
  // The requester is owed a reason: a denial without one leaves them guessing.
  if (parsed.data.decision === "deny" && (parsed.data.comment ?? "").length < 3)
    throw new ValidationError("Give a reason when you deny: the requester sees it.", { comment: "A reason is required to deny" });
  const { opened, ...r } = await ctx.db.transaction((tx) => decideInTx({ ...ctx, db: tx }, parsed.data, now));
  if (r.operationIds.length) wakeDispatcher();
  // After commit: the chat channel (if configured) hears about the next stage; failures are logged, not thrown.
  if (opened.length) await postPendingApprovals(opened);
  return r;
}

async function decideInTx(ctx: Ctx, input: z.infer<typeof decideStepInput>, now: Date): Promise<DecideResult & { opened: PendingStep[] }> {
  const tx = ctx.db;
  const actorId = ctx.actor.personId;
  // Ownership in SQL: the step must be pending and routed to the actor (or to someone they are delegate for).
  // FOR UPDATE locks the step, item and request: a parallel approver of the same stage waits, then finds it settled.
  const [row] = await tx
    .select({ step: approvalSteps, item: accessRequestItems, request: accessRequests })
    .from(approvalSteps)
    .innerJoin(accessRequestItems, eq(accessRequestItems.id, approvalSteps.itemId))
    .innerJoin(accessRequests, eq(accessRequests.id, accessRequestItems.requestId))
    .where(and(eq(approvalSteps.id, input.stepId), eq(approvalSteps.status, "pending"), approverOrDelegate(actorId, now)))
    .for("update");
  if (!row) throw new NotFoundError("No such approval is waiting for you (it may have been decided already).");
  const { step, item, request } = row;
  // Agents never decide privileged access: look the flag up for them (people are not limited by it).
  const privileged = ctx.actor.agent
    ? item.entitlementId
      ? Boolean((await tx.select({ p: entitlements.privileged }).from(entitlements).where(eq(entitlements.id, item.entitlementId)))[0]?.p ?? true)
      : true
    : undefined;
  if (!can(ctx.actor, "request.approve", { kind: "request", beneficiaryId: request.beneficiaryId, requesterId: request.requesterId, approverIds: [actorId], privileged }))
    throw new ForbiddenError(
      ctx.actor.agent && privileged ? "An agent never decides privileged access; a person must approve it." : "Nobody approves their own request or access for themselves.",
    );
  if (item.status !== "pending") throw new NotFoundError("This item is already decided.");

  const approve = input.decision === "approve";
  await tx
    .update(approvalSteps)
    .set({ status: approve ? "approved" : "denied", decidedById: actorId, decidedAt: now, comment: input.comment ?? null })
    .where(eq(approvalSteps.id, step.id));
  // The other approvers of this stage no longer need to act.
  await tx
    .update(approvalSteps)
    .set({ status: "skipped", decidedAt: now, comment: `Decided by ${ctx.actor.name}` })
    .where(and(eq(approvalSteps.itemId, item.id), eq(approvalSteps.stage, step.stage), inArray(approvalSteps.status, ["pending", "waiting", "escalated"])));

  const delegated = step.approverId !== actorId;
  const audit = {
    actorId, actorKind: "person" as const, targetKind: "approval_step", targetId: step.id,
    data: {
      itemId: item.id, requestId: request.id, stage: step.stage, approverKind: step.approverKind, comment: input.comment ?? null,
      onBehalfOf: delegated ? step.approverId : null, riskScore: item.riskScore, riskReasons: item.riskReasons,
    },
  };
  let itemStatus: string = "pending";
  let nextStage: number | null = null;
  let operationIds: string[] = [];
  const opened: PendingStep[] = [];
  const link = "/requests";
  const parties = [...new Set([request.requesterId, request.beneficiaryId])];

  if (!approve) {
    await tx.update(approvalSteps).set({ status: "skipped", decidedAt: now, comment: "Item denied at an earlier stage" })
      .where(and(eq(approvalSteps.itemId, item.id), inArray(approvalSteps.status, ["waiting", "pending", "escalated"])));
    await tx.update(accessRequestItems).set({ status: "denied", decidedAt: now }).where(eq(accessRequestItems.id, item.id));
    itemStatus = "denied";
    await recordAudit(tx, { ...audit, action: "request.step_denied" });
    const [what] = item.entitlementId
      ? await tx
          .select({ ent: entitlements.name, app: applications.name, beneficiary: people.displayName })
          .from(entitlements)
          .innerJoin(applications, eq(applications.id, entitlements.applicationId))
          .innerJoin(people, eq(people.id, request.beneficiaryId))
          .where(eq(entitlements.id, item.entitlementId))
      : [];
    const access = what ? `${what.app} ${what.ent}` : "the access";
    const forWhom = request.beneficiaryId !== request.requesterId && what ? ` for ${what.beneficiary}` : "";
    await notify(tx, parties.map((p) => ({
      personId: p, kind: "request.denied", link,
      title: `Access request denied: ${access}`,
      body: `${ctx.actor.name} denied ${access}${forWhom}. Reason: ${input.comment ?? "none given"}`,
    })));
  } else {
    await recordAudit(tx, { ...audit, action: "request.step_approved" });
    const [next] = await tx
      .select({ stage: min(approvalSteps.stage) })
      .from(approvalSteps)
      .where(and(eq(approvalSteps.itemId, item.id), eq(approvalSteps.status, "waiting"), gt(approvalSteps.stage, step.stage)));
    if (next?.stage != null) {
      nextStage = next.stage;
      const nowPending = await tx
        .update(approvalSteps)
        .set({ status: "pending", dueAt: new Date(now.getTime() + DEFAULT_ROUTING_POLICY.escalationHours * HOUR) })
        .where(and(eq(approvalSteps.itemId, item.id), eq(approvalSteps.stage, next.stage), eq(approvalSteps.status, "waiting")))
        .returning({ id: approvalSteps.id, approverId: approvalSteps.approverId });
      for (const o of nowPending) opened.push({ stepId: o.id, approverId: o.approverId, label: `Stage ${next.stage} of an access request`, beneficiary: "its beneficiary", riskScore: item.riskScore });
      await notify(tx, nowPending.filter((o) => o.approverId).map((o) => ({ personId: o.approverId!, kind: "approval.requested", link: "/approvals", title: "Approval needed (next stage)", body: `Stage ${next.stage} of an access request.` })));
    } else {
      await tx.update(accessRequestItems).set({ status: "approved", decidedAt: now }).where(eq(accessRequestItems.id, item.id));
      itemStatus = "approved";
      const g = await grantItems(tx, {
        requestId: request.id, beneficiaryId: request.beneficiaryId, justification: request.justification, actorId, now,
        items: [{ id: item.id, entitlementId: item.entitlementId!, durationDays: item.durationDays }],
      });
      operationIds = g.plan.operationIds;
      await recordAudit(tx, {
        actorId, actorKind: "person", action: "request.granted", targetKind: "access_request", targetId: request.id,
        data: { grantIds: g.grantIds, items: [item.id], operationIds, by: "last approval stage" },
      });
      await notify(tx, parties.map((p) => ({ personId: p, kind: "request.approved", link, title: "Access request approved", body: `Approved by ${ctx.actor.name}; provisioning has started.` })));
    }
  }
  const requestStatus = await refreshRequestStatus(tx, request.id, now);
  return { stepId: step.id, itemId: item.id, requestId: request.id, itemStatus, requestStatus, nextStage, operationIds, opened };
}

export const bulkApproveInput = z.object({
  stepIds: z.array(z.string().uuid()).min(1, "Choose at least one approval").max(200),
  comment: z.string().trim().max(1000).optional(),
});

export async function bulkApprove({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const parsed = bulkApproveInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid selection");
  // Only steps routed to the actor come back (ownership in SQL); the rest are "not found".
  const mine = await inboxSteps(ctx.db, ctx.actor.personId, parsed.data.stepIds, now);
  const byId = new Map(mine.map((s) => [s.stepId, s]));
  const approved: DecideResult[] = [];
  const skipped: Array<{ stepId: string; reason: string }> = [];
  for (const id of parsed.data.stepIds) {
    const s = byId.get(id);
    if (!s) {
      skipped.push({ stepId: id, reason: "Not waiting for you." });
      continue;
    }
    const sod = (s.riskReasons ?? []).some((r) => r.factor === "sod");
    if ((s.riskScore ?? 10) > BULK_MAX_RISK || s.privileged || sod) {
      skipped.push({ stepId: id, reason: `Not low risk (risk ${s.riskScore ?? "?"}${s.privileged ? ", privileged" : ""}${sod ? ", SoD conflict" : ""}): decide it on its own.` });
      continue;
    }
    try {
      const { opened, ...r } = await ctx.db.transaction((tx) => decideInTx({ ...ctx, db: tx }, { stepId: id, decision: "approve", comment: parsed.data.comment || "Bulk approval (low risk)" }, now));
      approved.push(r);
      if (opened.length) await postPendingApprovals(opened);
    } catch (e) {
      skipped.push({ stepId: id, reason: toUserError(e).message });
    }
  }
  if (approved.some((a) => a.operationIds.length)) wakeDispatcher();
  return { approved, skipped };
}
