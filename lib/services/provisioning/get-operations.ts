import { z } from "zod";
import { OPERATION_STATUSES, openIncidents, operationsSummary, recentOperations } from "@/db/queries/operations";
import { can } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export { OPERATION_STATUSES };
export type { OperationRow, OperationsSummary, IncidentRow } from "@/db/queries/operations";

const input = z.object({ status: z.enum(OPERATION_STATUSES).optional().or(z.literal("").transform(() => undefined)) });

/** The provisioning queue page: counts, recent operations (admins, security, auditors). */
export async function getOperationsPage({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "operations.view")) throw new ForbiddenError("Only administrators, security and auditors can see the provisioning queue.");
  const { status } = input.parse(raw ?? {});
  const [summary, recent] = await Promise.all([operationsSummary(ctx.db), recentOperations(ctx.db, { limit: 100, status })]);
  return { summary, recent, status };
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
