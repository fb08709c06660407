/**
 * withdrawRequest: the person who filed a request takes back what is still waiting for approval.
 * Pending items become "cancelled", their open approval steps "skipped" (approvers no longer see
 * them); items already approved or granted are untouched (removing granted access is a removal,
 * not a withdrawal). Only the requester may withdraw; audited, with the approvers told.
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { accessRequestItems, accessRequests, approvalSteps } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { notify, refreshRequestStatus } from "./fulfil";

export const withdrawRequestInput = z.object({
  requestId: z.string().uuid("Not a request id"),
  reason: z.string().trim().max(500).optional().transform((v) => v || undefined),
});

export async function withdrawRequest({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const parsed = withdrawRequestInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid request");
  const input = parsed.data;
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    // Ownership in SQL: only the requester's own request is found.
    const [request] = await tx
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.id, input.requestId), eq(accessRequests.requesterId, ctx.actor.personId)))
      .for("update");
    if (!request) throw new NotFoundError("No such request of yours.");
    const pending = await tx
      .select({ id: accessRequestItems.id })
      .from(accessRequestItems)
      .where(and(eq(accessRequestItems.requestId, request.id), eq(accessRequestItems.status, "pending")));
    if (pending.length === 0) throw new ConflictError("Nothing in this request is waiting for approval any more.");
    const itemIds = pending.map((p) => p.id);
    // Those asked to act now are told; later stages never saw it.
    const active = await tx
      .select({ approverId: approvalSteps.approverId })
      .from(approvalSteps)
      .where(and(inArray(approvalSteps.itemId, itemIds), inArray(approvalSteps.status, ["pending", "escalated"])));
    await tx
      .update(approvalSteps)
      .set({ status: "skipped", decidedAt: now, comment: `Withdrawn by ${ctx.actor.name}${input.reason ? `: ${input.reason}` : ""}` })
      .where(and(inArray(approvalSteps.itemId, itemIds), inArray(approvalSteps.status, ["waiting", "pending", "escalated"])));
    await tx.update(accessRequestItems).set({ status: "cancelled", decidedAt: now }).where(inArray(accessRequestItems.id, itemIds));
    const status = await refreshRequestStatus(tx, request.id, now);
    await recordAudit(tx, {
      actorId: ctx.actor.personId, actorKind: "person", action: "request.withdrawn", targetKind: "access_request", targetId: request.id,
      data: { items: itemIds, reason: input.reason ?? null, requestStatus: status },
    });
    const approvers = [...new Set(active.map((s) => s.approverId).filter((a): a is string => !!a && a !== ctx.actor.personId))];
    await notify(tx, approvers.map((personId) => ({
      personId, kind: "request.withdrawn", link: "/approvals",
      title: "Access request withdrawn",
      body: `${ctx.actor.name} withdrew a request that was waiting for you${input.reason ? `: ${input.reason}` : "."}`,
    })));
    return { requestId: request.id, withdrawnItems: itemIds.length, requestStatus: status };
  });
}
