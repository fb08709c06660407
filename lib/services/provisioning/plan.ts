/**
 * planPeople: the outbox writer every source of intent calls (requests, HR events, reviews, expiry,
 * reconciliation). In the CALLER's transaction it loads the state of the given people in bulk (one query per
 * table, whatever the number of people), runs the pure planner, inserts the missing operations with
 * ON CONFLICT DO NOTHING (the idempotency key is unique among open operations, so a concurrent or repeated
 * plan of the same change inserts nothing) and writes one audit event per person that got operations.
 *
 * After the caller commits, `wakeDispatcher()` (lib/jobs/dispatcher) hands the operations to the queue at once;
 * if nobody calls it (or the process dies), the dispatcher's sweep finds them within a second or so.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, inArray, isNull, or } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accountEntitlements, accounts, applications, entitlements, grants, operations, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { plan, type KnownAccount, type OpenOperation, type OperationKind, type PlannedOperation, type PlannerApp } from "@/lib/domain/planner";

export type PlanCause = { kind: string; id?: string | null; actorId?: string | null };
export type PlanResult = { operationIds: string[]; planned: PlannedOperation[]; skipped: number };

export const OPEN_STATUSES = ["pending", "queued", "running", "failed"] as const;

/** Applications the engine provisions and reconciles through a connector (not manual, not disabled). */
export const isManaged = (a: { connectorKind: string; enabled: boolean }) => a.enabled && a.connectorKind !== "manual";
/** Applications planned: every enabled one. Manual ones get operations too; the worker turns them into owner tasks. */
export const isPlanned = (a: { connectorKind: string; enabled: boolean }) => a.enabled;

function userNameOf(email: string): string {
  const at = email.indexOf("@");
  return at > 0 ? email.slice(0, at) : email;
}

export async function planPeople(tx: Queryable, personIds: string[], cause: PlanCause, now = new Date()): Promise<PlanResult> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return { operationIds: [], planned: [], skipped: 0 };

  // Bulk loads: one query per table.
  const [persons, desiredRows, accountRows, openOps] = await Promise.all([
    tx.select().from(people).where(inArray(people.id, ids)),
    tx
      .select({ personId: grants.personId, entitlementId: grants.entitlementId, applicationId: entitlements.applicationId })
      .from(grants)
      .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
      .where(and(inArray(grants.personId, ids), eq(grants.status, "active"), or(isNull(grants.expiresAt), gt(grants.expiresAt, now)))),
    tx.select().from(accounts).where(inArray(accounts.personId, ids)),
    tx
      .select()
      .from(operations)
      .where(and(inArray(operations.personId, ids), inArray(operations.status, [...OPEN_STATUSES])))
      .orderBy(asc(operations.createdAt), asc(operations.sequence)),
  ]);
  const accountIds = accountRows.map((a) => a.id);
  const appIds = [...new Set([...desiredRows.map((r) => r.applicationId), ...accountRows.map((a) => a.applicationId), ...openOps.map((o) => o.applicationId)])];
  const [heldRows, appRows] = await Promise.all([
    accountIds.length ? tx.select().from(accountEntitlements).where(inArray(accountEntitlements.accountId, accountIds)) : Promise.resolve([]),
    appIds.length ? tx.select().from(applications).where(inArray(applications.id, appIds)) : Promise.resolve([]),
  ]);
  const apps = new Map(appRows.filter(isPlanned).map((a) => [a.id, a]));

  const key = (p: string, a: string) => `${p}|${a}`;
  const desired = new Map<string, string[]>();
  for (const r of desiredRows) {
    const k = key(r.personId, r.applicationId);
    const l = desired.get(k);
    if (l) {
      if (!l.includes(r.entitlementId)) l.push(r.entitlementId);
    } else desired.set(k, [r.entitlementId]);
  }
  // One account per person and application: the live one (active first), else the latest deleted one.
  const rank = (s: string) => (s === "active" ? 0 : s === "pending" ? 1 : s === "disabled" ? 2 : 3);
  const account = new Map<string, (typeof accountRows)[number]>();
  for (const a of accountRows) {
    const k = key(a.personId!, a.applicationId);
    const cur = account.get(k);
    if (!cur || rank(a.status) < rank(cur.status)) account.set(k, a);
  }
  const held = new Map<string, string[]>();
  for (const h of heldRows) {
    const l = held.get(h.accountId);
    if (l) l.push(h.entitlementId);
    else held.set(h.accountId, [h.entitlementId]);
  }
  const pending = new Map<string, OpenOperation[]>();
  const openIdByKey = new Map<string, string>();
  for (const o of openOps) {
    openIdByKey.set(o.idempotencyKey, o.id);
    const k = key(o.personId!, o.applicationId);
    const item: OpenOperation = {
      kind: o.kind as OperationKind,
      entitlementId: o.entitlementId,
      idempotencyKey: o.idempotencyKey,
      active: ((o.payload as { spec?: { active?: boolean } }).spec ?? {}).active,
    };
    const l = pending.get(k);
    if (l) l.push(item);
    else pending.set(k, [item]);
  }

  const planned: PlannedOperation[] = [];
  const perPerson = new Map<string, PlannedOperation[]>();
  for (const p of persons) {
    const mine = appIds.filter((a) => apps.has(a) && (desired.has(key(p.id, a)) || account.has(key(p.id, a)) || pending.has(key(p.id, a))));
    const plannerApps: PlannerApp[] = mine.map((appId) => {
      const a = apps.get(appId)!;
      const acc = account.get(key(p.id, appId)) ?? null;
      const known: KnownAccount | null = acc
        ? { id: acc.id, status: acc.status, externalId: acc.externalId, username: acc.username, disabledAt: acc.disabledAt, profile: (acc.attributes as { profile?: KnownAccount["profile"] }).profile ?? null }
        : null;
      return {
        applicationId: appId,
        policy: { deprovisionAction: a.deprovisionAction, retentionDays: a.retentionDays, criticality: a.criticality, supportsSessionRevoke: a.supportsSessionRevoke },
        desired: desired.get(key(p.id, appId)) ?? [],
        account: known,
        actual: acc ? (held.get(acc.id) ?? []) : [],
        pending: pending.get(key(p.id, appId)) ?? [],
      };
    });
    // Stable application order (by key) so plans are reproducible.
    plannerApps.sort((x, y) => apps.get(x.applicationId)!.key.localeCompare(apps.get(y.applicationId)!.key));
    const ops = plan({
      personId: p.id,
      status: p.status,
      profile: {
        userName: userNameOf(p.email),
        givenName: p.givenName,
        familyName: p.familyName,
        displayName: p.displayName,
        email: p.email,
        employeeNumber: p.employeeId,
        department: p.department,
        title: p.title,
      },
      apps: plannerApps,
      now,
    });
    if (ops.length) perPerson.set(p.id, ops);
    planned.push(...ops);
  }
  if (planned.length === 0) return { operationIds: [], planned, skipped: 0 };

  // Ids are chosen here so dependencies inside one plan can point at each other before insertion.
  const idByKey = new Map<string, string>();
  for (const o of planned) idByKey.set(o.idempotencyKey, randomUUID());
  const rows = planned.map((o) => ({
    id: idByKey.get(o.idempotencyKey)!,
    kind: o.kind,
    personId: o.personId,
    applicationId: o.applicationId,
    accountId: o.accountId,
    entitlementId: o.entitlementId,
    payload: { ...o.payload, reason: o.reason },
    status: "pending" as const,
    sequence: o.sequence,
    dependsOn: o.dependsOnKey ? (idByKey.get(o.dependsOnKey) ?? openIdByKey.get(o.dependsOnKey) ?? null) : null,
    causeKind: cause.kind,
    causeId: cause.id ?? null,
    idempotencyKey: o.idempotencyKey,
  }));
  const inserted: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const r = await tx.insert(operations).values(rows.slice(i, i + 500)).onConflictDoNothing().returning({ id: operations.id });
    inserted.push(...r.map((x) => x.id));
  }
  const insertedSet = new Set(inserted);
  const skippedRows = rows.filter((r) => !insertedSet.has(r.id));
  if (skippedRows.length) {
    // A concurrent plan stored the same change first: point our dependants at its operation instead.
    const theirs = await tx
      .select({ id: operations.id, key: operations.idempotencyKey })
      .from(operations)
      .where(and(inArray(operations.idempotencyKey, skippedRows.map((r) => r.idempotencyKey)), inArray(operations.status, [...OPEN_STATUSES])));
    const byKey = new Map(theirs.map((t) => [t.key, t.id]));
    for (const r of skippedRows) {
      const real = byKey.get(r.idempotencyKey);
      if (real) await tx.update(operations).set({ dependsOn: real }).where(and(eq(operations.dependsOn, r.id), inArray(operations.id, inserted)));
    }
  }

  const appKey = (id: string) => apps.get(id)?.key ?? id;
  const events = [...perPerson].flatMap(([personId, ops]) => {
    const mine = ops.filter((o) => insertedSet.has(idByKey.get(o.idempotencyKey)!));
    if (mine.length === 0) return [];
    return [
      {
        actorId: cause.actorId ?? null,
        actorKind: cause.actorId ? ("person" as const) : ("system" as const),
        action: "provisioning.planned",
        targetKind: "person",
        targetId: personId,
        data: {
          cause: { kind: cause.kind, id: cause.id ?? null },
          kinds: mine.map((o) => o.kind),
          operations: mine.map((o) => ({ id: idByKey.get(o.idempotencyKey), kind: o.kind, application: appKey(o.applicationId), entitlementId: o.entitlementId, reason: o.reason })),
        },
      },
    ];
  });
  await recordAudit(tx, events);
  return { operationIds: inserted, planned, skipped: skippedRows.length };
}
