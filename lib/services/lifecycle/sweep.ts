/**
 * The scheduled lifecycle sweep: what changes with the calendar alone, with no HR message.
 *
 * Input: the database and `now`. In ONE transaction (serialised across processes by a transaction-scoped
 * advisory lock, so two workers sweeping at once do the work once):
 * 1. due leavers (lib/domain/lifecycle dueLeavers: not terminated, end date passed) → status terminated,
 *    hr_events(kind leaver, source schedule), all access revoked (syncBirthrightGrants);
 * 2. pre-hires whose start date has arrived → active, hr_events(kind joiner, source schedule); the planner
 *    enables the accounts that were created disabled;
 * 3. grants past expiresAt → expired (expireGrants);
 * 4. terminated people whose disabled accounts have passed their application's retention → re-planned, so the
 *    planner emits the deletes;
 * 5. planPeople for everyone above, in the same transaction (outbox);
 * 6. leavers (any source) who still hold the portal role "admin" → a notification to every security person
 *    and one audit event "lifecycle.admin_left" per leaver event (never twice for the same event);
 * 7. hr_events still "planned" whose person has no open operation left → "completed" (completedAt = the
 *    last operation of that person finished after the event, else now).
 *
 * Mass-change guard: when the sweep's removals (leavers' grants, expired grants, disables and deletes) exceed the
 * thresholds, it is held (rolled back, stored in held_runs) and later sweeps are skipped while it waits, so nothing
 * of it runs until an admin releases it (the sweep then runs at once with the guard off) or cancels it.
 *
 * Idempotent: every step selects only what is still due, hr_events carry idempotency keys
 * (`schedule:<kind>:<person>:<date>`, unique index), planPeople dedupes open operations. A sweep with nothing
 * to do writes nothing (no audit noise every minute). Complexity: a few indexed queries plus O(changed people).
 */
import { inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { heldRuns, hrEvents, notifications, people } from "@/db/schema";
import { recordAudit, type AuditInput } from "@/lib/audit";
import { dueLeavers, type HrPerson } from "@/lib/domain/lifecycle";
import { expireGrants, syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import { assessRemovals, countKinds, HoldRun, holdRun, removalsOfPlan, type Removal } from "@/lib/services/guard/mass-change";
import { planPeople } from "@/lib/services/provisioning/plan";
import { bumpSessionVersions } from "@/lib/services/people/session-version";
import { sweepAgents, type AgentSweep } from "@/lib/services/agents/agents";
import { rowsOf } from "@/db/client";

export type SweepResult = {
  skipped?: "locked" | "held";
  /** Held by the mass-change guard (this run, or an earlier one still waiting for an admin). */
  held?: { id: string; reasons: string[] };
  leavers: Array<{ personId: string; employeeId: string; endDate: string | null }>;
  joiners: Array<{ personId: string; employeeId: string; startDate: string | null }>;
  expiredGrants: number;
  retentionPeople: number;
  revoked: number;
  operations: number;
  adminsFlagged: Array<{ personId: string; hrEventId: string }>;
  completedEvents: number;
  /** Agents whose sponsor left (succession) or that expired or lost every sponsor (disabled). */
  agents?: AgentSweep;
};

/** One lock id for the sweep (any constant bigint; named for grep-ability). */
const SWEEP_LOCK = sql`hashtext('gatehouse.lifecycle.sweep')`;

export async function runLifecycleSweep(db: Queryable, now: Date = new Date(), opts: { moverOverlapDays?: number; guard?: boolean } = {}): Promise<SweepResult> {
  const today = now.toISOString().slice(0, 10);
  const empty = (): SweepResult => ({ leavers: [], joiners: [], expiredGrants: 0, retentionPeople: 0, revoked: 0, operations: 0, adminsFlagged: [], completedEvents: 0 });
  let result: SweepResult;
  try {
    result = await db.transaction(async (tx) => {
      const res: SweepResult = empty();
      const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}) AS ok`));
      if (!lock?.ok) return { ...res, skipped: "locked" as const };
      if (opts.guard !== false) {
        const [waiting] = await tx.select({ id: heldRuns.id }).from(heldRuns).where(sql`${heldRuns.kind} = 'lifecycle.sweep' AND ${heldRuns.status} = 'held'`).limit(1);
        if (waiting) return { ...res, skipped: "held" as const, held: { id: waiting.id, reasons: ["an earlier sweep is held for an admin's release"] } };
      }

      // 1. Due leavers: the SQL narrows, the domain rule decides (one definition of "due").
      const candidates = await tx
        .select()
        .from(people)
        .where(sql`${people.status} <> 'terminated' AND ${people.endDate} IS NOT NULL AND ${people.endDate} < ${today}`);
      const leavers = dueLeavers(
        candidates.map((p) => ({ ...p, managerEmployeeId: null }) as HrPerson & { id: string; status: typeof p.status; endDate: string | null }),
        today,
      ) as unknown as typeof candidates;
      // 2. Pre-hires whose first day has come.
      const joiners = await tx.select().from(people).where(sql`${people.status} = 'pre_hire' AND ${people.startDate} IS NOT NULL AND ${people.startDate} <= ${today}`);

      const eventRows: Array<typeof hrEvents.$inferInsert> = [];
      if (leavers.length) {
        await tx.update(people).set({ status: "terminated", updatedAt: now }).where(inArray(people.id, leavers.map((p) => p.id)));
        await bumpSessionVersions(tx, leavers.map((p) => p.id)); // a leaver's sessions end now
        for (const p of leavers) {
          res.leavers.push({ personId: p.id, employeeId: p.employeeId, endDate: p.endDate });
          eventRows.push({
            personId: p.id, kind: "leaver", source: "schedule", status: "planned", effectiveAt: now, receivedAt: now,
            changes: { status: { from: p.status, to: "terminated" }, endDate: { from: p.endDate, to: p.endDate } },
            idempotencyKey: `schedule:leaver:${p.id}:${p.endDate}`,
          });
        }
      }
      if (joiners.length) {
        await tx.update(people).set({ status: "active", updatedAt: now }).where(inArray(people.id, joiners.map((p) => p.id)));
        for (const p of joiners) {
          res.joiners.push({ personId: p.id, employeeId: p.employeeId, startDate: p.startDate });
          eventRows.push({
            personId: p.id, kind: "joiner", source: "schedule", status: "planned", effectiveAt: now, receivedAt: now,
            changes: { status: { from: "pre_hire", to: "active" } },
            idempotencyKey: `schedule:joiner:${p.id}:${p.startDate}`,
          });
        }
      }
      if (eventRows.length) await tx.insert(hrEvents).values(eventRows).onConflictDoNothing();

      const changedIds = [...leavers, ...joiners].map((p) => p.id);
      const changes = await syncBirthrightGrants(tx, changedIds, { now, moverOverlapDays: opts.moverOverlapDays ?? 7, actorId: null });
      for (const c of changes) res.revoked += c.revoked.length;

      // 2b. Agents: sponsors who left hand over to their manager (or a backup); expired or sponsorless agents are
      // disabled (tokens revoked, grants revoked, accounts planned for disabling).
      const agents = await sweepAgents(tx, now);
      res.agents = agents;

      // 3. Expiry.
      const expired = await expireGrants(tx, now);
      res.expiredGrants = expired.length;

      // 4. Leavers whose disabled accounts passed retention: the planner emits the delete.
      const retention = rowsOf<{ person_id: string }>(
        await tx.execute(sql`
          SELECT DISTINCT a.person_id FROM accounts a
          JOIN applications ap ON ap.id = a.application_id
          JOIN people p ON p.id = a.person_id
          WHERE p.status = 'terminated' AND a.status = 'disabled' AND a.disabled_at IS NOT NULL
            AND a.disabled_at + make_interval(days => ap.retention_days) <= ${now.toISOString()}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.account_id = a.id AND o.kind = 'delete' AND o.status IN ('pending','queued','running','failed'))`),
      ).map((r) => r.person_id);
      res.retentionPeople = retention.length;

      // 5. One plan for everyone touched.
      const toPlan = [...new Set([...changedIds, ...expired.map((g) => g.personId), ...retention])];
      const planned = toPlan.length ? await planPeople(tx, toPlan, { kind: "lifecycle.sweep", id: today }, now) : { operationIds: [], created: [] };
      res.operations = planned.operationIds.length + agents.operationIds.length;
      const removals: Removal[] = [
        ...changes.flatMap((c) => c.revoked.map((e) => ({ kind: "grant.revoked" as const, personId: c.personId, entitlementId: e }))),
        ...expired.map((g) => ({ kind: "grant.revoked" as const, personId: g.personId, entitlementId: g.entitlementId })),
        ...removalsOfPlan(planned.created),
      ];
      const verdict = await assessRemovals(tx, removals);
      if (verdict.held && opts.guard !== false) throw new HoldRun(verdict, removals, { leavers: res.leavers.length, expiredGrants: res.expiredGrants, operations: res.operations, ...countKinds(planned.created) });

      // 6. Admins who left (from any HR source), flagged once per leaver event.
      const adminLeavers = rowsOf<{ event_id: string; person_id: string; display_name: string; employee_id: string; source: string }>(
        await tx.execute(sql`
          SELECT e.id AS event_id, p.id AS person_id, p.display_name, p.employee_id, e.source
          FROM hr_events e
          JOIN people p ON p.id = e.person_id AND p.status = 'terminated'
          JOIN portal_role_assignments r ON r.person_id = p.id AND r.role = 'admin'
          WHERE e.kind = 'leaver'
            AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.action = 'lifecycle.admin_left' AND a.target_id = p.id::text AND a.data->>'hrEventId' = e.id::text)`),
      );
      const audit: AuditInput[] = [];
      if (adminLeavers.length) {
        const security = await tx.execute(sql`SELECT person_id FROM portal_role_assignments r JOIN people p ON p.id = r.person_id WHERE r.role = 'security' AND p.status <> 'terminated'`);
        const securityIds = rowsOf<{ person_id: string }>(security).map((r) => r.person_id);
        const notes: Array<typeof notifications.$inferInsert> = [];
        for (const a of adminLeavers) {
          res.adminsFlagged.push({ personId: a.person_id, hrEventId: a.event_id });
          for (const s of securityIds) {
            notes.push({
              personId: s, kind: "lifecycle.admin_left", link: `/people/${a.person_id}`,
              title: `Administrator left: ${a.display_name} (${a.employee_id})`,
              body: "A Gatehouse administrator is now a leaver. Their access is being removed; check their recent admin actions and remove their portal role.",
            });
          }
          audit.push({
            actorKind: "system", action: "lifecycle.admin_left", targetKind: "person", targetId: a.person_id,
            data: { hrEventId: a.event_id, employeeId: a.employee_id, source: a.source, notified: securityIds },
          });
        }
        if (notes.length) await tx.insert(notifications).values(notes);
      }

      // 7. Close HR events whose consequences have all run.
      const completed = rowsOf<{ id: string }>(
        await tx.execute(sql`
          UPDATE hr_events e SET status = 'completed',
            completed_at = COALESCE((SELECT max(o.finished_at) FROM operations o WHERE o.person_id = e.person_id AND o.created_at >= e.received_at), ${now.toISOString()}::timestamptz)
          WHERE e.status = 'planned' AND e.received_at <= ${now.toISOString()}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.person_id = e.person_id AND o.status IN ('pending','queued','running','failed'))
          RETURNING e.id`),
      );
      res.completedEvents = completed.length;

      for (const p of res.leavers) {
        audit.push({ actorKind: "system", action: "hr.leaver", targetKind: "person", targetId: p.personId, data: { employeeId: p.employeeId, source: "schedule", reason: `end date ${p.endDate} has passed` } });
      }
      for (const p of res.joiners) {
        audit.push({ actorKind: "system", action: "hr.joiner", targetKind: "person", targetId: p.personId, data: { employeeId: p.employeeId, source: "schedule", reason: `start date ${p.startDate} reached` } });
      }
      const didSomething = res.leavers.length + res.joiners.length + res.expiredGrants + res.operations + res.adminsFlagged.length + agents.succeeded.length + agents.disabled.length > 0;
      if (didSomething) {
        audit.push({
          actorKind: "system", action: "lifecycle.sweep", targetKind: "lifecycle", targetId: today,
          data: {
            leavers: res.leavers.length, joiners: res.joiners.length, expiredGrants: res.expiredGrants, retentionPeople: res.retentionPeople,
            revoked: res.revoked, operations: res.operations, adminsFlagged: res.adminsFlagged.length, completedEvents: res.completedEvents,
            agentsSucceeded: agents.succeeded.length, agentsDisabled: agents.disabled.length,
          },
        });
      }
      await recordAudit(tx, audit);
      return res;
    });
  } catch (e) {
    if (!(e instanceof HoldRun)) throw e;
    const hold = e;
    const id = await db.transaction((tx) =>
      holdRun(tx, { kind: "lifecycle.sweep", title: `Lifecycle sweep of ${today}`, input: { moverOverlapDays: opts.moverOverlapDays ?? 7 }, actorId: null, actorKind: "system", hold }),
    );
    return { ...empty(), skipped: "held", held: { id, reasons: hold.verdict.reasons } };
  }
  if (result.operations > 0) {
    const { wakeDispatcher } = await import("@/lib/jobs/wake");
    wakeDispatcher();
  }
  return result;
}
