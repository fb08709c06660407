/**
 * One idempotent pipeline for every HR source (CSV snapshot, signed webhook, inbound SCIM):
 * records → upsert people → detect lifecycle events → desired birthright grants → planned
 * operations, all in ONE transaction with their audit events. A dry run does the same work
 * and rolls it back, so the preview shows exactly what applying would do.
 *
 * A person missing from a snapshot is NOT treated as a leaver: HR must say so (status or
 * end date). Unknown managers are row errors. Errors change nothing unless `onlyValid`.
 */
import { inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { hrEvents, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import type { HrRecord, RowError } from "@/lib/domain/hr-import";
import { detectEvents, type HrPerson, type LifecycleEvent } from "@/lib/domain/lifecycle";
import { ForbiddenError } from "@/lib/errors";
import { syncBirthrightGrants, type BirthrightChange } from "@/lib/services/access/sync-birthright";
import { createMoverReview } from "@/lib/services/lifecycle/mover-review";
import { planPeople } from "@/lib/services/provisioning/plan";
import type { Ctx } from "@/lib/services/context";

export const applyHrInput = z.object({
  source: z.enum(["csv", "webhook", "scim", "admin"]),
  dryRun: z.boolean().default(false),
  onlyValid: z.boolean().default(false),
  moverOverlapDays: z.number().int().min(0).max(365).default(7),
  idempotencyKey: z.string().max(200).optional(),
  today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

export type ApplyHrResult = {
  dryRun: boolean;
  applied: boolean;
  errors: RowError[];
  created: number;
  updated: number;
  unchanged: number;
  events: Array<{ employeeId: string; personId: string; kind: LifecycleEvent["kind"]; reason: string; changes: LifecycleEvent["changes"] }>;
  access: { added: number; scheduledForRemoval: number; revoked: number };
  operations: number;
  duplicate?: boolean;
};

class Rollback extends Error {
  constructor(public readonly result: ApplyHrResult) {
    super("dry run");
  }
}

const SAME_FIELDS = ["givenName", "familyName", "email", "department", "title", "level", "location", "employmentType", "status", "startDate", "endDate", "costCenter"] as const;

export async function applyHrRecords({ ctx, input: raw, records, rowErrors = [] }: { ctx: Ctx; input: unknown; records: HrRecord[]; rowErrors?: RowError[] }): Promise<ApplyHrResult> {
  if (!can(ctx.actor, "hr.import")) throw new ForbiddenError("Only admins and authenticated HR sources can change people.");
  const input = applyHrInput.parse(raw);
  const today = input.today ?? new Date().toISOString().slice(0, 10);
  const now = new Date();
  const actorId = ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId;

  const run = async (): Promise<ApplyHrResult> =>
    ctx.db.transaction(async (tx) => {
      if (input.idempotencyKey) {
        const seen = await tx.select({ id: hrEvents.id }).from(hrEvents).where(sql`${hrEvents.idempotencyKey} LIKE ${input.idempotencyKey + ":%"}`).limit(1);
        const seenBatch = await tx.execute(sql`SELECT 1 FROM audit_events WHERE action = 'hr.batch_applied' AND data->>'idempotencyKey' = ${input.idempotencyKey} LIMIT 1`);
        const batchRows = Array.isArray(seenBatch) ? seenBatch : (seenBatch as { rows: unknown[] }).rows;
        if (seen.length || batchRows.length) {
          return { dryRun: input.dryRun, applied: false, duplicate: true, errors: [], created: 0, updated: 0, unchanged: records.length, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0 };
        }
      }
      const errors: RowError[] = [...rowErrors];
      const ids = records.map((r) => r.employeeId);
      const mgrIds = records.map((r) => r.managerEmployeeId).filter((x): x is string => Boolean(x));
      const existing = new Map<string, typeof people.$inferSelect>();
      const allIds = [...new Set([...ids, ...mgrIds])];
      for (let i = 0; i < allIds.length; i += 1000) {
        for (const p of await tx.select().from(people).where(inArray(people.employeeId, allIds.slice(i, i + 1000)))) existing.set(p.employeeId, p);
      }
      const byIdInFile = new Set(ids);
      const empOfId = new Map<string, string>([...existing.values()].map((p) => [p.id, p.employeeId]));
      for (const r of records) {
        if (r.managerEmployeeId && !byIdInFile.has(r.managerEmployeeId) && !existing.has(r.managerEmployeeId)) {
          errors.push({ line: r.line, column: "manager", message: `manager "${r.managerEmployeeId}" is neither in the file nor in Gatehouse` });
        }
        if (r.managerEmployeeId === r.employeeId) errors.push({ line: r.line, column: "manager", message: "a person cannot be their own manager" });
      }
      const badLines = new Set(errors.map((e) => e.line));
      if (errors.length && !input.onlyValid) {
        return { dryRun: input.dryRun, applied: false, errors, created: 0, updated: 0, unchanged: 0, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0 };
      }
      const good = records.filter((r) => !badLines.has(r.line));

      // Pass 1: upsert people without managers (a manager may be a new row of the same file).
      const result: ApplyHrResult = { dryRun: input.dryRun, applied: !input.dryRun, errors, created: 0, updated: 0, unchanged: 0, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0 };
      const changedPersonIds: string[] = [];
      const pendingManagers: Array<{ personId: string; managerEmployeeId: string | null }> = [];
      const eventRows: Array<typeof hrEvents.$inferInsert> = [];
      for (const r of good) {
        const before = existing.get(r.employeeId) ?? null;
        const beforeHr: HrPerson | null = before
          ? { ...before, managerEmployeeId: before.managerId ? (empOfId.get(before.managerId) ?? null) : null }
          : null;
        const afterHr: HrPerson = { ...r };
        const events = detectEvents(beforeHr, afterHr, today);
        // Contractors past their end date and people HR says have left: status follows the effective one.
        const status = events.some((e) => e.kind === "leaver") ? "terminated" : events.some((e) => e.kind === "joiner") ? "active" : events.some((e) => e.kind === "pre_hire") ? "pre_hire" : events.some((e) => e.kind === "rehire") ? (r.startDate && r.startDate > today ? "pre_hire" : "active") : r.status;
        const values = {
          employeeId: r.employeeId, givenName: r.givenName, familyName: r.familyName, displayName: `${r.givenName} ${r.familyName}`,
          email: r.email, department: r.department, title: r.title, level: r.level, location: r.location, costCenter: r.costCenter,
          employmentType: r.employmentType, status, startDate: r.startDate, endDate: r.endDate,
        };
        let personId: string;
        if (!before) {
          const [row] = await tx.insert(people).values({ ...values, attributes: r.attributes }).returning({ id: people.id });
          personId = row.id;
          existing.set(r.employeeId, { ...values, id: personId } as unknown as typeof people.$inferSelect);
          empOfId.set(personId, r.employeeId);
          result.created++;
        } else {
          personId = before.id;
          const same = SAME_FIELDS.every((f) => String((before as Record<string, unknown>)[f] ?? "") === String((values as Record<string, unknown>)[f] ?? "")) &&
            (beforeHr?.managerEmployeeId ?? null) === (r.managerEmployeeId ?? null) &&
            // Extra attributes count too: a change only there (e.g. an inbound SCIM externalId) must be stored.
            Object.entries(r.attributes ?? {}).every(([k, v]) => String(before.attributes?.[k] ?? "") === String(v ?? ""));
          if (same && events.length === 0) {
            result.unchanged++;
            continue;
          }
          await tx.update(people).set({ ...values, attributes: { ...(before.attributes ?? {}), ...r.attributes }, updatedAt: now }).where(sql`${people.id} = ${personId}`);
          result.updated++;
        }
        pendingManagers.push({ personId, managerEmployeeId: r.managerEmployeeId });
        changedPersonIds.push(personId);
        for (const e of events) {
          result.events.push({ employeeId: r.employeeId, personId, kind: e.kind, reason: e.reason, changes: e.changes });
          eventRows.push({
            personId, kind: e.kind, source: input.source === "admin" ? "admin" : input.source, changes: e.changes, status: "planned",
            idempotencyKey: input.idempotencyKey ? `${input.idempotencyKey}:${r.employeeId}:${e.kind}` : null,
            effectiveAt: now,
          });
        }
      }
      // Pass 2: managers, now that every row exists.
      for (const m of pendingManagers) {
        const mgr = m.managerEmployeeId ? existing.get(m.managerEmployeeId)?.id ?? null : null;
        await tx.update(people).set({ managerId: mgr }).where(sql`${people.id} = ${m.personId}`);
      }
      for (let i = 0; i < eventRows.length; i += 1000) await tx.insert(hrEvents).values(eventRows.slice(i, i + 1000));

      const changes: BirthrightChange[] = await syncBirthrightGrants(tx, changedPersonIds, { now, moverOverlapDays: input.moverOverlapDays, actorId });
      for (const c of changes) {
        result.access.added += c.added.length;
        result.access.scheduledForRemoval += c.scheduled.length;
        result.access.revoked += c.revoked.length;
      }
      // Movers keeping access outside their new role: their new manager reviews it (same transaction).
      for (const e of result.events) if (e.kind === "mover") await createMoverReview(tx, { personId: e.personId, changes: e.changes, actorId, now });
      if (changedPersonIds.length) {
        const planned = await planPeople(tx, changedPersonIds, { kind: `hr.${input.source}`, id: input.idempotencyKey ?? "batch", actorId });
        result.operations = planned.operationIds.length;
      }
      await recordAudit(tx, [
        ...result.events.map((e) => ({
          actorId, actorKind: (actorId ? "person" : "api") as "person" | "api", action: `hr.${e.kind}`, targetKind: "person", targetId: e.personId,
          data: { employeeId: e.employeeId, source: input.source, reason: e.reason, changes: e.changes },
        })),
        {
          actorId, actorKind: actorId ? "person" : "api", action: "hr.batch_applied", targetKind: "hr_batch", targetId: input.idempotencyKey ?? null,
          data: { source: input.source, idempotencyKey: input.idempotencyKey ?? null, created: result.created, updated: result.updated, unchanged: result.unchanged, events: result.events.length, access: result.access, operations: result.operations, skippedRows: badLines.size },
        },
      ]);
      if (input.dryRun) throw new Rollback(result);
      return result;
    });

  try {
    const result = await run();
    if (result.applied && result.operations > 0) {
      // The outbox rows are committed: wake this process's dispatcher (other workers poll).
      const { wakeDispatcher } = await import("@/lib/jobs/worker");
      wakeDispatcher();
    }
    return result;
  } catch (e) {
    if (e instanceof Rollback) return { ...e.result, applied: false };
    throw e;
  }
}
