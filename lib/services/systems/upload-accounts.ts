/**
 * uploadAccountList (the application's owners, or admins): reconcile a MANUAL system from an uploaded CSV of its
 * accounts (lib/connectors/manual.ts parseAccountCsv: username[, active][, entitlements;…]). The list goes through
 * the ordinary reconciliation (reconcileApplication with a ManualConnector over the list), so drift, orphans and
 * lastReconciledAt mean the same as for a real connector; then every `done` task of that system whose change the
 * list shows is marked `verified`:
 *   create_account / enable → the user is listed and active     disable → listed inactive, or absent
 *   delete → absent     grant → listed holding the entitlement     revoke → not holding it (or absent)
 *   update_account / revoke_sessions → listed (the list cannot show more)
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { accounts, applicationOwners, applications, entitlements, manualTasks, operations, type Application } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { has } from "@/lib/auth/can";
import { ManualConnector, parseAccountCsv } from "@/lib/connectors/manual";
import { ConnectorError, type TargetAccount } from "@/lib/domain/connector";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { reconcileApplication, type ReconcileReport } from "@/lib/services/provisioning/reconcile";

const input = z.object({ applicationId: z.string().uuid(), csv: z.string().max(20_000_000, "The file is too large (20 MB at most)") });

export async function uploadAccountList({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<ReconcileReport & { verifiedTasks: number }> {
  const p = input.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid upload.");
  const [app] = await ctx.db.select().from(applications).where(eq(applications.id, p.data.applicationId));
  if (!app) throw new NotFoundError("No such application.");
  const owners = await ctx.db.select({ id: applicationOwners.personId }).from(applicationOwners).where(eq(applicationOwners.applicationId, app.id));
  if (!has(ctx.actor, "admin") && !owners.some((o) => o.id === ctx.actor.personId)) throw new ForbiddenError("Only the application's owners or an administrator can upload its account list.");
  if (app.connectorKind !== "manual") throw new ConflictError(`${app.name} is reconciled through its ${app.connectorKind} connector, not by upload.`);
  let list: TargetAccount[];
  try {
    list = parseAccountCsv(p.data.csv);
  } catch (e) {
    if (e instanceof ConnectorError) throw new ValidationError(e.message);
    throw e;
  }
  const report = await reconcileApplication(ctx.db, app, new ManualConnector(list));
  const verifiedTasks = await verifyManualTasks(ctx.db, app, list);
  return { ...report, verifiedTasks };
}

/** Mark `done` tasks of the application verified when the list shows their change. Returns how many. */
export async function verifyManualTasks(db: Queryable, app: Application, list: TargetAccount[], now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const done = await tx
      .select({ taskId: manualTasks.id, op: operations })
      .from(manualTasks)
      .innerJoin(operations, eq(operations.id, manualTasks.operationId))
      .where(and(eq(manualTasks.applicationId, app.id), eq(manualTasks.status, "done")));
    if (done.length === 0) return 0;
    const personIds = [...new Set(done.map((d) => d.op.personId).filter((x): x is string => Boolean(x)))];
    const entIds = [...new Set(done.map((d) => d.op.entitlementId).filter((x): x is string => Boolean(x)))];
    const [accs, ents] = await Promise.all([
      personIds.length ? tx.select({ personId: accounts.personId, username: accounts.username }).from(accounts).where(and(eq(accounts.applicationId, app.id), inArray(accounts.personId, personIds))) : Promise.resolve([]),
      entIds.length ? tx.select({ id: entitlements.id, externalId: entitlements.externalId }).from(entitlements).where(inArray(entitlements.id, entIds)) : Promise.resolve([]),
    ]);
    const listed = new Map(list.map((a) => [a.userName.toLowerCase(), a]));
    const entExt = new Map(ents.map((e) => [e.id, e.externalId]));
    const verified: Array<{ taskId: string; opId: string; kind: string }> = [];
    for (const { taskId, op } of done) {
      const result = (op.result ?? {}) as { userName?: string };
      const names = [result.userName, ...accs.filter((a) => a.personId === op.personId).map((a) => a.username)].filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase());
      const t = names.map((n) => listed.get(n)).find(Boolean) ?? null;
      const ext = op.entitlementId ? entExt.get(op.entitlementId) : undefined;
      const ok = (() => {
        switch (op.kind) {
          case "create_account":
          case "enable":
            return Boolean(t?.active);
          case "disable":
            return !t || !t.active;
          case "delete":
            return !t;
          case "grant":
            return Boolean(t && ext && t.entitlements.includes(ext));
          case "revoke":
            return !t || !ext || !t.entitlements.includes(ext);
          default:
            return Boolean(t);
        }
      })();
      if (ok) verified.push({ taskId, opId: op.id, kind: op.kind });
    }
    if (verified.length === 0) return 0;
    await tx.update(manualTasks).set({ status: "verified", verifiedAt: now }).where(inArray(manualTasks.id, verified.map((v) => v.taskId)));
    await recordAudit(tx, verified.map((v) => ({ actorKind: "system" as const, action: "manual_task.verified", targetKind: "manual_task", targetId: v.taskId, data: { operationId: v.opId, kind: v.kind, application: app.key, by: "account list upload" } })));
    return verified.length;
  });
}
