import { and, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import { incidents, operations } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import type { Ctx } from "@/lib/services/context";
import { OPEN_STATUSES } from "./plan";

const input = z.object({ incidentId: z.string().uuid() });

/**
 * Retry a dead-lettered operation (admins only). The operation is re-opened with a fresh attempt budget and its
 * incident marked "retrying"; it resolves itself when the operation succeeds, and opens again if it dies again.
 * If the planner already re-planned the same change (an open operation with the same idempotency key), that one
 * carries the retry and the incident is resolved as superseded.
 */
export async function retryIncident({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "operations.retry")) throw new ForbiddenError("Only administrators can retry provisioning.");
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new ValidationError("Unknown incident.");
  const { incidentId } = parsed.data;
  const out = await ctx.db.transaction(async (tx) => {
    const [inc] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for("update");
    if (!inc) throw new NotFoundError("No such incident.");
    if (inc.status !== "open") throw new ConflictError(inc.status === "retrying" ? "This incident is already being retried." : "This incident is resolved.");
    if (!inc.operationId) throw new ConflictError("This incident has no operation to retry.");
    const [op] = await tx.select().from(operations).where(eq(operations.id, inc.operationId)).for("update");
    if (!op) throw new ConflictError("The operation of this incident no longer exists.");
    if (op.status !== "dead") throw new ConflictError(`The operation is ${op.status}, not dead-lettered.`);
    const [twin] = await tx
      .select({ id: operations.id })
      .from(operations)
      .where(and(eq(operations.idempotencyKey, op.idempotencyKey), inArray(operations.status, [...OPEN_STATUSES]), ne(operations.id, op.id)));
    const now = new Date();
    if (twin) {
      await tx.update(incidents).set({ status: "resolved", resolvedAt: now, resolvedById: ctx.actor.personId }).where(eq(incidents.id, inc.id));
    } else {
      await tx.update(operations).set({ status: "pending", attempts: 0, leaseUntil: null, finishedAt: null, firstFailedAt: null }).where(eq(operations.id, op.id));
      await tx.update(incidents).set({ status: "retrying" }).where(eq(incidents.id, inc.id));
    }
    await recordAudit(tx, {
      actorId: ctx.actor.personId,
      actorKind: "person",
      action: "incident.retried",
      targetKind: "incident",
      targetId: inc.id,
      data: { operationId: op.id, kind: op.kind, previousError: op.lastError, supersededBy: twin?.id ?? null },
    });
    return { operationId: twin?.id ?? op.id, superseded: Boolean(twin) };
  });
  wakeDispatcher();
  return out;
}
