/**
 * Reads for access requests. Every function takes db/tx first; ownership filters (approver = actor,
 * requester or beneficiary = actor, reporting line) are part of the WHERE clauses here, not applied after.
 */
import { and, asc, count, desc, eq, gt, ilike, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  accessRequestItems,
  accessRequests,
  applicationOwners,
  applications,
  approvalSteps,
  entitlements,
  grants,
  operations,
  people,
  portalRoleAssignments,
  sodPolicies,
  sodPolicyEntitlements,
} from "@/db/schema";
import { rowsOf, uuidArray } from "@/db/client";
import { inReportingLine, managerChain } from "./people";

/** Active, unexpired grants (the desired state that counts as "holds"). */
export const activeGrant = (now: Date): SQL => and(eq(grants.status, "active"), or(isNull(grants.expiresAt), gt(grants.expiresAt, now)))!;

export async function personForRequest(db: Queryable, id: string) {
  const [p] = await db
    .select({
      id: people.id, displayName: people.displayName, department: people.department, title: people.title, level: people.level,
      managerId: people.managerId, employmentType: people.employmentType, status: people.status, attributes: people.attributes,
      kind: people.kind,
      // An agent's sponsor and backups: the only people who may request access for it, and its first approver.
      // Qualified on purpose: a bare ${people.id} would render as "id" and bind to agents.id inside the subquery.
      agentSponsorId: sql<string | null>`(SELECT a.sponsor_id FROM agents a WHERE a.person_id = "people"."id")`,
      agentBackupIds: sql<string[] | null>`(SELECT a.backup_sponsor_ids FROM agents a WHERE a.person_id = "people"."id")`,
    })
    .from(people)
    .where(eq(people.id, id));
  return p ?? null;
}

/** Whether `personId` is in the reporting line below `managerId` (recursive, in SQL). */
export async function isInReportingLine(db: Queryable, managerId: string, personId: string): Promise<boolean> {
  // Walk UP from the person (≤ 32 managers) instead of enumerating the manager's whole line: a VP's or an agent's
  // sponsor's line can be the whole organisation.
  const chain = await managerChain(db, personId);
  return chain.includes(managerId);
}

/** The actor's reporting line (for the beneficiary picker), active people only. */
export async function reportingLine(db: Queryable, managerId: string, limit = 500) {
  return db
    .select({ id: people.id, displayName: people.displayName, title: people.title, department: people.department })
    .from(people)
    .where(and(inReportingLine(managerId), ne(people.status, "terminated")))
    .orderBy(asc(people.displayName))
    .limit(limit);
}

export async function heldEntitlementIds(db: Queryable, personId: string, now: Date): Promise<string[]> {
  const rows = await db.selectDistinct({ id: grants.entitlementId }).from(grants).where(and(eq(grants.personId, personId), activeGrant(now)));
  return rows.map((r) => r.id);
}

export type Adoption = {
  basis: "title" | "department";
  peerGroup: string;
  peerCount: number;
  team: string;
  teamSize: number;
  /** entitlement id → holders among the peers and in the department. */
  holders: Map<string, { peers: number; team: number }>;
};

/**
 * Peer adoption for a person: peers = active colleagues with the same department and title (falling back to the
 * whole department when fewer than 3 share the title); the department is also counted ("is it unusual for the team?").
 *
 * The peers' counts cover every entitlement (suggestions read them all); the department's counts cover only
 * `teamOf` when given (the entitlements being assessed), every entitlement otherwise. A department can hold 60,000
 * grants at 20,000 people: counting all of them for the twenty rows of a catalog page took 200-450 ms of database
 * time; the peer group and the listed entitlements are read index-only (grants_active_*_idx carry expires_at).
 */
export async function adoptionFor(
  db: Queryable,
  p: { id: string; department: string; title: string },
  now: Date,
  opts: { teamOf?: readonly string[] } = {},
): Promise<Adoption> {
  const [sizes] = await db
    .select({ team: count(), sameTitle: sql<number>`count(*) FILTER (WHERE ${people.title} = ${p.title})` })
    .from(people)
    .where(and(eq(people.department, p.department), eq(people.status, "active"), ne(people.id, p.id)));
  const teamSize = Number(sizes?.team ?? 0);
  const sameTitle = Number(sizes?.sameTitle ?? 0);
  const basis = sameTitle >= 3 ? "title" : "department";
  const colleagues = and(eq(people.department, p.department), eq(people.status, "active"), ne(people.id, p.id))!;
  const countHolders = (where: SQL) =>
    db
      .select({ id: grants.entitlementId, n: sql<number>`count(DISTINCT ${grants.personId})` })
      .from(people)
      .innerJoin(grants, and(eq(grants.personId, people.id), activeGrant(now)))
      .where(where)
      .groupBy(grants.entitlementId);
  const peerWhere = basis === "title" ? and(colleagues, eq(people.title, p.title))! : colleagues;
  const teamIds = opts.teamOf ? [...new Set(opts.teamOf)] : null;
  const [peerRows, teamRows] = await Promise.all([
    countHolders(peerWhere),
    // Department basis: the peers are the department, nothing more to count.
    basis === "department" ? Promise.resolve(null)
    : teamIds && !teamIds.length ? Promise.resolve([])
    : countHolders(teamIds ? and(colleagues, sql`${grants.entitlementId} = ANY(${uuidArray(teamIds)})`)! : colleagues),
  ]);
  const holders = new Map<string, { peers: number; team: number }>();
  for (const r of peerRows) holders.set(r.id, { peers: Number(r.n), team: Number(r.n) });
  if (teamRows) {
    for (const h of holders.values()) h.team = 0; // peers are part of the department: their counts come below
    for (const r of teamRows) holders.set(r.id, { peers: holders.get(r.id)?.peers ?? 0, team: Number(r.n) });
  }
  return {
    basis,
    peerGroup: basis === "title" ? `${p.title}s in ${p.department}` : `people in ${p.department}`,
    peerCount: basis === "title" ? sameTitle : teamSize,
    team: p.department,
    teamSize,
    holders,
  };
}

/** Share of a group holding each entitlement of a set of people (for plain-language "same access as ..."). */
export async function holdersAmong(db: Queryable, personIds: string[], now: Date) {
  if (!personIds.length) return [];
  return db
    .select({ id: grants.entitlementId, n: sql<number>`count(DISTINCT ${grants.personId})` })
    .from(grants)
    .where(and(activeGrant(now), inArray(grants.personId, personIds)))
    .groupBy(grants.entitlementId);
}

export const entitlementColumns = {
  id: entitlements.id, name: entitlements.name, description: entitlements.description, level: entitlements.level,
  sensitivity: entitlements.sensitivity, privileged: entitlements.privileged, requestable: entitlements.requestable,
  maxDurationDays: entitlements.maxDurationDays, ownerId: entitlements.ownerId, removedAt: entitlements.removedAt,
  applicationId: applications.id, applicationName: applications.name, applicationKey: applications.key,
};

/** Requestable entitlements, searched by application or entitlement name, paginated. */
export async function searchCatalog(db: Queryable, f: { q?: string; page: number; pageSize: number }) {
  // Entitlements discovery marked removed (the group is gone from the system) cannot be requested.
  const conds: SQL[] = [eq(entitlements.requestable, true), eq(applications.enabled, true), isNull(entitlements.removedAt)];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conds.push(or(ilike(applications.name, like), ilike(applications.key, like), ilike(entitlements.name, like))!);
  }
  const where = and(...conds);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(entitlementColumns)
      .from(entitlements)
      .innerJoin(applications, eq(applications.id, entitlements.applicationId))
      .where(where)
      .orderBy(asc(applications.name), asc(entitlements.name), asc(entitlements.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize),
    db.select({ total: count() }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId)).where(where),
  ]);
  return { rows, total: Number(total) };
}

export async function entitlementsByIds(db: Queryable, ids: string[]) {
  if (!ids.length) return [];
  return db.select(entitlementColumns).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId)).where(inArray(entitlements.id, ids));
}

/** Application owners per application. */
export async function ownersOf(db: Queryable, applicationIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!applicationIds.length) return out;
  const rows = await db
    .select({ app: applicationOwners.applicationId, person: applicationOwners.personId })
    .from(applicationOwners)
    .innerJoin(people, eq(people.id, applicationOwners.personId))
    .where(and(inArray(applicationOwners.applicationId, applicationIds), eq(people.status, "active")));
  for (const r of rows) out.set(r.app, [...(out.get(r.app) ?? []), r.person]);
  return out;
}

/** People holding the "security" portal role (active). */
export async function securityApprovers(db: Queryable): Promise<string[]> {
  const rows = await db
    .select({ id: portalRoleAssignments.personId })
    .from(portalRoleAssignments)
    .innerJoin(people, eq(people.id, portalRoleAssignments.personId))
    .where(and(eq(portalRoleAssignments.role, "security"), eq(people.status, "active")))
    .orderBy(asc(people.displayName));
  return rows.map((r) => r.id);
}

/** Enabled SoD policies that involve any of the given entitlements, with both sides. */
export async function sodPoliciesTouching(db: Queryable, entitlementIds: string[]) {
  if (!entitlementIds.length) return [];
  const ids = await db
    .selectDistinct({ id: sodPolicyEntitlements.policyId })
    .from(sodPolicyEntitlements)
    .innerJoin(sodPolicies, eq(sodPolicies.id, sodPolicyEntitlements.policyId))
    .where(and(inArray(sodPolicyEntitlements.entitlementId, entitlementIds), eq(sodPolicies.enabled, true)));
  if (!ids.length) return [];
  const rows = await db
    .select({ id: sodPolicies.id, name: sodPolicies.name, action: sodPolicies.action, entitlementId: sodPolicyEntitlements.entitlementId, side: sodPolicyEntitlements.side })
    .from(sodPolicies)
    .innerJoin(sodPolicyEntitlements, eq(sodPolicyEntitlements.policyId, sodPolicies.id))
    .where(inArray(sodPolicies.id, ids.map((i) => i.id)));
  const byId = new Map<string, { id: string; name: string; action: "block" | "require_approval"; a: string[]; b: string[] }>();
  for (const r of rows) {
    const p = byId.get(r.id) ?? { id: r.id, name: r.name, action: r.action, a: [], b: [] };
    p[r.side].push(r.entitlementId);
    byId.set(r.id, p);
  }
  return [...byId.values()];
}

export const HISTORY_COLUMNS = ["entitlement", "application", "department", "title", "employment", "manager"] as const;

/**
 * Past human decisions (items a person approved or denied; auto-approvals excluded: they are the policy's
 * own opinion), newest first, as categorical rows for the learned model.
 */
export async function decisionHistory(db: Queryable, limit = 20_000) {
  const r = await db.execute(sql`
    SELECT e.name AS ent_name, a.name AS app_name, b.department, b.title, b.employment_type::text AS employment,
           coalesce(b.manager_id::text, '') AS manager, i.status, i.decided_at
    FROM access_request_items i
    JOIN access_requests r ON r.id = i.request_id
    JOIN people b ON b.id = r.beneficiary_id
    JOIN entitlements e ON e.id = i.entitlement_id
    JOIN applications a ON a.id = e.application_id
    WHERE i.status IN ('approved','fulfilled','expired','denied') AND coalesce(i.route, '') <> 'auto' AND i.decided_at IS NOT NULL
    ORDER BY i.decided_at DESC
    LIMIT ${limit}`);
  return rowsOf<{ ent_name: string; app_name: string; department: string; title: string; employment: string; manager: string; status: string; decided_at: string | Date }>(r);
}

/** How many human decisions exist and when the latest was made (the model cache key). */
export async function decisionHistoryStamp(db: Queryable) {
  const r = await db.execute(sql`
    SELECT count(*)::int AS n, max(decided_at) AS latest FROM access_request_items
    WHERE status IN ('approved','fulfilled','expired','denied') AND coalesce(route, '') <> 'auto' AND decided_at IS NOT NULL`);
  const row = rowsOf<{ n: number; latest: string | Date | null }>(r)[0];
  return { n: Number(row?.n ?? 0), latest: row?.latest ? new Date(row.latest).toISOString() : "" };
}

// ------------------------------------------------------------------------------------- inbox & lists

/**
 * Steps waiting for `approverId` (or for someone whose approvals `approverId` holds as delegate: the
 * approver's HR attribute approvalDelegateId), with the item, request, beneficiary and requester.
 */
export async function inboxSteps(db: Queryable, approverId: string, stepIds?: string[], now: Date = new Date()) {
  const conds: SQL[] = [eq(approvalSteps.status, "pending"), approverOrDelegate(approverId, now)];
  // As a delegate, one's own request (as requester or beneficiary) is not shown: nobody approves it for themselves.
  conds.push(or(eq(approvalSteps.approverId, approverId), and(ne(accessRequests.requesterId, approverId), ne(accessRequests.beneficiaryId, approverId)))!);
  if (stepIds) conds.push(inArray(approvalSteps.id, stepIds.length ? stepIds : ["00000000-0000-0000-0000-000000000000"]));
  const beneficiary = sql<string>`(SELECT b.display_name FROM people b WHERE b.id = ${accessRequests.beneficiaryId})`;
  const beneficiaryTitle = sql<string>`(SELECT b.title || ', ' || b.department FROM people b WHERE b.id = ${accessRequests.beneficiaryId})`;
  const requester = sql<string>`(SELECT q.display_name FROM people q WHERE q.id = ${accessRequests.requesterId})`;
  const approverName = sql<string | null>`(SELECT ap.display_name FROM people ap WHERE ap.id = ${approvalSteps.approverId})`;
  return db
    .select({
      stepId: approvalSteps.id, stage: approvalSteps.stage, approverKind: approvalSteps.approverKind, approverId: approvalSteps.approverId, approverName,
      dueAt: approvalSteps.dueAt, stepCreatedAt: approvalSteps.createdAt,
      itemId: accessRequestItems.id, riskScore: accessRequestItems.riskScore, riskReasons: accessRequestItems.riskReasons, route: accessRequestItems.route,
      routeReason: accessRequestItems.routeReason, durationDays: accessRequestItems.durationDays, itemStatus: accessRequestItems.status,
      requestId: accessRequests.id, justification: accessRequests.justification, channel: accessRequests.channel, createdAt: accessRequests.createdAt,
      beneficiaryId: accessRequests.beneficiaryId, beneficiaryName: beneficiary, beneficiaryTitle, requesterId: accessRequests.requesterId, requesterName: requester,
      entitlementId: entitlements.id, entitlementName: entitlements.name, level: entitlements.level, privileged: entitlements.privileged,
      sensitivity: entitlements.sensitivity, applicationId: applications.id, applicationName: applications.name,
    })
    .from(approvalSteps)
    .innerJoin(accessRequestItems, eq(accessRequestItems.id, approvalSteps.itemId))
    .innerJoin(accessRequests, eq(accessRequests.id, accessRequestItems.requestId))
    .innerJoin(entitlements, eq(entitlements.id, accessRequestItems.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(and(...conds))
    .orderBy(asc(approvalSteps.createdAt), asc(approvalSteps.id));
}

/**
 * SQL: the step's approver is `personId`, or has named `personId` as their approval delegate (HR attributes on the
 * approver's row: approvalDelegateId, and optionally approvalDelegateUntil, an ISO-8601 UTC timestamp such as
 * "2030-01-31T23:59:59.999Z" after which the delegation no longer counts; none = open-ended, the HR convention).
 * The end is compared as text: ISO UTC timestamps order correctly and a malformed value never fails the query (a bare
 * date "2030-01-31" ends at the start of that day).
 */
export function approverOrDelegate(personId: string, now: Date = new Date()): SQL {
  return or(
    eq(approvalSteps.approverId, personId),
    sql`${approvalSteps.approverId} IN (SELECT d.id FROM people d WHERE d.attributes->>'approvalDelegateId' = ${personId}
      AND (d.attributes->>'approvalDelegateUntil' IS NULL OR d.attributes->>'approvalDelegateUntil' > ${now.toISOString()}))`,
  )!;
}

export async function countPendingFor(db: Queryable, personId: string): Promise<number> {
  const [r] = await db.select({ n: count() }).from(approvalSteps).where(and(eq(approvalSteps.status, "pending"), approverOrDelegate(personId)));
  return Number(r?.n ?? 0);
}

/** Active grant counts per person. */
export async function accessCounts(db: Queryable, personIds: string[], now: Date): Promise<Map<string, number>> {
  if (!personIds.length) return new Map();
  const rows = await db.select({ id: grants.personId, n: count() }).from(grants).where(and(inArray(grants.personId, personIds), activeGrant(now))).groupBy(grants.personId);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** Requests where `personId` is the requester or the beneficiary, newest first. */
export async function requestsInvolving(db: Queryable, personId: string, limit = 50) {
  const beneficiary = sql<string>`(SELECT b.display_name FROM people b WHERE b.id = ${accessRequests.beneficiaryId})`;
  const requester = sql<string>`(SELECT q.display_name FROM people q WHERE q.id = ${accessRequests.requesterId})`;
  return db
    .select({
      id: accessRequests.id, status: accessRequests.status, createdAt: accessRequests.createdAt, decidedAt: accessRequests.decidedAt,
      justification: accessRequests.justification, channel: accessRequests.channel, beneficiaryId: accessRequests.beneficiaryId,
      requesterId: accessRequests.requesterId, beneficiaryName: beneficiary, requesterName: requester,
    })
    .from(accessRequests)
    .where(or(eq(accessRequests.requesterId, personId), eq(accessRequests.beneficiaryId, personId)))
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(limit);
}

export async function itemsOfRequests(db: Queryable, requestIds: string[]) {
  if (!requestIds.length) return [];
  return db
    .select({
      id: accessRequestItems.id, requestId: accessRequestItems.requestId, status: accessRequestItems.status, route: accessRequestItems.route,
      routeReason: accessRequestItems.routeReason, riskScore: accessRequestItems.riskScore, riskReasons: accessRequestItems.riskReasons,
      durationDays: accessRequestItems.durationDays, decidedAt: accessRequestItems.decidedAt,
      entitlementId: entitlements.id, entitlementName: entitlements.name, applicationId: applications.id, applicationName: applications.name,
    })
    .from(accessRequestItems)
    .innerJoin(entitlements, eq(entitlements.id, accessRequestItems.entitlementId))
    .innerJoin(applications, eq(applications.id, entitlements.applicationId))
    .where(inArray(accessRequestItems.requestId, requestIds))
    .orderBy(asc(applications.name), asc(entitlements.name));
}

export async function stepsOfItems(db: Queryable, itemIds: string[]) {
  if (!itemIds.length) return [];
  const approverName = sql<string | null>`(SELECT ap.display_name FROM people ap WHERE ap.id = ${approvalSteps.approverId})`;
  return db
    .select({
      id: approvalSteps.id, itemId: approvalSteps.itemId, stage: approvalSteps.stage, approverKind: approvalSteps.approverKind, approverId: approvalSteps.approverId,
      approverName, status: approvalSteps.status, comment: approvalSteps.comment, decidedAt: approvalSteps.decidedAt, dueAt: approvalSteps.dueAt,
    })
    .from(approvalSteps)
    .where(inArray(approvalSteps.itemId, itemIds))
    .orderBy(asc(approvalSteps.stage), asc(approvalSteps.createdAt));
}

/** Operations planned for granted request items (cause = the request), matched by person and application. */
export async function operationsForRequests(db: Queryable, requestIds: string[]) {
  if (!requestIds.length) return [];
  return db
    .select({ causeId: operations.causeId, personId: operations.personId, applicationId: operations.applicationId, entitlementId: operations.entitlementId, kind: operations.kind, status: operations.status, lastError: operations.lastError })
    .from(operations)
    .where(and(eq(operations.causeKind, "request"), inArray(operations.causeId, requestIds)));
}

export type CatalogEntitlement = Awaited<ReturnType<typeof entitlementsByIds>>[number];

// ---------------------------------------------------------------------------------------------
// Request insights (admins, security, auditors): volumes by path, time to access, decisions by department.

const decidedByPeople = sql`i.status IN ('approved','fulfilled','expired','denied') AND coalesce(i.route, '') <> 'auto' AND i.decided_at IS NOT NULL`;

/** Requests per ISO week (Monday) by path: the strictest route of the request's items (sponsor counts as manager). */
export async function requestsPerWeekByPath(db: Queryable, since: Date) {
  const r = await db.execute(sql`
    WITH per_request AS (
      SELECT r.id, date_trunc('week', r.created_at AT TIME ZONE 'UTC') AS wk,
             max(CASE i.route WHEN 'auto' THEN 0 WHEN 'manager' THEN 1 WHEN 'sponsor' THEN 1 ELSE 2 END) AS sev
      FROM access_requests r JOIN access_request_items i ON i.request_id = r.id
      WHERE r.created_at >= ${since.toISOString()} AND i.route IS NOT NULL
      GROUP BY r.id, wk)
    SELECT to_char(wk, 'YYYY-MM-DD') AS week,
           count(*) FILTER (WHERE sev = 0)::int AS auto,
           count(*) FILTER (WHERE sev = 1)::int AS manager,
           count(*) FILTER (WHERE sev = 2)::int AS owner_security
    FROM per_request GROUP BY wk ORDER BY wk`);
  return rowsOf<{ week: string; auto: number; manager: number; owner_security: number }>(r).map((x) => ({
    week: x.week, auto: Number(x.auto), manager: Number(x.manager), owner_security: Number(x.owner_security),
  }));
}

/**
 * Time to access in hours, per granted item: request created → the last succeeded provisioning operation the
 * request caused for that entitlement. Median and p95 over items created since `since`.
 */
export async function timeToAccess(db: Queryable, since: Date) {
  const r = await db.execute(sql`
    WITH t AS (
      SELECT extract(epoch FROM (max(o.finished_at) - r.created_at)) / 3600.0 AS hours
      FROM access_request_items i
      JOIN access_requests r ON r.id = i.request_id
      JOIN operations o ON o.cause_kind = 'request' AND o.cause_id = r.id::text AND o.entitlement_id = i.entitlement_id
      WHERE r.created_at >= ${since.toISOString()} AND o.status = 'succeeded' AND o.finished_at IS NOT NULL
      GROUP BY i.id, r.created_at)
    SELECT count(*)::int AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY hours) AS p95
    FROM t`);
  const row = rowsOf<{ n: number; median: number | string | null; p95: number | string | null }>(r)[0];
  const num = (v: unknown) => (v == null ? null : Number(v));
  return { n: Number(row?.n ?? 0), medianHours: num(row?.median), p95Hours: num(row?.p95) };
}

/** Items created since `since`: all of them and those the policy approved automatically. */
export async function autoApprovalCounts(db: Queryable, since: Date) {
  const r = await db.execute(sql`
    SELECT count(*)::int AS items, count(*) FILTER (WHERE i.route = 'auto')::int AS auto
    FROM access_request_items i JOIN access_requests r ON r.id = i.request_id
    WHERE r.created_at >= ${since.toISOString()} AND i.route IS NOT NULL`);
  const row = rowsOf<{ items: number; auto: number }>(r)[0];
  return { items: Number(row?.items ?? 0), auto: Number(row?.auto ?? 0) };
}

/** Decisions people made, by the beneficiary's department: count, approvals, median hours from request to decision. */
export async function decisionsByDepartment(db: Queryable, since: Date) {
  const r = await db.execute(sql`
    SELECT b.department, count(*)::int AS decided,
           count(*) FILTER (WHERE i.status <> 'denied')::int AS approved,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (i.decided_at - r.created_at)) / 3600.0) AS median_hours
    FROM access_request_items i
    JOIN access_requests r ON r.id = i.request_id
    JOIN people b ON b.id = r.beneficiary_id
    WHERE ${decidedByPeople} AND r.created_at >= ${since.toISOString()}
    GROUP BY b.department ORDER BY b.department`);
  return rowsOf<{ department: string; decided: number; approved: number; median_hours: number | string | null }>(r).map((x) => ({
    department: x.department, decided: Number(x.decided), approved: Number(x.approved), medianHours: x.median_hours == null ? null : Number(x.median_hours),
  }));
}

/**
 * Shadow routes recorded at request creation (audit event "request.created", data.shadowItemRoutes) joined with
 * what people decided on the same items. Only items people decided count (auto-approved ones had no human).
 */
export async function shadowRoutesWithDecisions(db: Queryable, shadowPolicyId?: string | null) {
  const r = await db.execute(sql`
    SELECT s.route AS would_route, CASE WHEN i.status = 'denied' THEN 'denied' ELSE 'approved' END AS human
    FROM audit_events ev
    CROSS JOIN LATERAL jsonb_to_recordset(ev.data->'shadowItemRoutes') AS s("itemId" text, route text)
    JOIN access_request_items i ON i.id::text = s."itemId"
    WHERE ev.action = 'request.created' AND jsonb_typeof(ev.data->'shadowItemRoutes') = 'array'
      AND ${shadowPolicyId ? sql`ev.data->>'shadowPolicyId' = ${shadowPolicyId}` : sql`true`}
      AND ${decidedByPeople}`);
  return rowsOf<{ would_route: "auto" | "manager" | "owner_security" | "blocked"; human: "approved" | "denied" }>(r);
}

/** The newest stored routing-policy settings per mode (jobs rows kind "routing_policy", status "succeeded"). */
export async function latestRoutingPolicyRows(db: Queryable) {
  const r = await db.execute(sql`
    SELECT DISTINCT ON (j.input->>'mode') j.id, j.input->>'mode' AS mode, j.result, j.created_at, p.display_name AS by_name
    FROM jobs j LEFT JOIN people p ON p.id = j.created_by_id
    WHERE j.kind = 'routing_policy' AND j.status = 'succeeded'
    ORDER BY j.input->>'mode', j.created_at DESC, j.id DESC`);
  return rowsOf<{ id: string; mode: string; result: Record<string, unknown> | null; created_at: string | Date; by_name: string | null }>(r);
}

/** A person's in-app notifications, newest first (ownership in the WHERE clause). */
export async function inAppNotificationsOf(db: Queryable, personId: string, limit = 100) {
  const r = await db.execute(sql`
    SELECT id, kind, title, body, link, created_at, read_at FROM notifications
    WHERE person_id = ${personId} AND channel = 'in_app'
    ORDER BY created_at DESC, id LIMIT ${limit}`);
  return rowsOf<{ id: string; kind: string; title: string; body: string; link: string | null; created_at: string | Date; read_at: string | Date | null }>(r);
}

/** Mark the person's in-app notifications read: the given ids, or all unread when ids is null. Only their own. */
export async function markNotificationsRead(db: Queryable, personId: string, ids: string[] | null, now: Date) {
  const r = await db.execute(sql`
    UPDATE notifications SET read_at = ${now.toISOString()}
    WHERE person_id = ${personId} AND channel = 'in_app' AND read_at IS NULL
      AND ${ids ? sql`id::text IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`true`}
    RETURNING id`);
  return rowsOf<{ id: string }>(r).length;
}

/** The unsent mail outbox (channel "email", sent_at null), oldest first. */
export async function unsentEmailOutbox(db: Queryable, limit = 200) {
  const r = await db.execute(sql`
    SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, p.display_name AS recipient, p.email
    FROM notifications n JOIN people p ON p.id = n.person_id
    WHERE n.channel = 'email' AND n.sent_at IS NULL
    ORDER BY n.created_at, n.id LIMIT ${limit}`);
  return rowsOf<{ id: string; kind: string; title: string; body: string; link: string | null; created_at: string | Date; recipient: string; email: string }>(r);
}
