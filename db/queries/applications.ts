import { and, asc, count, eq, ilike, isNull, sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";
import { accounts, applicationOwners, applications, entitlements, people } from "@/db/schema";

/** Public columns only: config and secrets never leave the server through here. */
export const applicationPublicColumns = {
  id: applications.id, key: applications.key, name: applications.name, description: applications.description,
  category: applications.category, connectorKind: applications.connectorKind, criticality: applications.criticality,
  deprovisionAction: applications.deprovisionAction, retentionDays: applications.retentionDays, leaverPolicy: applications.leaverPolicy,
  reconcilePolicy: applications.reconcilePolicy, enabled: applications.enabled, lastReconciledAt: applications.lastReconciledAt,
  aliases: applications.aliases,
};

/** Every application's id and name, by name: for pick lists that show nothing else (no counts read). */
export async function applicationNames(db: Queryable) {
  return db.select({ id: applications.id, name: applications.name }).from(applications).orderBy(asc(applications.name));
}

export async function listApplications(db: Queryable, q?: string) {
  // One grouped pass over accounts (index-only on application_id, status) instead of a count per application.
  const counts = db
    .select({ applicationId: accounts.applicationId, active: sql<number>`count(*) filter (where ${accounts.status} = 'active')`.as("active") })
    .from(accounts)
    .groupBy(accounts.applicationId)
    .as("counts");
  const ents = db.select({ applicationId: entitlements.applicationId, n: count().as("n") }).from(entitlements).where(isNull(entitlements.removedAt)).groupBy(entitlements.applicationId).as("ents");
  const rows = await db
    .select({ ...applicationPublicColumns, activeAccounts: sql<number>`coalesce(${counts.active}, 0)`, entitlementCount: sql<number>`coalesce(${ents.n}, 0)` })
    .from(applications)
    .leftJoin(counts, eq(counts.applicationId, applications.id))
    .leftJoin(ents, eq(ents.applicationId, applications.id))
    .where(q ? ilike(applications.name, `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`) : undefined)
    .orderBy(asc(applications.name));
  return rows.map((r) => ({ ...r, activeAccounts: Number(r.activeAccounts), entitlementCount: Number(r.entitlementCount) }));
}

/**
 * One page of applications by name (optionally matching `q`), with the total. The counts are read for the page's
 * applications only, each an index-only count in accounts_app_status_idx, not a pass over every account.
 */
export async function applicationsPage(db: Queryable, opts: { q?: string; page: number; pageSize: number }) {
  const where = opts.q ? ilike(applications.name, `%${opts.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`) : undefined;
  const [rows, [t]] = await Promise.all([
    db
      .select({
        ...applicationPublicColumns,
        // Spelled out: drizzle leaves the table off a column of a one-table select, which inside these subqueries
        // would name the subquery's own "id".
        activeAccounts: sql<number>`(SELECT count(*)::int FROM accounts a WHERE a.application_id = "applications"."id" AND a.status = 'active')`,
        entitlementCount: sql<number>`(SELECT count(*)::int FROM entitlements e WHERE e.application_id = "applications"."id" AND e.removed_at IS NULL)`,
      })
      .from(applications)
      .where(where)
      .orderBy(asc(applications.name), asc(applications.id))
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db.select({ total: count() }).from(applications).where(where),
  ]);
  return { total: Number(t?.total ?? 0), rows: rows.map((r) => ({ ...r, activeAccounts: Number(r.activeAccounts), entitlementCount: Number(r.entitlementCount) })) };
}

export async function getApplication(db: Queryable, id: string) {
  const [app] = await db.select(applicationPublicColumns).from(applications).where(eq(applications.id, id));
  if (!app) return null;
  // Counts per entitlement in two grouped passes over the application's own entitlements (by id, so the planner
  // reads them through the entitlement indexes), not three correlated subqueries per entitlement.
  const rows = await db
    .select({
      id: entitlements.id, externalId: entitlements.externalId, name: entitlements.name, description: entitlements.description,
      kind: entitlements.kind, level: entitlements.level, sensitivity: entitlements.sensitivity, privileged: entitlements.privileged,
      requestable: entitlements.requestable, maxDurationDays: entitlements.maxDurationDays,
      removedAt: entitlements.removedAt, lastSeenAt: entitlements.lastSeenAt,
      ownerEmail: sql<string | null>`(SELECT p.email FROM people p WHERE p.id = "entitlements"."owner_id")`,
    })
    .from(entitlements)
    .where(eq(entitlements.applicationId, id))
    .orderBy(asc(entitlements.name));
  const ids = rows.map((e) => e.id);
  const list = sql.join(ids.map((e) => sql`${e}::uuid`), sql`, `);
  const [held, target] = ids.length
    ? await Promise.all([
        db.execute(sql`SELECT g.entitlement_id AS id, count(DISTINCT g.person_id)::int AS holders, (count(*) FILTER (WHERE g.source = 'adopted'))::int AS adopted
          FROM grants g WHERE g.status = 'active' AND g.entitlement_id IN (${list}) GROUP BY g.entitlement_id`),
        // What the system really holds (last read back or provisioned), whether granted or not: drift shows as a difference.
        // Index-only on (entitlement_id, account_id), the deleted accounts anti-joined through their own small index.
        db.execute(sql`SELECT ae.entitlement_id AS id, count(*)::int AS n FROM account_entitlements ae
          WHERE ae.entitlement_id IN (${list}) AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = ae.account_id AND a.status = 'deleted')
          GROUP BY ae.entitlement_id`),
      ])
    : [[], []];
  const heldBy = new Map(rowsOf<{ id: string; holders: number; adopted: number }>(held).map((r) => [r.id, r]));
  const inTargetBy = new Map(rowsOf<{ id: string; n: number }>(target).map((r) => [r.id, r.n]));
  const ents = rows.map((e) => ({ ...e, holders: heldBy.get(e.id)?.holders ?? 0, inTarget: inTargetBy.get(e.id) ?? 0, adopted: heldBy.get(e.id)?.adopted ?? 0 }));
  const owners = await db
    .select({ id: people.id, displayName: people.displayName, email: people.email })
    .from(applicationOwners)
    .innerJoin(people, eq(people.id, applicationOwners.personId))
    .where(eq(applicationOwners.applicationId, id));
  return { app, entitlements: ents.map((e) => ({ ...e, holders: Number(e.holders), inTarget: Number(e.inTarget), adopted: Number(e.adopted) })), owners };
}

export async function applicationAccounts(db: Queryable, id: string, page: number, pageSize: number, status?: string) {
  const where = and(eq(accounts.applicationId, id), status ? eq(accounts.status, status as "active") : undefined);
  const rows = await db
    .select({
      id: accounts.id, username: accounts.username, status: accounts.status, lastLoginAt: accounts.lastLoginAt, lastLoginSource: accounts.lastLoginSource, reconState: accounts.reconState,
      personId: people.id, personName: people.displayName, personStatus: people.status,
      serviceUntil: accounts.serviceUntil, serviceOwnerName: sql<string | null>`(SELECT o.display_name FROM people o WHERE o.id = ${accounts.serviceOwnerId})`,
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
