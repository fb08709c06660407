/**
 * Bulk retry (admins): every incident needing attention in one system, or of one kind (an operation kind, or
 * "system" for a paused system's incident), in one transaction and audited per incident.
 *
 *   dead operation      re-opened with a fresh attempt budget (as retryIncident), incident "retrying"; if a re-plan
 *                       already carries the same change, the incident is resolved as superseded
 *   failing operation   due now with a fresh retry budget (its backoff is cleared), incident "retrying"
 *   paused system       its breaker is probed at once (the probe releases its work when it answers)
 */
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { circuitBreakers, incidents, operationKinds, operations } from "@/db/schema";
import { recordAudit, type AuditInput } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { nowOf, type Ctx } from "@/lib/services/context";
import { OPEN_STATUSES } from "./plan";

export const INCIDENT_KINDS = [...operationKinds, "system"] as const;

const input = z
  .object({
    applicationId: z.string().uuid().optional(),
    kind: z.enum(INCIDENT_KINDS).optional(),
  })
  .refine((v) => v.applicationId || v.kind, "Choose a system or a kind of incident.");

export type BulkRetryResult = { reopened: number; dueNow: number; superseded: number; probed: number };

export async function retryIncidents({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<BulkRetryResult> {
  if (!can(ctx.actor, "operations.retry")) throw new ForbiddenError("Only administrators can retry provisioning.");
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid filter.");
  const { applicationId, kind } = parsed.data;
  const now = nowOf(ctx);
  const out = await ctx.db.transaction(async (tx) => {
    const res: BulkRetryResult = { reopened: 0, dueNow: 0, superseded: 0, probed: 0 };
    const rows = await tx
      .select({ inc: incidents, op: operations })
      .from(incidents)
      .leftJoin(operations, eq(operations.id, incidents.operationId))
      .where(
        and(
          inArray(incidents.status, ["open", "retrying"]),
          applicationId ? eq(incidents.applicationId, applicationId) : undefined,
          kind === "system" ? isNull(incidents.operationId) : kind ? eq(operations.kind, kind) : undefined,
        ),
      )
      .for("update", { of: incidents });
    const events: AuditInput[] = [];
    for (const { inc, op } of rows) {
      if (!op) {
        if (!inc.applicationId) continue;
        const r = await tx
          .update(circuitBreakers)
          .set({ nextProbeAt: sql`now()` })
          .where(and(eq(circuitBreakers.applicationId, inc.applicationId), eq(circuitBreakers.state, "open")))
          .returning({ id: circuitBreakers.applicationId });
        if (r.length) res.probed++;
        events.push({ actorId: ctx.actor.personId, actorKind: "person", action: "incident.retried", targetKind: "incident", targetId: inc.id, data: { bulk: { applicationId, kind }, probe: true } });
        continue;
      }
      if (op.status === "dead") {
        const [twin] = await tx
          .select({ id: operations.id })
          .from(operations)
          .where(and(eq(operations.idempotencyKey, op.idempotencyKey), inArray(operations.status, [...OPEN_STATUSES]), ne(operations.id, op.id)));
        if (twin) {
          await tx.update(incidents).set({ status: "resolved", resolvedAt: now, resolvedById: ctx.actor.personId }).where(eq(incidents.id, inc.id));
          res.superseded++;
        } else {
          await tx.update(operations).set({ status: "pending", attempts: 0, leaseUntil: null, finishedAt: null, firstFailedAt: null }).where(eq(operations.id, op.id));
          await tx.update(incidents).set({ status: "retrying" }).where(eq(incidents.id, inc.id));
          res.reopened++;
        }
      } else if (op.status === "failed" || op.status === "pending") {
        await tx.update(operations).set({ leaseUntil: null, firstFailedAt: null }).where(eq(operations.id, op.id));
        await tx.update(incidents).set({ status: "retrying" }).where(eq(incidents.id, inc.id));
        res.dueNow++;
      } else continue; // running or done: nothing to do
      events.push({
        actorId: ctx.actor.personId,
        actorKind: "person",
        action: "incident.retried",
        targetKind: "incident",
        targetId: inc.id,
        data: { bulk: { applicationId: applicationId ?? null, kind: kind ?? null }, operationId: op.id, kind: op.kind, previousStatus: op.status, previousError: op.lastError },
      });
    }
    if (events.length) await recordAudit(tx, events);
    return res;
  });
  wakeDispatcher();
  return out;
}
