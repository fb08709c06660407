/**
 * Manual tasks, owner side. listMyTasks: the tasks of the applications the actor owns (ownership filtered in SQL).
 * confirmManualTask: the owner says the change is done → in ONE transaction the task is `done`, its operation
 * `succeeded` (fenced: only while it is still running and waiting on this task), the actual state recorded exactly
 * as the worker records a connector's success (applyActual), and audited; then the dispatcher is woken so the
 * person's next operations in that application run. A later reconciliation (uploaded account list) marks the task
 * `verified` when the system shows the change (upload-accounts.ts).
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { applicationOwners, applications, incidents, manualTasks, operations, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { has } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { applyActual, loadContext } from "@/lib/services/provisioning/target-state";
import type { Ctx } from "@/lib/services/context";

export type TaskRow = {
  id: string;
  applicationId: string;
  applicationName: string;
  kind: string;
  personName: string | null;
  instructions: string;
  status: "open" | "done" | "verified" | "cancelled";
  dueAt: Date;
  overdue: boolean;
  remindedAt: Date | null;
  completedAt: Date | null;
  verifiedAt: Date | null;
};

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export async function listMyTasks({ ctx, input }: { ctx: Ctx; input?: { includeClosed?: boolean } }): Promise<TaskRow[]> {
  if (!isUuid(ctx.actor.personId)) return [];
  const now = new Date();
  const rows = await ctx.db
    .select({
      id: manualTasks.id,
      applicationId: manualTasks.applicationId,
      applicationName: applications.name,
      kind: operations.kind,
      personName: people.displayName,
      instructions: manualTasks.instructions,
      status: manualTasks.status,
      dueAt: manualTasks.dueAt,
      remindedAt: manualTasks.remindedAt,
      completedAt: manualTasks.completedAt,
      verifiedAt: manualTasks.verifiedAt,
    })
    .from(manualTasks)
    .innerJoin(applications, eq(applications.id, manualTasks.applicationId))
    .innerJoin(applicationOwners, and(eq(applicationOwners.applicationId, manualTasks.applicationId), eq(applicationOwners.personId, ctx.actor.personId)))
    .innerJoin(operations, eq(operations.id, manualTasks.operationId))
    .leftJoin(people, eq(people.id, operations.personId))
    .where(input?.includeClosed ? sql`true` : inArray(manualTasks.status, ["open", "done"]))
    .orderBy(asc(manualTasks.status), asc(manualTasks.dueAt), desc(manualTasks.id))
    .limit(500);
  return rows.map((r) => ({ ...r, overdue: r.status === "open" && r.dueAt < now }));
}

const confirmInput = z.object({
  taskId: z.string().uuid(),
  /** The account's id in the system, when the owner knows it (create_account). Defaults to the user name. */
  externalId: z.string().trim().max(200).optional(),
  note: z.string().trim().max(1000).optional(),
});

export async function confirmManualTask({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<{ taskId: string; operationId: string }> {
  const p = confirmInput.safeParse(raw);
  if (!p.success) throw new ValidationError("Unknown task.");
  const { taskId, externalId, note } = p.data;
  if (!isUuid(ctx.actor.personId)) throw new ForbiddenError("Only the application's owner can confirm this task.");
  const out = await ctx.db.transaction(async (tx) => {
    const [task] = await tx.select().from(manualTasks).where(eq(manualTasks.id, taskId)).for("update");
    if (!task) throw new NotFoundError("No such task.");
    // Ownership from the table, not from the session's cached list; an admin may act only when nobody owns it.
    const owners = await tx.select({ id: applicationOwners.personId }).from(applicationOwners).where(eq(applicationOwners.applicationId, task.applicationId));
    const mine = owners.some((o) => o.id === ctx.actor.personId) || (owners.length === 0 && has(ctx.actor, "admin"));
    if (!mine) throw new ForbiddenError("Only the application's owner can confirm this task.");
    if (task.status !== "open") throw new ConflictError(`This task is already ${task.status}.`);
    const [op] = await tx.select().from(operations).where(eq(operations.id, task.operationId)).for("update");
    if (!op) throw new ConflictError("The operation of this task no longer exists.");
    if (op.status !== "running" || (op.result as { manualTaskId?: string } | null)?.manualTaskId !== task.id) {
      throw new ConflictError(`The operation is ${op.status} and no longer waits for this task.`);
    }
    const x = await loadContext(tx, op);
    const now = new Date();
    const spec = (op.payload as { spec?: { userName?: string; active?: boolean } }).spec;
    const userName = x.account?.username ?? spec?.userName ?? null;
    const result: Record<string, unknown> = { manualTaskId: task.id, confirmedBy: ctx.actor.personId, ...(note && { note }) };
    if (op.kind === "create_account") Object.assign(result, { userName, externalId: externalId || userName, active: spec?.active !== false, linked: false });
    await tx.update(operations).set({ status: "succeeded", result, finishedAt: now, leaseUntil: null }).where(eq(operations.id, op.id));
    await applyActual(tx, op, x, result, now);
    await tx.update(incidents).set({ status: "resolved", resolvedAt: now }).where(and(eq(incidents.operationId, op.id), inArray(incidents.status, ["open", "retrying"])));
    await tx.update(manualTasks).set({ status: "done", completedAt: now }).where(eq(manualTasks.id, task.id));
    await recordAudit(tx, [
      { actorId: ctx.actor.personId, actorKind: "person", action: "manual_task.completed", targetKind: "manual_task", targetId: task.id, data: { operationId: op.id, kind: op.kind, applicationId: task.applicationId, overdue: task.dueAt < now, ...(note && { note }) } },
      { actorId: ctx.actor.personId, actorKind: "person", action: "provisioning.succeeded", targetKind: "operation", targetId: op.id, data: { kind: op.kind, application: x.app.key, personId: op.personId, entitlementId: op.entitlementId, manual: true, cause: { kind: op.causeKind, id: op.causeId }, target: result } },
    ]);
    return { taskId: task.id, operationId: op.id };
  });
  wakeDispatcher();
  return out;
}
