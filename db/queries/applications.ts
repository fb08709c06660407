import { and, asc, count, eq, ilike, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, applicationOwners, applications, entitlements, people } from "@/db/schema";

/** Public columns only: config and secrets never leave the server through here. */
export const applicationPublicColumns = {
  id: applications.id, key: applications.key, name: applications.name, description: applications.description,
  category: applications.category, connectorKind: applications.connectorKind, criticality: applications.criticality,
  deprovisionAction: applications.deprovisionAction, retentionDays: applications.retentionDays,
  reconcilePolicy: applications.reconcilePolicy, enabled: applications.enabled, lastReconciledAt: applications.lastReconciledAt,
};

export async function listApplications(db: Queryable, q?: string) {
  // Outer columns are qualified by hand: drizzle renders ${applications.id} as a bare "id", which
  // inside these subqueries would bind to the inner table's own id (and every count would be 0).
  const activeAccounts = sql<number>`(SELECT count(*) FROM accounts a WHERE a.application_id = "applications"."id" AND a.status = 'active')`;
  const entCount = sql<number>`(SELECT count(*) FROM entitlements e WHERE e.application_id = "applications"."id")`;
  const rows = await db
    .select({ ...applicationPublicColumns, activeAccounts, entitlementCount: entCount })
    .from(applications)
    .where(q ? ilike(applications.name, `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`) : undefined)
    .orderBy(asc(applications.name));
  return rows.map((r) => ({ ...r, activeAccounts: Number(r.activeAccounts), entitlementCount: Number(r.entitlementCount) }));
}

export async function getApplication(db: Queryable, id: string) {
  const [app] = await db.select(applicationPublicColumns).from(applications).where(eq(applications.id, id));
  if (!app) return null;
  const holders = sql<number>`(SELECT count(DISTINCT g.person_id) FROM grants g WHERE g.entitlement_id = "entitlements"."id" AND g.status = 'active')`;
  const ents = await db
    .select({
      id: entitlements.id, externalId: entitlements.externalId, name: entitlements.name, description: entitlements.description,
      kind: entitlements.kind, level: entitlements.level, sensitivity: entitlements.sensitivity, privileged: entitlements.privileged,
      requestable: entitlements.requestable, maxDurationDays: entitlements.maxDurationDays, holders,
    })
    .from(entitlements)
    .where(eq(entitlements.applicationId, id))
    .orderBy(asc(entitlements.name));
  const owners = await db
    .select({ id: people.id, displayName: people.displayName, email: people.email })
    .from(applicationOwners)
    .innerJoin(people, eq(people.id, applicationOwners.personId))
    .where(eq(applicationOwners.applicationId, id));
  return { app, entitlements: ents.map((e) => ({ ...e, holders: Number(e.holders) })), owners };
}

export async function applicationAccounts(db: Queryable, id: string, page: number, pageSize: number, status?: string) {
  const where = and(eq(accounts.applicationId, id), status ? eq(accounts.status, status as "active") : undefined);
  const rows = await db
    .select({
      id: accounts.id, username: accounts.username, status: accounts.status, lastLoginAt: accounts.lastLoginAt, reconState: accounts.reconState,
      personId: people.id, personName: people.displayName, personStatus: people.status,
    })
    .from(accounts)
    .leftJoin(people, eq(people.id, accounts.personId))
    .where(where)
    .orderBy(asc(accounts.username))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [{ total }] = await db.select({ total: count() }).from(accounts).where(where);
  return { rows, total: Number(total) };
}
