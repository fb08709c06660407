/**
 * Manual fulfilment, worker side: an operation on an application whose connector is "manual" becomes a task for
 * the application's owner, and the operation WAITS: it stays `running` with `lease_until` = the task's due time +
 * a grace period and `result = { manualTaskId, waitingForOwner: true, dueAt }` (no schema change: the lease simply
 * means "do not look at this again before"). Waiting operations do not hold an in-flight slot of the application
 * (the worker's counts skip them), and later operations of the same person in the same application wait behind
 * them as usual.
 *
 * If the lease runs out before the owner acts, the worker claims the operation again and this function finds the
 * task still open: it extends the wait (now + grace) instead of opening a second task (one task per operation).
 * The owner's confirmation (manual-tasks.ts) records the success; remindOverdueTasks runs on the worker's schedule.
 */
import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, applicationOwners, entitlements, manualTasks, operations, people, type Application, type Operation } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { DEFAULT_GRACE_HOURS, manualInstructions, manualSla, parseManualConfig } from "@/lib/connectors/manual";

const REMIND_EVERY_MS = 24 * 3_600_000;

/** Open (or keep waiting on) the owner's task for a claimed operation. Fenced on the claimed attempt. */
export async function openManualTask(db: Queryable, op: Operation, app: Application, now = new Date()): Promise<"waiting" | "stale"> {
  return db.transaction(async (tx) => {
    const [open] = await tx.select().from(manualTasks).where(and(eq(manualTasks.operationId, op.id), eq(manualTasks.status, "open")));
    const fence = and(eq(operations.id, op.id), eq(operations.status, "running"), eq(operations.attempts, op.attempts));
    if (open) {
      const grace = (parseManualConfig(app.config).graceHours ?? DEFAULT_GRACE_HOURS) * 3_600_000;
      const leaseUntil = new Date(Math.max(open.dueAt.getTime(), now.getTime()) + grace);
      const r = await tx.update(operations).set({ leaseUntil, result: { manualTaskId: open.id, waitingForOwner: true, dueAt: open.dueAt.toISOString() } }).where(fence).returning({ id: operations.id });
      return r.length ? ("waiting" as const) : ("stale" as const);
    }
    const { dueAt, leaseUntil } = manualSla(app.config, now);
    const [[owner], [person], [account], [ent]] = await Promise.all([
      tx.select({ id: applicationOwners.personId }).from(applicationOwners).where(eq(applicationOwners.applicationId, app.id)).orderBy(asc(applicationOwners.personId)).limit(1),
      op.personId ? tx.select({ name: people.displayName }).from(people).where(eq(people.id, op.personId)) : Promise.resolve([]),
      op.personId
        ? tx.select({ username: accounts.username }).from(accounts).where(and(eq(accounts.applicationId, app.id), eq(accounts.personId, op.personId), sql`${accounts.status} <> 'deleted'`)).limit(1)
        : op.accountId
          ? tx.select({ username: accounts.username }).from(accounts).where(eq(accounts.id, op.accountId))
          : Promise.resolve([]),
      op.entitlementId ? tx.select({ name: entitlements.name }).from(entitlements).where(eq(entitlements.id, op.entitlementId)) : Promise.resolve([]),
    ]);
    const spec = (op.payload as { spec?: { userName?: string } }).spec;
    const cfg = parseManualConfig(app.config);
    const instructions = manualInstructions({
      kind: op.kind,
      applicationName: app.name,
      personName: person?.name ?? null,
      userName: account?.username ?? spec?.userName ?? null,
      entitlementName: ent?.name ?? null,
      extra: cfg.instructions,
    });
    const [task] = await tx.insert(manualTasks).values({ operationId: op.id, applicationId: app.id, assigneeId: owner?.id ?? null, instructions, dueAt }).returning();
    const r = await tx
      .update(operations)
      .set({ leaseUntil, lastError: null, result: { manualTaskId: task!.id, waitingForOwner: true, dueAt: dueAt.toISOString() } })
      .where(fence)
      .returning({ id: operations.id });
    if (r.length === 0) throw new StaleClaim(); // rolls the task back: the newer attempt opens it
    await recordAudit(tx, {
      actorKind: "worker",
      action: "manual_task.opened",
      targetKind: "manual_task",
      targetId: task!.id,
      data: { operationId: op.id, kind: op.kind, application: app.key, personId: op.personId, assigneeId: owner?.id ?? null, dueAt: dueAt.toISOString() },
    });
    return "waiting" as const;
  }).catch((e) => {
    if (e instanceof StaleClaim) return "stale" as const;
    throw e;
  });
}

class StaleClaim extends Error {}

/**
 * Reminders for open tasks past their due time: at most one per task per 24 h, recorded as an audit event
 * (`manual_task.reminder`, naming the assignee) that the portal's task list and notifications read. Returns how
 * many reminders were sent. Safe to run from several workers at once (the UPDATE's WHERE is the lock).
 */
export async function remindOverdueTasks(db: Queryable, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .update(manualTasks)
      .set({ remindedAt: now })
      .where(and(eq(manualTasks.status, "open"), lt(manualTasks.dueAt, now), or(isNull(manualTasks.remindedAt), lt(manualTasks.remindedAt, new Date(now.getTime() - REMIND_EVERY_MS)))))
      .returning();
    if (due.length === 0) return 0;
    const ops = await tx.select({ id: operations.id, kind: operations.kind, personId: operations.personId }).from(operations).where(inArray(operations.id, due.map((d) => d.operationId)));
    const byId = new Map(ops.map((o) => [o.id, o]));
    await recordAudit(
      tx,
      due.map((t) => ({
        actorKind: "worker" as const,
        action: "manual_task.reminder",
        targetKind: "manual_task",
        targetId: t.id,
        data: { assigneeId: t.assigneeId, applicationId: t.applicationId, operationId: t.operationId, kind: byId.get(t.operationId)?.kind, dueAt: t.dueAt.toISOString(), overdueHours: Math.floor((now.getTime() - t.dueAt.getTime()) / 3_600_000) },
      })),
    );
    return due.length;
  });
}
