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
  // One grouped pass over accounts (index-only on application_id, status) instead of a count per application.
  const counts = db
    .select({ applicationId: accounts.applicationId, active: sql<number>`count(*) filter (where ${accounts.status} = 'active')`.as("active") })
    .from(accounts)
    .groupBy(accounts.applicationId)
    .as("counts");
  const ents = db.select({ applicationId: entitlements.applicationId, n: count().as("n") }).from(entitlements).groupBy(entitlements.applicationId).as("ents");
  const rows = await db
    .select({ ...applicationPublicColumns, activeAccounts: sql<number>`coalesce(${counts.active}, 0)`, entitlementCount: sql<number>`coalesce(${ents.n}, 0)` })
    .from(applications)
    .leftJoin(counts, eq(counts.applicationId, applications.id))
    .leftJoin(ents, eq(ents.applicationId, applications.id))
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
