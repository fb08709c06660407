/**
 * Held runs (mass-change guard): admins list them, read one's changes, and release it (the stored input runs now,
 * with the guard off, and the held run records what it did) or cancel it (nothing runs). Both decisions are audited
 * in the same transaction as their effect; a run is decided once (a conditional update on status = 'held' makes a
 * second release or a release racing a cancel a clear conflict, never a double execution).
 */
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { heldRuns, type HeldRun } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { auditActorOf } from "@/lib/services/systems/save-system";

const idInput = z.object({ id: z.string().uuid() });
const decideInput = z.object({ id: z.string().uuid(), note: z.string().trim().max(1000).optional() });

export async function listHeldRuns({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<Array<Omit<HeldRun, "changes" | "input">>> {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can see held runs.");
  const p = z.object({ status: z.enum(["held", "released", "cancelled"]).optional() }).safeParse(input ?? {});
  const status = p.success ? p.data.status : undefined;
  const rows = await ctx.db
    .select({
      id: heldRuns.id, kind: heldRuns.kind, status: heldRuns.status, title: heldRuns.title, summary: heldRuns.summary, result: heldRuns.result,
      createdById: heldRuns.createdById, createdAt: heldRuns.createdAt, decidedById: heldRuns.decidedById, decidedAt: heldRuns.decidedAt, decisionNote: heldRuns.decisionNote,
    })
    .from(heldRuns)
    .where(status ? eq(heldRuns.status, status) : undefined)
    .orderBy(desc(heldRuns.createdAt))
    .limit(200);
  return rows;
}

export async function getHeldRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<HeldRun> {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can see held runs.");
  const p = idInput.safeParse(input);
  if (!p.success) throw new NotFoundError("No such held run.");
  const [row] = await ctx.db.select().from(heldRuns).where(eq(heldRuns.id, p.data.id));
  if (!row) throw new NotFoundError("No such held run.");
  return row;
}

/** Run the stored input of a held run, guard off, in the caller's transaction. Returns what it did. */
async function execute(ctx: Ctx, tx: Ctx["db"], run: HeldRun, now: Date): Promise<Record<string, unknown>> {
  const who = auditActorOf(ctx);
  switch (run.kind) {
    case "reconcile": {
      const p = z.object({ applicationId: z.string().uuid(), personIds: z.array(z.string().uuid()) }).safeParse(run.input);
      if (!p.success) throw new ValidationError("The held run's input is no longer valid.");
      const { planHeldRemediation } = await import("@/lib/services/provisioning/reconcile");
      return planHeldRemediation(tx, p.data.applicationId, p.data.personIds, now);
    }
    case "role.file": {
      const { applyHeldRoles } = await import("@/lib/services/systems/apply-file");
      const r = await applyHeldRoles(tx, run.input, who, now);
      return { ...r.access };
    }
    default:
      throw new ValidationError(`Held runs of kind "${run.kind}" are released by their own verb.`);
  }
}

/** Kinds whose verb opens its own transaction: run with the guard off. */
async function executeOwnTransaction(ctx: Ctx, run: HeldRun): Promise<Record<string, unknown>> {
  if (run.kind === "role.change") {
    const { applyRoleChange } = await import("@/lib/services/roles/apply-role-change");
    const r = await applyRoleChange({ ctx, input: run.input }, { guard: false });
    return { added: r.added, scheduledForRemoval: r.scheduledForRemoval, ruleBacked: r.ruleBacked, operations: r.operations, byKind: r.byKind };
  }
  if (run.kind === "lifecycle.sweep") {
    const { runLifecycleSweep } = await import("@/lib/services/lifecycle/sweep");
    const days = Number((run.input as { moverOverlapDays?: unknown }).moverOverlapDays ?? 7);
    const r = await runLifecycleSweep(ctx.db, nowOf(ctx), { moverOverlapDays: Number.isFinite(days) ? days : 7, guard: false });
    if (r.skipped === "locked") throw new ConflictError("Another sweep is running: release again in a moment.");
    return { leavers: r.leavers.length, joiners: r.joiners.length, expiredGrants: r.expiredGrants, revoked: r.revoked, operations: r.operations };
  }
  const stored = run.input as { input?: unknown; records?: unknown; rowErrors?: unknown };
  if (!stored.input || !Array.isArray(stored.records)) throw new ValidationError("The held run's input is no longer valid.");
  const { applyHrRecords } = await import("@/lib/services/lifecycle/apply-hr-records");
  const r = await applyHrRecords(
    { ctx, input: stored.input, records: stored.records as never, rowErrors: (Array.isArray(stored.rowErrors) ? stored.rowErrors : []) as never },
    { guard: false },
  );
  return { created: r.created, updated: r.updated, events: r.events.length, ...r.access, operations: r.operations, byKind: r.operationsByKind ?? {} };
}

export async function releaseHeldRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string; result: Record<string, unknown> }> {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can release held runs.");
  const p = decideInput.safeParse(input);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid request");
  const now = nowOf(ctx);
  const who = auditActorOf(ctx);
  const [run] = await ctx.db.select().from(heldRuns).where(eq(heldRuns.id, p.data.id));
  if (!run) throw new NotFoundError("No such held run.");
  if (run.status !== "held") throw new ConflictError(`This run was already ${run.status}.`);
  let result: Record<string, unknown>;
  if (run.kind === "role.change" || run.kind === "hr.import" || run.kind === "lifecycle.sweep") {
    // These verbs open their own transaction; the claim below makes a concurrent second release a conflict.
    const claimed = await ctx.db.update(heldRuns).set({ status: "released", decidedById: who.actorId, decidedAt: now, decisionNote: p.data.note ?? null }).where(and(eq(heldRuns.id, run.id), eq(heldRuns.status, "held"))).returning({ id: heldRuns.id });
    if (!claimed.length) throw new ConflictError("This run was already decided.");
    try {
      result = await executeOwnTransaction(ctx, run);
    } catch (e) {
      await ctx.db.update(heldRuns).set({ status: "held", decidedById: null, decidedAt: null, decisionNote: null }).where(eq(heldRuns.id, run.id));
      throw e;
    }
    await ctx.db.transaction(async (tx) => {
      await tx.update(heldRuns).set({ result }).where(eq(heldRuns.id, run.id));
      await recordAudit(tx, { ...who, action: "run.released", targetKind: "held_run", targetId: run.id, data: { kind: run.kind, title: run.title, note: p.data.note ?? null, result } });
    });
  } else {
    result = await ctx.db.transaction(async (tx) => {
      const claimed = await tx.update(heldRuns).set({ status: "released", decidedById: who.actorId, decidedAt: now, decisionNote: p.data.note ?? null }).where(and(eq(heldRuns.id, run.id), eq(heldRuns.status, "held"))).returning({ id: heldRuns.id });
      if (!claimed.length) throw new ConflictError("This run was already decided.");
      const r = await execute(ctx, tx, run, now);
      await tx.update(heldRuns).set({ result: r }).where(eq(heldRuns.id, run.id));
      await recordAudit(tx, { ...who, action: "run.released", targetKind: "held_run", targetId: run.id, data: { kind: run.kind, title: run.title, note: p.data.note ?? null, result: r } });
      return r;
    });
  }
  if (Number(result.operations ?? 0) > 0) {
    const { wakeDispatcher } = await import("@/lib/jobs/wake");
    wakeDispatcher();
  }
  return { id: run.id, result };
}

export async function cancelHeldRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string }> {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can cancel held runs.");
  const p = decideInput.safeParse(input);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid request");
  const who = auditActorOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(heldRuns)
      .set({ status: "cancelled", decidedById: who.actorId, decidedAt: nowOf(ctx), decisionNote: p.data.note ?? null })
      .where(and(eq(heldRuns.id, p.data.id), eq(heldRuns.status, "held")))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ status: heldRuns.status }).from(heldRuns).where(eq(heldRuns.id, p.data.id));
      if (!exists) throw new NotFoundError("No such held run.");
      throw new ConflictError(`This run was already ${exists.status}.`);
    }
    await recordAudit(tx, { ...who, action: "run.cancelled", targetKind: "held_run", targetId: row.id, data: { kind: row.kind, title: row.title, note: p.data.note ?? null, summary: row.summary } });
    return { id: row.id };
  });
}
