/**
 * One idempotent pipeline for every HR source (CSV snapshot, signed webhook, inbound SCIM):
 * records → upsert people → detect lifecycle events → desired birthright grants → planned
 * operations, all in ONE transaction with their audit events. A dry run does the same work
 * and rolls it back, so the preview shows exactly what applying would do.
 *
 * A person missing from a snapshot is NOT treated as a leaver: HR must say so (status or
 * end date). Unknown managers are row errors. Errors change nothing unless `onlyValid`.
 *
 * Ordering: each person keeps the effective time of the last HR change applied (people.last_hr_effective_at).
 * A record's effective time is its own (`effectiveAt`: a CSV as-of column, a webhook event's time), else the
 * batch's `asOf` (a snapshot's export time), else now. Records older than the person's last applied change are
 * skipped with a warning (dry run and result alike), so a stale snapshot cannot undo a newer termination. A CSV or
 * webhook record that would bring a leaver back must be an explicit rehire (lib/domain/lifecycle rehireRefusal).
 * Reserved attribute names (Gatehouse's own fields, e.g. approvalDelegateId) are row errors for every source.
 *
 * Mass-change guard (lib/services/guard): a batch (CSV, webhook or SCIM) whose removals — grants revoked or scheduled
 * for removal, accounts disabled or deleted — exceed the thresholds is held: nothing of it is written but the held
 * run (with the records), until an admin releases it (it then runs with the guard off) or cancels it. A dry run
 * reports whether applying would be held.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Queryable } from "@/db/client";
import { applications, entitlements, hrEvents, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { reservedAttributesIn, type HrRecord, type RowError } from "@/lib/domain/hr-import";
import { detectEvents, effectiveStatus, rehireRefusal, type HrPerson, type LifecycleEvent } from "@/lib/domain/lifecycle";
import { ForbiddenError } from "@/lib/errors";
import { syncBirthrightGrants, type BirthrightChange } from "@/lib/services/access/sync-birthright";
import { createMoverReview } from "@/lib/services/lifecycle/mover-review";
import { assessRemovals, countKinds, HoldRun, holdRun, removalsOfPlan, type Removal } from "@/lib/services/guard/mass-change";
import { planPeople } from "@/lib/services/provisioning/plan";
import { bumpSessionVersions } from "@/lib/services/people/session-version";
import { sweepAgents } from "@/lib/services/agents/agents";
import { nowOf, type Ctx } from "@/lib/services/context";

export const applyHrInput = z.object({
  source: z.enum(["csv", "webhook", "scim", "admin"]),
  dryRun: z.boolean().default(false),
  onlyValid: z.boolean().default(false),
  moverOverlapDays: z.number().int().min(0).max(365).default(7),
  idempotencyKey: z.string().max(200).optional(),
  today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** When the whole batch was true (a snapshot's export time); a record's own effectiveAt wins. Default: now. */
  asOf: z.coerce.date().optional(),
});

export type ApplyHrResult = {
  dryRun: boolean;
  applied: boolean;
  errors: RowError[];
  /** Rows left out on purpose (older than what was already applied; a leaver's row that is not a rehire). */
  warnings: RowError[];
  skipped: number;
  created: number;
  updated: number;
  unchanged: number;
  events: Array<{ employeeId: string; name: string; personId: string; kind: LifecycleEvent["kind"]; reason: string; changes: LifecycleEvent["changes"] }>;
  access: { added: number; scheduledForRemoval: number; revoked: number };
  operations: number;
  /** The planned operations by kind (a dry run's figures are exactly what applying creates). */
  operationsByKind?: Record<string, number>;
  /** Held by the mass-change guard (id; nothing applied) or, for a dry run, would be (id null). */
  held?: { id: string | null; reasons: string[] } | null;
  duplicate?: boolean;
  /** Values accepted but worth a look (a level above every level in Gatehouse, a new department); nothing skipped. */
  notices?: RowError[];
  /** A dry run of a file with errors previews its valid rows only: what "apply only the valid rows" does. */
  validRowsOnly?: boolean;
  /** Access gained and lost per person (entitlement names), in the order of the file. */
  people?: Array<{ personId: string; employeeId: string; name: string; gained: string[]; scheduled: string[]; lost: string[] }>;
};

class Rollback extends Error {
  constructor(public readonly result: ApplyHrResult) {
    super("dry run");
  }
}

const SAME_FIELDS = ["givenName", "familyName", "email", "department", "title", "level", "location", "employmentType", "status", "startDate", "endDate", "costCenter"] as const;

/**
 * Rows whose email another person already uses (in Gatehouse, or an earlier row of the same batch):
 * emails are unique, case-insensitively, at every moment. A person may keep or change their own email.
 */
async function emailConflicts(tx: Queryable, records: HrRecord[]): Promise<RowError[]> {
  const out: RowError[] = [];
  const finalEmailOf = new Map(records.map((r) => [r.employeeId, r.email.toLowerCase()]));
  const firstInBatch = new Map<string, HrRecord>();
  for (const r of records) {
    const e = r.email.toLowerCase();
    const prior = firstInBatch.get(e);
    if (prior && prior.employeeId !== r.employeeId) out.push({ line: r.line, column: "email", message: `email "${r.email}" is already used by ${prior.employeeId} (line ${prior.line})` });
    else if (!prior) firstInBatch.set(e, r);
  }
  const emails = [...firstInBatch.keys()];
  for (let i = 0; i < emails.length; i += 1000) {
    const holders = await tx.select({ employeeId: people.employeeId, email: people.email }).from(people).where(inArray(sql`lower(${people.email})`, emails.slice(i, i + 1000)));
    for (const h of holders) {
      const r = firstInBatch.get(h.email.toLowerCase());
      if (!r || h.employeeId === r.employeeId) continue;
      // Emails are unique at every moment, so one batch cannot hand an email from one person to another (nor swap two).
      const freed = (finalEmailOf.get(h.employeeId) ?? h.email.toLowerCase()) !== h.email.toLowerCase();
      out.push({ line: r.line, column: "email", message: `email "${r.email}" is already used by another person (${h.employeeId})${freed ? "; change theirs in an earlier import first" : ""}` });
    }
  }
  return out;
}

/**
 * Rows that would close a loop in the reporting line (A → B → A, or longer): the managers after
 * this batch are the batch's where it names them, else the stored ones. O(rows × chain length).
 */
async function managerCycles(tx: Queryable, records: HrRecord[]): Promise<RowError[]> {
  if (!records.some((r) => r.managerEmployeeId && r.managerEmployeeId !== r.employeeId)) return [];
  // Stored reporting lines above everyone the batch mentions (the only edges a walk can reach besides the batch's own).
  const start = [...new Set(records.flatMap((r) => (r.managerEmployeeId ? [r.employeeId, r.managerEmployeeId] : [r.employeeId])))];
  const managerOf = new Map<string, string | null>();
  for (let i = 0; i < start.length; i += 1000) {
    const ids = start.slice(i, i + 1000);
    const rows = rowsOf<{ e: string; m: string | null }>(await tx.execute(sql`
      WITH RECURSIVE up(id, depth) AS (
        SELECT id, 0 FROM people WHERE employee_id IN (${sql.join(ids.map((x) => sql`${x}`), sql`, `)})
        UNION
        SELECT p.manager_id, up.depth + 1 FROM up JOIN people p ON p.id = up.id WHERE p.manager_id IS NOT NULL AND up.depth < 200
      )
      SELECT DISTINCT p.employee_id AS e, m.employee_id AS m FROM up JOIN people p ON p.id = up.id LEFT JOIN people m ON m.id = p.manager_id`));
    for (const x of rows) managerOf.set(x.e, x.m);
  }
  for (const r of records) managerOf.set(r.employeeId, r.managerEmployeeId ?? null);
  const out: RowError[] = [];
  for (const r of records) {
    if (!r.managerEmployeeId || r.managerEmployeeId === r.employeeId) continue;
    const chain = [r.employeeId];
    const seen = new Set(chain);
    for (let cur = managerOf.get(r.employeeId) ?? null; cur; cur = managerOf.get(cur) ?? null) {
      chain.push(cur);
      if (cur === r.employeeId) {
        out.push({ line: r.line, column: "manager", message: `the reporting line would loop: ${chain.join(" → ")}` });
        break;
      }
      if (seen.has(cur)) break; // a loop elsewhere, reported on its own rows
      seen.add(cur);
    }
  }
  return out;
}

/**
 * What a move leaves behind, so the review pre-analysis and the findings recognise a mover's old access in any
 * organisation: the previous department, title and manager (employee id) with the date of each change, in the
 * person's attributes (previousDepartment + movedAt, previousTitle + titleChangedAt, previousManagerEmployeeId +
 * managerChangedAt). A change of one field leaves the record of the others as it was.
 */
export function moverRecord(events: ReadonlyArray<{ kind: string; changes: Record<string, unknown> }>, effective: Date): Record<string, string> {
  const mover = events.find((e) => e.kind === "mover");
  if (!mover) return {};
  const ch = mover.changes as Record<string, { from?: unknown } | undefined>;
  const day = effective.toISOString().slice(0, 10);
  const out: Record<string, string> = {};
  if (ch.department) Object.assign(out, { previousDepartment: String(ch.department.from ?? ""), movedAt: day });
  if (ch.title) Object.assign(out, { previousTitle: String(ch.title.from ?? ""), titleChangedAt: day });
  if (ch.managerEmployeeId) Object.assign(out, { previousManagerEmployeeId: String(ch.managerEmployeeId.from ?? ""), managerChangedAt: day });
  return out;
}

/**
 * Values the file may mean but that nobody in Gatehouse has yet: a level above the highest one in use, a department
 * no one belongs to. Flagged in the preview (a typo in a level or department silently changes birthright access).
 */
async function unusualValues(tx: Queryable, rows: HrRecord[]): Promise<RowError[]> {
  if (rows.length === 0) return [];
  const [stats] = rowsOf<{ n: number; max_level: number | null }>(await tx.execute(sql`SELECT count(*)::int AS n, max(level)::int AS max_level FROM people WHERE kind = 'human' AND status <> 'terminated'`));
  if (!stats || stats.n === 0) return []; // a first import: everything is new
  const depts = new Set(rowsOf<{ d: string }>(await tx.execute(sql`SELECT DISTINCT lower(department) AS d FROM people WHERE kind = 'human'`)).map((r) => r.d));
  const out: RowError[] = [];
  const newDepts = new Map<string, number>();
  for (const r of rows) {
    if (stats.max_level !== null && r.level > stats.max_level) out.push({ line: r.line, column: "level", message: `level ${r.level} is above every level in Gatehouse (the highest is ${stats.max_level})` });
    if (r.department && !depts.has(r.department.toLowerCase())) newDepts.set(r.department, (newDepts.get(r.department) ?? 0) + 1);
  }
  for (const r of rows) {
    const n = r.department ? newDepts.get(r.department) : undefined;
    if (n === undefined) continue;
    out.push({ line: r.line, column: "department", message: `department "${r.department}" is new to Gatehouse (${n} row${n === 1 ? "" : "s"} in this file): no birthright rule may cover it yet` });
    newDepts.delete(r.department); // once per department
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Per person: the entitlements gained, scheduled for removal and lost, by name ("Application: Entitlement"). */
async function accessPerPerson(tx: Queryable, changes: BirthrightChange[], existing: Map<string, typeof people.$inferSelect>): Promise<NonNullable<ApplyHrResult["people"]>> {
  const touched = changes.filter((c) => c.added.length + c.scheduled.length + c.revoked.length > 0);
  if (touched.length === 0) return [];
  const entIds = [...new Set(touched.flatMap((c) => [...c.added, ...c.scheduled, ...c.revoked]))];
  const names = new Map<string, string>();
  for (let i = 0; i < entIds.length; i += 1000) {
    const rows = await tx
      .select({ id: entitlements.id, name: entitlements.name, app: applications.name })
      .from(entitlements)
      .innerJoin(applications, eq(applications.id, entitlements.applicationId))
      .where(inArray(entitlements.id, entIds.slice(i, i + 1000)));
    for (const r of rows) names.set(r.id, `${r.app}: ${r.name}`);
  }
  const byId = new Map([...existing.values()].map((p) => [p.id, p]));
  const label = (ids: string[]) => ids.map((id) => names.get(id) ?? id).sort();
  return touched.map((c) => {
    const p = byId.get(c.personId);
    return { personId: c.personId, employeeId: p?.employeeId ?? "", name: p?.displayName ?? "", gained: label(c.added), scheduled: label(c.scheduled), lost: label(c.revoked) };
  });
}

export async function applyHrRecords(
  { ctx, input: raw, records, rowErrors = [] }: { ctx: Ctx; input: unknown; records: HrRecord[]; rowErrors?: RowError[] },
  opts: { guard?: boolean } = {},
): Promise<ApplyHrResult> {
  if (!can(ctx.actor, "hr.import")) throw new ForbiddenError("Only admins and authenticated HR sources can change people.");
  const input = applyHrInput.parse(raw);
  const now = nowOf(ctx);
  const today = input.today ?? now.toISOString().slice(0, 10);
  const batchAsOf = input.asOf && input.asOf.getTime() < now.getTime() ? input.asOf : now;
  const actorId = ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId;

  let lastResult: ApplyHrResult | null = null;
  const run = async (): Promise<ApplyHrResult> =>
    ctx.db.transaction(async (tx) => {
      if (input.idempotencyKey) {
        const seen = await tx.select({ id: hrEvents.id }).from(hrEvents).where(sql`${hrEvents.idempotencyKey} LIKE ${input.idempotencyKey + ":%"}`).limit(1);
        const seenBatch = await tx.execute(sql`SELECT 1 FROM audit_events WHERE action = 'hr.batch_applied' AND data->>'idempotencyKey' = ${input.idempotencyKey} LIMIT 1`);
        const batchRows = Array.isArray(seenBatch) ? seenBatch : (seenBatch as { rows: unknown[] }).rows;
        if (seen.length || batchRows.length) {
          return { dryRun: input.dryRun, applied: false, duplicate: true, errors: [], warnings: [], skipped: 0, created: 0, updated: 0, unchanged: records.length, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0 };
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
      // Current managers outside the file: without their employee ids a cleared manager would look unchanged.
      const otherMgrIds = [...new Set([...existing.values()].map((p) => p.managerId).filter((x): x is string => Boolean(x) && !empOfId.has(x!)))];
      for (let i = 0; i < otherMgrIds.length; i += 1000) {
        for (const m of await tx.select({ id: people.id, employeeId: people.employeeId }).from(people).where(inArray(people.id, otherMgrIds.slice(i, i + 1000)))) empOfId.set(m.id, m.employeeId);
      }
      for (const r of records) {
        if (r.managerEmployeeId && !byIdInFile.has(r.managerEmployeeId) && !existing.has(r.managerEmployeeId)) {
          errors.push({ line: r.line, column: "manager", message: `manager "${r.managerEmployeeId}" is neither in the file nor in Gatehouse` });
        }
        if (r.managerEmployeeId === r.employeeId) errors.push({ line: r.line, column: "manager", message: "a person cannot be their own manager" });
        for (const a of reservedAttributesIn(Object.keys(r.attributes ?? {}), input.source)) {
          errors.push({ line: r.line, column: a, message: `"${a}" is a Gatehouse field; HR data cannot set it` });
        }
        // Agents and service accounts are governed in Gatehouse (sponsor, expiry), never by HR data.
        const ex = existing.get(r.employeeId);
        if (ex && ex.kind !== "human") errors.push({ line: r.line, column: "employee_id", message: `"${r.employeeId}" is an agent identity; HR data cannot change it` });
      }
      errors.push(...(await emailConflicts(tx, records)), ...(await managerCycles(tx, records)));
      const badLines = new Set(errors.map((e) => e.line));
      // A dry run goes on with the valid rows, so one bad row does not hide the preview of the others; applying a
      // file with errors still needs "only the valid rows".
      if (errors.length && !input.onlyValid && !input.dryRun) {
        return { dryRun: input.dryRun, applied: false, errors, warnings: [], skipped: 0, created: 0, updated: 0, unchanged: 0, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0 };
      }
      const good = records.filter((r) => !badLines.has(r.line));

      // Pass 1: upsert people without managers (a manager may be a new row of the same file).
      const result: ApplyHrResult = { dryRun: input.dryRun, applied: !input.dryRun, errors, warnings: [], skipped: 0, created: 0, updated: 0, unchanged: 0, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0, notices: await unusualValues(tx, good), validRowsOnly: errors.length > 0 && !input.onlyValid };
      const changedPersonIds: string[] = [];
      const pendingManagers: Array<{ personId: string; managerEmployeeId: string | null }> = [];
      const eventRows: Array<typeof hrEvents.$inferInsert> = [];
      for (const r of good) {
        const before = existing.get(r.employeeId) ?? null;
        const beforeHr: HrPerson | null = before
          ? { ...before, managerEmployeeId: before.managerId ? (empOfId.get(before.managerId) ?? null) : null }
          : null;
        const afterHr: HrPerson = { ...r };
        // A time in the future counts as now: it must not block the HR changes that arrive before it.
        const claimed = r.effectiveAt ? new Date(r.effectiveAt) : batchAsOf;
        const effective = claimed.getTime() > now.getTime() ? now : claimed;
        if (before?.lastHrEffectiveAt && effective.getTime() < before.lastHrEffectiveAt.getTime()) {
          // Event ordering: HR data older than the last change applied to this person never undoes it.
          result.warnings.push({
            line: r.line, column: "as of",
            message: `${r.employeeId} skipped: this row is as of ${effective.toISOString()}, older than the last HR change applied (${before.lastHrEffectiveAt.toISOString()})`,
          });
          result.skipped++;
          continue;
        }
        if (before && before.status === "terminated" && effectiveStatus(afterHr, today) !== "terminated" && (input.source === "csv" || input.source === "webhook")) {
          const leftOn = before.lastHrEffectiveAt ? before.lastHrEffectiveAt.toISOString().slice(0, 10) : null;
          const why = rehireRefusal(before, { ...r, statusGiven: r.statusGiven }, leftOn);
          if (why) {
            result.warnings.push({ line: r.line, column: "status", message: `${r.employeeId} skipped: ${why}` });
            result.skipped++;
            continue;
          }
        }
        const events = detectEvents(beforeHr, afterHr, today);
        // Contractors past their end date and people HR says have left: status follows the effective one.
        const status = events.some((e) => e.kind === "leaver") ? "terminated" : events.some((e) => e.kind === "joiner") ? "active" : events.some((e) => e.kind === "pre_hire") ? "pre_hire" : events.some((e) => e.kind === "rehire") ? (r.startDate && r.startDate > today ? "pre_hire" : "active") : r.status;
        const values = {
          employeeId: r.employeeId, givenName: r.givenName, familyName: r.familyName, displayName: [r.givenName, r.familyName].filter(Boolean).join(" "),
          email: r.email, department: r.department, title: r.title, level: r.level, location: r.location, costCenter: r.costCenter,
          employmentType: r.employmentType, status, startDate: r.startDate, endDate: r.endDate,
        };
        let personId: string;
        if (!before) {
          const [row] = await tx.insert(people).values({ ...values, attributes: r.attributes, lastHrEffectiveAt: effective }).returning({ id: people.id });
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
          const last = before.lastHrEffectiveAt && before.lastHrEffectiveAt > effective ? before.lastHrEffectiveAt : effective;
          await tx.update(people).set({ ...values, attributes: { ...(before.attributes ?? {}), ...r.attributes, ...moverRecord(events, effective) }, lastHrEffectiveAt: last, updatedAt: now }).where(sql`${people.id} = ${personId}`);
          if (status === "terminated" && before.status !== "terminated") await bumpSessionVersions(tx, [personId]); // a leaver's sessions end now
          result.updated++;
        }
        pendingManagers.push({ personId, managerEmployeeId: r.managerEmployeeId });
        changedPersonIds.push(personId);
        for (const e of events) {
          result.events.push({ employeeId: r.employeeId, name: values.displayName, personId, kind: e.kind, reason: e.reason, changes: e.changes });
          eventRows.push({
            personId, kind: e.kind, source: input.source === "admin" ? "admin" : input.source, changes: e.changes, status: "planned",
            idempotencyKey: input.idempotencyKey ? `${input.idempotencyKey}:${r.employeeId}:${e.kind}` : null,
            effectiveAt: effective,
            receivedAt: now,
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
      result.people = await accessPerPerson(tx, changes, existing);
      // Leavers who sponsor agents: sponsorship moves to their manager (or a backup), both notified; else the agent is disabled.
      const leaverIds = result.events.filter((e) => e.kind === "leaver").map((e) => e.personId);
      const agentSweep = leaverIds.length ? await sweepAgents(tx, now, { onlySponsors: leaverIds }) : null;
      // Movers keeping access outside their new role: their new manager reviews it (same transaction).
      for (const e of result.events) if (e.kind === "mover") await createMoverReview(tx, { personId: e.personId, changes: e.changes, actorId, now });
      const planned = changedPersonIds.length
        ? await planPeople(tx, changedPersonIds, { kind: `hr.${input.source}`, id: input.idempotencyKey ?? "batch", actorId }, now)
        : { operationIds: [], created: [] };
      result.operations = planned.operationIds.length;
      result.operationsByKind = countKinds(planned.created);
      if (agentSweep) result.operations += agentSweep.operationIds.length;
      const removals: Removal[] = [
        ...changes.flatMap((c) => [
          ...c.revoked.map((e) => ({ kind: "grant.revoked" as const, personId: c.personId, entitlementId: e })),
          ...c.scheduled.map((e) => ({ kind: "grant.scheduled" as const, personId: c.personId, entitlementId: e })),
        ]),
        ...removalsOfPlan(planned.created),
      ];
      const verdict = await assessRemovals(tx, removals);
      result.held = verdict.held ? { id: null, reasons: verdict.reasons } : null;
      if (verdict.held && !input.dryRun && opts.guard !== false) {
        lastResult = result;
        throw new HoldRun(verdict, removals, { records: records.length, events: result.events.length, operations: result.operations, ...result.operationsByKind });
      }
      await recordAudit(tx, [
        ...result.events.map((e) => ({
          actorId, actorKind: (actorId ? "person" : "api") as "person" | "api", action: `hr.${e.kind}`, targetKind: "person", targetId: e.personId,
          data: { employeeId: e.employeeId, source: input.source, reason: e.reason, changes: e.changes },
        })),
        {
          actorId, actorKind: actorId ? "person" : "api", action: "hr.batch_applied", targetKind: "hr_batch", targetId: input.idempotencyKey ?? null,
          data: { source: input.source, idempotencyKey: input.idempotencyKey ?? null, created: result.created, updated: result.updated, unchanged: result.unchanged, events: result.events.length, access: result.access, operations: result.operations, skippedRows: badLines.size, skippedStale: result.skipped, asOf: batchAsOf.toISOString() },
        },
      ]);
      if (input.dryRun) throw new Rollback(result);
      return result;
    });

  try {
    const result = await run();
    if (result.applied && result.operations > 0) {
      // The outbox rows are committed: wake this process's dispatcher (other workers poll).
      const { wakeDispatcher } = await import("@/lib/jobs/wake");
      wakeDispatcher();
    }
    return result;
  } catch (e) {
    if (e instanceof Rollback) return { ...e.result, applied: false };
    if (!(e instanceof HoldRun)) throw e;
    const hold = e;
    const id = await ctx.db.transaction((tx) =>
      holdRun(tx, {
        kind: "hr.import", title: `HR ${input.source} batch: ${records.length} records, ${hold.verdict.people} people lose access`,
        input: { input, records, rowErrors }, actorId, actorKind: actorId ? "person" : "api", hold,
      }),
    );
    const r = lastResult ?? { dryRun: false, applied: false, errors: [], warnings: [], skipped: 0, created: 0, updated: 0, unchanged: 0, events: [], access: { added: 0, scheduledForRemoval: 0, revoked: 0 }, operations: 0 };
    return { ...r, applied: false, operations: 0, held: { id, reasons: hold.verdict.reasons } };
  }
}
