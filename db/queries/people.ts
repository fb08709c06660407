import { and, asc, count, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, applicationOwners, applications, entitlements, grants, people, portalRoleAssignments } from "@/db/schema";
import { rowsOf } from "@/db/client";

/** Facts about a person needed to build their portal Actor. */
export async function actorFacts(db: Queryable, personId: string) {
  const [p] = await db
    .select({ id: people.id, name: people.displayName, email: people.email, status: people.status, kind: people.kind })
    .from(people)
    .where(eq(people.id, personId));
  if (!p) return null;
  const roles = await db.select({ role: portalRoleAssignments.role }).from(portalRoleAssignments).where(eq(portalRoleAssignments.personId, personId));
  // Sponsoring an agent (its manager_id) does not make someone a manager.
  const [{ n: reports }] = await db.select({ n: count() }).from(people).where(and(eq(people.managerId, personId), sql`${people.status} <> 'terminated'`, eq(people.kind, "human")));
  const owned = await db.select({ id: applicationOwners.applicationId }).from(applicationOwners).where(eq(applicationOwners.personId, personId));
  return { ...p, portalRoles: roles.map((r) => r.role), reports: Number(reports), ownedApplicationIds: owned.map((o) => o.id) };
}

export async function personByEmail(db: Queryable, email: string) {
  const [p] = await db.select({ id: people.id, status: people.status }).from(people).where(sql`lower(${people.email}) = lower(${email})`);
  return p ?? null;
}

/** Managers of a person, nearest first (cycle-safe, depth ≤ 32). */
export async function managerChain(db: Queryable, personId: string): Promise<string[]> {
  const rows = await db.execute<{ id: string; depth: number }>(sql`
    WITH RECURSIVE chain(id, depth) AS (
      SELECT manager_id, 1 FROM people WHERE id = ${personId} AND manager_id IS NOT NULL
      UNION ALL
      SELECT p.manager_id, c.depth + 1 FROM people p JOIN chain c ON p.id = c.id
      WHERE p.manager_id IS NOT NULL AND c.depth < 32
    ) SELECT id, depth FROM chain ORDER BY depth`);
  return rowsOf<{ id: string }>(rows).map((r) => r.id);
}

/** SQL predicate: people.id is in the reporting line below `managerId`. */
export function inReportingLine(managerId: string): SQL {
  return sql`${people.id} IN (
    WITH RECURSIVE line(id, depth) AS (
      SELECT id, 1 FROM people WHERE manager_id = ${managerId}
      UNION ALL
      SELECT p.id, l.depth + 1 FROM people p JOIN line l ON p.manager_id = l.id WHERE l.depth < 32
    ) SELECT id FROM line)`;
}

export type PeopleFilter = {
  q?: string;
  department?: string;
  status?: "pre_hire" | "active" | "on_leave" | "terminated";
  employmentType?: "employee" | "contractor" | "intern";
  location?: string;
  page: number;
  pageSize: number;
  /** Restrict to the reporting line of this manager (ownership filter in SQL). */
  withinLineOf?: string;
};

export async function searchPeople(db: Queryable, f: PeopleFilter) {
  const conds: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conds.push(or(ilike(people.displayName, like), ilike(people.email, like), ilike(people.employeeId, like), ilike(people.title, like))!);
  }
  if (f.department) conds.push(eq(people.department, f.department));
  if (f.status) conds.push(eq(people.status, f.status));
  if (f.employmentType) conds.push(eq(people.employmentType, f.employmentType));
  if (f.location) conds.push(eq(people.location, f.location));
  if (f.withinLineOf) conds.push(inReportingLine(f.withinLineOf));
  const where = conds.length ? and(...conds) : undefined;
  // Qualified on purpose: drizzle renders ${people.managerId} as a bare "manager_id", which inside
  // this subquery would bind to m.manager_id (and the column would always be empty).
  const manager = sql<string | null>`(SELECT m.display_name FROM people m WHERE m.id = "people"."manager_id")`;
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: people.id, employeeId: people.employeeId, displayName: people.displayName, email: people.email,
        department: people.department, title: people.title, level: people.level, location: people.location,
        status: people.status, employmentType: people.employmentType, managerName: manager,
      })
      .from(people)
      .where(where)
      .orderBy(asc(people.displayName), asc(people.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize),
    db.select({ total: count() }).from(people).where(where),
  ]);
  return { rows, total: Number(total) };
}

export async function distinctPeopleValues(db: Queryable) {
  const deps = await db.selectDistinct({ v: people.department }).from(people).orderBy(people.department);
  const locs = await db.selectDistinct({ v: people.location }).from(people).orderBy(people.location);
  return { departments: deps.map((d) => d.v), locations: locs.map((l) => l.v) };
}

export async function getPerson(db: Queryable, id: string) {
  const [p] = await db.select().from(people).where(eq(people.id, id));
  if (!p) return null;
  const manager = p.managerId
    ? (await db.select({ id: people.id, displayName: people.displayName, title: people.title }).from(people).where(eq(people.id, p.managerId)))[0] ?? null
    : null;
  const reports = await db
    .select({ id: people.id, displayName: people.displayName, title: people.title, status: people.status })
    .from(people)
    .where(eq(people.managerId, id))
    .orderBy(asc(people.displayName))
    .limit(200);
  return { person: p, manager, reports };
}

/** A person's accounts and grants, each grant with where it came from. */
export async function personAccess(db: Queryable, personId: string) {
  const accs = await db
    .select({
      id: accounts.id, username: accounts.username, status: accounts.status, lastLoginAt: accounts.lastLoginAt,
      externalId: accounts.externalId, applicationId: applications.id, applicationName: applications.name, applicationKey: applications.key,
      reconState: accounts.reconState,
    })
    .from(accounts)
    .innerJoin(applications, eq(applications.id, accounts.applicationId))
    .where(eq(accounts.personId, personId))
    .orderBy(asc(applications.name));
  const grantedBy = sql<string | null>`(SELECT g2.display_name FROM people g2 WHERE g2.id = ${grants.grantedById})`;
  const roleName = sql<string | null>`(SELECT r.name FROM role_templates r WHERE ${grants.source} IN ('birthright','role') AND r.id::text = ${grants.sourceRef})`;
  const gs = await db
    .select({
      id: grants.id, source: grants.source, sourceRef: grants.sourceRef, status: grants.status, grantedAt: grants.grantedAt,
      expiresAt: grants.expiresAt, lastUsedAt: grants.lastUsedAt, reason: grants.reason, grantedBy, roleName,
      entitlementId: entitlements.id, entitlementName: entitlements.name, level: entitlements.level,
      privileged: entitlements.privileged, sensitivity: entitlements.sensitivity,
      applicationId: applications.id, applicationName: applications.name,
    })
    .from(grants)
    .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(eq(grants.personId, personId))
    .orderBy(asc(applications.name), asc(entitlements.name));
  return { accounts: accs, grants: gs };
}


export type DemoPersona = { id: string; persona: string; displayName: string; title: string; department: string };

/** People the demo seed marked as personas (attributes.demoPersona). */
export async function demoPersonas(db: Queryable): Promise<DemoPersona[]> {
  const rows = await db
    .select({ id: people.id, persona: sql<string>`${people.attributes} ->> 'demoPersona'`, displayName: people.displayName, title: people.title, department: people.department })
    .from(people)
    .where(sql`${people.attributes} ? 'demoPersona' AND ${people.status} <> 'terminated'`);
  const order = ["employee", "manager", "app_owner", "admin", "auditor"];
  return rows.sort((a, b) => order.indexOf(a.persona) - order.indexOf(b.persona));
}
