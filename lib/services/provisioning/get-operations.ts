import { z } from "zod";
import { incidentGroups, OPERATION_STATUSES, openIncidents, operationsSummary, recentOperations } from "@/db/queries/operations";
import { can } from "@/lib/auth/can";
import { ForbiddenError, validationErrorOf } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export { OPERATION_STATUSES };
export type { OperationRow, OperationsSummary, IncidentRow, IncidentGroups } from "@/db/queries/operations";

const input = z.object({ status: z.enum(OPERATION_STATUSES).optional().or(z.literal("").transform(() => undefined)) });

/** The provisioning queue page: counts, recent operations (admins, security, auditors). */
export async function getOperationsPage({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "operations.view")) throw new ForbiddenError("Only administrators, security and auditors can see the provisioning queue.");
  const p = input.safeParse(raw ?? {});
  if (!p.success) throw validationErrorOf(p.error, "Invalid filter: ");
  const { status } = p.data;
  const [summary, recent, groups] = await Promise.all([operationsSummary(ctx.db), recentOperations(ctx.db, { limit: 100, status }), incidentGroups(ctx.db)]);
  return { summary, recent, status, groups, mayRetry: can(ctx.actor, "operations.retry") };
}

/** Live figures for the queue view (polled). */
export async function getOperationsSummary({ ctx }: { ctx: Ctx }) {
  if (!can(ctx.actor, "operations.view")) throw new ForbiddenError("Only administrators, security and auditors can see the provisioning queue.");
  return operationsSummary(ctx.db);
}

/** Incidents needing attention, and whether this actor may retry them. */
export async function listIncidents({ ctx }: { ctx: Ctx }) {
  if (!can(ctx.actor, "operations.view")) throw new ForbiddenError("Only administrators, security and auditors can see provisioning incidents.");
  return { incidents: await openIncidents(ctx.db), mayRetry: can(ctx.actor, "operations.retry") };
}
