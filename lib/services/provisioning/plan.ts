/**
 * planPeople: the outbox writer every source of intent calls (requests, HR events, reviews, expiry,
 * reconciliation). In the CALLER's transaction it loads the state of the given people in bulk (one query per
 * table, whatever the number of people), runs the pure planner, inserts the missing operations with
 * ON CONFLICT DO NOTHING (the idempotency key is unique among open operations, so a concurrent or repeated
 * plan of the same change inserts nothing) and writes one audit event per person that got operations.
 *
 * After the caller commits, `wakeDispatcher()` (lib/jobs/wake.ts) hands the operations to the queue at once;
 * if nobody calls it (or the process dies), the dispatcher's sweep finds them within a second or so.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { uuidArray, type Queryable } from "@/db/client";
import { accountEntitlements, accounts, applications, entitlements, grants, operations, people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { plan, type KnownAccount, type OpenOperation, type OperationKind, type PlannedOperation, type PlannerApp } from "@/lib/domain/planner";

export type PlanCause = { kind: string; id?: string | null; actorId?: string | null };
/** `created`: the planned operations really inserted (those of `operationIds`); a preview counts these. */
export type PlanResult = { operationIds: string[]; planned: PlannedOperation[]; created: PlannedOperation[]; skipped: number };

export const OPEN_STATUSES = ["pending", "queued", "running", "failed"] as const;

/** Applications the engine provisions and reconciles through a connector (not manual, not disabled). */
export const isManaged = (a: { connectorKind: string; enabled: boolean }) => a.enabled && a.connectorKind !== "manual";
/** Applications planned: every enabled one. Manual ones get operations too; the worker turns them into owner tasks. */
export const isPlanned = (a: { connectorKind: string; enabled: boolean }) => a.enabled;

function userNameOf(email: string): string {
  const at = email.indexOf("@");
  return at > 0 ? email.slice(0, at) : email;
}

/** Only directory-like targets hold a manager: elsewhere a manager change is not an account update (no owner task). */
const MANAGER_KINDS = new Set(["ldap", "scim"]);
function knownProfile(kind: string, profile: KnownAccount["profile"]): KnownAccount["profile"] {
  if (!profile || MANAGER_KINDS.has(kind) || profile.manager === undefined) return profile;
  const { manager: _m, ...rest } = profile;
  return rest;
}

export type PlanOptions = {
  /** Keep just the planned operations it accepts (reconciliation plans one application, by its policy). */
  only?: (op: PlannedOperation) => boolean;
  /**
   * Reconcile remediation: never disable or delete the account of an active person (the account exists in the
   * target and is linked to someone who works here; nothing granting it in Gatehouse is not a reason to remove it).
   */
  keepAccountsOfActive?: boolean;
};

export async function planPeople(tx: Queryable, personIds: string[], cause: PlanCause, now = new Date(), opts: PlanOptions = {}): Promise<PlanResult> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return { operationIds: [], planned: [], created: [], skipped: 0 };

  // Bulk loads: one query per table; the id lists go as one array parameter each (no bind-parameter limit).
  const idList = () => uuidArray(ids);
  const [persons, desiredRows, accountRows, openOps] = await Promise.all([
    tx.select().from(people).where(sql`${people.id} = ANY(${idList()})`),
    tx
      .select({ personId: grants.personId, entitlementId: grants.entitlementId, applicationId: entitlements.applicationId })
      .from(grants)
      .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
      // An entitlement discovery marked removed is not wanted from the target (the group is gone there).
      .where(and(sql`${grants.personId} = ANY(${idList()})`, eq(grants.status, "active"), or(isNull(grants.expiresAt), gt(grants.expiresAt, now)), isNull(entitlements.removedAt))),
    tx.select().from(accounts).where(sql`${accounts.personId} = ANY(${idList()})`),
    tx
      .select()
      .from(operations)
      .where(and(sql`${operations.personId} = ANY(${idList()})`, inArray(operations.status, [...OPEN_STATUSES])))
      .orderBy(asc(operations.createdAt), asc(operations.sequence)),
  ]);
  const accountIds = accountRows.map((a) => a.id);
  const appIds = [...new Set([...desiredRows.map((r) => r.applicationId), ...accountRows.map((a) => a.applicationId), ...openOps.map((o) => o.applicationId)])];
  const [heldRows, appRows] = await Promise.all([
    accountIds.length ? tx.select().from(accountEntitlements).where(sql`${accountEntitlements.accountId} = ANY(${uuidArray(accountIds)})`) : Promise.resolve([]),
    appIds.length ? tx.select().from(applications).where(inArray(applications.id, appIds)) : Promise.resolve([]),
  ]);
  const apps = new Map(appRows.filter(isPlanned).map((a) => [a.id, a]));
  // Managers are written to the targets by userName (the same derivation as every account's userName).
  const managerIds = [...new Set(persons.map((p) => p.managerId).filter((m): m is string => Boolean(m)))];
  const managerEmail = new Map<string, string>();
  if (managerIds.length) {
    for (const m of await tx.select({ id: people.id, email: people.email }).from(people).where(sql`${people.id} = ANY(${uuidArray(managerIds)})`)) managerEmail.set(m.id, m.email);
  }

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
        ? { id: acc.id, status: acc.status, externalId: acc.externalId, username: acc.username, disabledAt: acc.disabledAt, profile: knownProfile(a.connectorKind, (acc.attributes as { profile?: KnownAccount["profile"] }).profile ?? null) }
        : null;
      return {
        applicationId: appId,
        policy: { deprovisionAction: a.deprovisionAction, leaverPolicy: a.leaverPolicy, retentionDays: a.retentionDays, criticality: a.criticality, supportsSessionRevoke: a.supportsSessionRevoke },
        desired: desired.get(key(p.id, appId)) ?? [],
        account: known,
        actual: acc ? (held.get(acc.id) ?? []) : [],
        pending: pending.get(key(p.id, appId)) ?? [],
      };
    });
    // Stable application order (by key) so plans are reproducible.
    plannerApps.sort((x, y) => apps.get(x.applicationId)!.key.localeCompare(apps.get(y.applicationId)!.key));
    const all = plan({
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
        manager: p.managerId && managerEmail.has(p.managerId) ? userNameOf(managerEmail.get(p.managerId)!) : "",
      },
      apps: plannerApps,
      now,
    });
    const kept = opts.keepAccountsOfActive && p.status === "active" ? all.filter((o) => o.kind !== "disable" && o.kind !== "delete") : all;
    const ops = opts.only ? kept.filter(opts.only) : kept;
    if (ops.length) perPerson.set(p.id, ops);
    planned.push(...ops);
  }
  if (planned.length === 0) return { operationIds: [], planned, created: [], skipped: 0 };

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
    // The plan's clock, like the decision that caused it: HR events and their operations are
    // matched by time (operations created at or after the event was received).
    createdAt: now,
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
  return { operationIds: inserted, planned, created: planned.filter((o) => insertedSet.has(idByKey.get(o.idempotencyKey)!)), skipped: skippedRows.length };
}

/**
 * The outbox entry for disabling an account that belongs to nobody (an orphan an access review decided to disable):
 * the planner works per person, so this is its one account-level case. The operation carries no person, only the
 * account (the worker's loadContext finds the account by id); its idempotency key names the account, so deciding
 * twice, or a concurrent plan, inserts nothing new. Written in the caller's transaction with its audit event.
 * Returns the open operation's id (the new one, or the one already on its way).
 */
export async function planAccountDisable(
  tx: Queryable,
  account: { id: string; applicationId: string; username: string },
  cause: PlanCause,
  reason: string,
  now = new Date(),
): Promise<{ operationId: string; created: boolean }> {
  const idempotencyKey = `disable:${account.applicationId}:account:${account.id}:-`;
  const [row] = await tx
    .insert(operations)
    .values({
      kind: "disable", personId: null, applicationId: account.applicationId, accountId: account.id, entitlementId: null, payload: { reason, userName: account.username },
      status: "pending", sequence: 0, causeKind: cause.kind, causeId: cause.id ?? null, idempotencyKey, createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: operations.id });
  if (!row) {
    const [open] = await tx.select({ id: operations.id }).from(operations).where(and(eq(operations.idempotencyKey, idempotencyKey), inArray(operations.status, [...OPEN_STATUSES])));
    return { operationId: open!.id, created: false };
  }
  await recordAudit(tx, {
    actorId: cause.actorId ?? null, actorKind: cause.actorId ? "person" : "system", action: "provisioning.planned", targetKind: "account", targetId: account.id,
    data: { cause: { kind: cause.kind, id: cause.id ?? null }, kinds: ["disable"], operations: [{ id: row.id, kind: "disable", applicationId: account.applicationId, userName: account.username, reason }] },
  });
  return { operationId: row.id, created: true };
}
