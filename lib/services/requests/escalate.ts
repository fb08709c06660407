/**
 * escalateOverdue: the approval clock. For every pending step past its dueAt, the step becomes "escalated" and a
 * new pending step of the same stage goes to the approver's manager (the first one up the chain who is neither the
 * beneficiary nor the requester), or to the security team when there is none. Steps still pending
 * `reminderHours` after they opened get one reminder (a notification keyed by the step, so never twice).
 * `now` is injected (tests move the clock); run from the CLI (`gatehouse requests escalate`) or any scheduler.
 * One transaction per run; O(overdue steps) queries.
 */
import { and, eq, inArray, isNotNull, lte, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { managerChain } from "@/db/queries/people";
import { securityApprovers } from "@/db/queries/requests";
import { accessRequestItems, accessRequests, approvalSteps, notifications, people } from "@/db/schema";
import { recordAudit, type AuditInput } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from "@/lib/domain/routing";
import type { Ctx } from "@/lib/services/context";
import { notify, type Notice } from "./fulfil";

const HOUR = 3_600_000;
const input = z.object({ now: z.date().optional() }).default({});

/** The actor of scheduled runs (CLI, worker): not a person, allowed to escalate. */
export const SYSTEM_ACTOR: Actor = { personId: "system:scheduler", name: "Scheduler", email: "", roles: ["admin"], ownedApplicationIds: [] };

export type EscalationResult = { escalated: Array<{ stepId: string; from: string | null; to: string[] }>; reminded: string[]; stuck: string[] };

export async function escalateOverdue({ ctx, input: raw, policy = DEFAULT_ROUTING_POLICY }: { ctx: Ctx; input?: unknown; policy?: RoutingPolicy }): Promise<EscalationResult> {
  if (!can(ctx.actor, "request.escalate")) throw new ForbiddenError("Only administrators (or the scheduler) run escalations.");
  const now = input.parse(raw ?? {}).now ?? new Date();
  const actorId = ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId;
  return ctx.db.transaction(async (tx) => {
    const result: EscalationResult = { escalated: [], reminded: [], stuck: [] };
    const audits: AuditInput[] = [];
    const notices: Notice[] = [];

    const overdue = await tx
      .select({ step: approvalSteps, beneficiaryId: accessRequests.beneficiaryId, requesterId: accessRequests.requesterId })
      .from(approvalSteps)
      .innerJoin(accessRequestItems, eq(accessRequestItems.id, approvalSteps.itemId))
      .innerJoin(accessRequests, eq(accessRequests.id, accessRequestItems.requestId))
      .where(and(eq(approvalSteps.status, "pending"), isNotNull(approvalSteps.dueAt), lte(approvalSteps.dueAt, now), eq(accessRequestItems.status, "pending")))
      .for("update");
    const security = overdue.length ? await securityApprovers(tx) : [];
    for (const { step, beneficiaryId, requesterId } of overdue) {
      const excluded = new Set([beneficiaryId, requesterId, step.approverId].filter(Boolean) as string[]);
      const to = await escalationTarget(tx, step.approverId, excluded, security);
      if (!to.length) {
        result.stuck.push(step.id);
        continue;
      }
      await tx.update(approvalSteps).set({ status: "escalated", decidedAt: now, comment: `No decision by ${step.dueAt!.toISOString()}; escalated.` }).where(eq(approvalSteps.id, step.id));
      // A target who already holds a live step of this stage for the item needs no second one.
      const existing = await tx
        .select({ approverId: approvalSteps.approverId })
        .from(approvalSteps)
        .where(and(eq(approvalSteps.itemId, step.itemId), eq(approvalSteps.stage, step.stage), eq(approvalSteps.status, "pending"), inArray(approvalSteps.approverId, to)));
      const fresh = to.filter((id) => !existing.some((e) => e.approverId === id));
      if (fresh.length)
        await tx.insert(approvalSteps).values(
          fresh.map((approverId) => ({
            itemId: step.itemId, stage: step.stage, approverKind: step.approverKind, approverId, status: "pending" as const,
            dueAt: new Date(now.getTime() + policy.escalationHours * HOUR), createdAt: now,
          })),
        );
      for (const id of fresh) notices.push({ personId: id, kind: "approval.escalated", link: "/approvals", title: "Escalated approval waiting for you", body: "An approval was not decided in time and has been passed to you." });
      audits.push({ actorId, actorKind: actorId ? "person" : "system", action: "request.step_escalated", targetKind: "approval_step", targetId: step.id, data: { itemId: step.itemId, stage: step.stage, from: step.approverId, to: fresh, dueAt: step.dueAt!.toISOString() } });
      result.escalated.push({ stepId: step.id, from: step.approverId, to: fresh });
    }

    // Reminders: pending for reminderHours (dueAt − escalationHours + reminderHours ≤ now), one per step.
    const lead = (policy.escalationHours - policy.reminderHours) * HOUR;
    const remind = await tx
      .select({ id: approvalSteps.id, approverId: approvalSteps.approverId })
      .from(approvalSteps)
      .where(
        and(
          eq(approvalSteps.status, "pending"),
          isNotNull(approvalSteps.approverId),
          lte(approvalSteps.dueAt, new Date(now.getTime() + lead)),
          sql`NOT EXISTS (SELECT 1 FROM ${notifications} n WHERE n.kind = 'approval.reminder' AND n.link = '/approvals#step-' || ${approvalSteps.id}::text)`,
        ),
      );
    for (const r of remind) {
      notices.push({ personId: r.approverId!, kind: "approval.reminder", link: `/approvals#step-${r.id}`, title: "Reminder: an approval is waiting for you", body: `It escalates if not decided within ${policy.reminderHours} hours.` });
      result.reminded.push(r.id);
    }
    if (remind.length) audits.push({ actorId, actorKind: actorId ? "person" : "system", action: "request.reminders_sent", targetKind: "approval_step", targetId: null, data: { steps: remind.map((r) => r.id) } });
    await notify(tx, notices);
    await recordAudit(tx, audits);
    return result;
  });
}

async function escalationTarget(tx: Queryable, approverId: string | null, excluded: Set<string>, security: string[]): Promise<string[]> {
  if (approverId) {
    const chain = await managerChain(tx, approverId);
    if (chain.length) {
      const active = await tx.select({ id: people.id }).from(people).where(and(inArray(people.id, chain), ne(people.status, "terminated")));
      const ok = new Set(active.map((a) => a.id));
      const first = chain.find((id) => ok.has(id) && !excluded.has(id));
      if (first) return [first];
    }
  }
  return security.filter((id) => !excluded.has(id));
}
