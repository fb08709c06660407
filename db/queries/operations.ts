import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { rowsOf } from "@/db/client";
import { applications, circuitBreakers, entitlements, incidents, operations, people } from "@/db/schema";

export const OPERATION_STATUSES = ["pending", "queued", "running", "succeeded", "failed", "dead", "cancelled"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export type OperationsSummary = {
  counts: Record<OperationStatus, number>;
  /** Operations still to do (pending + queued + running + failed). */
  open: number;
  succeededLast5Min: number;
  openIncidents: number;
  /** Set when ready work has waited more than a minute and no operation was picked up in the last minute (no worker running?). */
  stalled: { waiting: number; oldestReadyAt: string; lastPickupAt: string | null } | null;
  /** Systems whose circuit breaker is open: their queue is paused while a probe checks them. */
  paused: Array<{ applicationId: string; name: string; since: string | null; lastError: string | null; waiting: number }>;
  at: string;
};

/**
 * "Nothing has picked up work for more than a minute": operations ready to run (pending and not waiting for a
 * predecessor, or queued) in a system that is not paused, the oldest older than `staleMs`, and no operation started
 * within `staleMs`. Backoffs and paused systems are waiting on purpose and do not count.
 */
export async function stalledWork(db: Queryable, staleMs = 60_000): Promise<OperationsSummary["stalled"]> {
  const r = rowsOf<{ waiting: number; oldest: string | Date | null; last: string | Date | null }>(
    await db.execute(sql`
      SELECT (SELECT count(*)::int FROM operations o
              WHERE o.status IN ('pending','queued')
                AND NOT EXISTS (SELECT 1 FROM circuit_breakers cb WHERE cb.application_id = o.application_id AND cb.state = 'open')
                AND NOT EXISTS (SELECT 1 FROM operations e WHERE e.person_id = o.person_id AND e.application_id = o.application_id AND e.id <> o.id
                                AND e.status IN ('pending','queued','running','failed') AND (e.created_at, e.sequence, e.id) < (o.created_at, o.sequence, o.id))
                AND (o.depends_on IS NULL OR EXISTS (SELECT 1 FROM operations d WHERE d.id = o.depends_on AND d.status = 'succeeded'))
                AND o.created_at < now() - make_interval(secs => ${staleMs / 1000})) AS waiting,
             (SELECT min(o.created_at) FROM operations o WHERE o.status IN ('pending','queued')
                AND NOT EXISTS (SELECT 1 FROM circuit_breakers cb WHERE cb.application_id = o.application_id AND cb.state = 'open')) AS oldest,
             (SELECT max(started_at) FROM operations) AS last`),
  )[0];
  if (!r || Number(r.waiting) === 0) return null;
  const last = r.last ? new Date(r.last) : null;
  if (last && Date.now() - last.getTime() < staleMs) return null;
  return { waiting: Number(r.waiting), oldestReadyAt: new Date(r.oldest ?? Date.now()).toISOString(), lastPickupAt: last?.toISOString() ?? null };
}

/** Systems whose circuit breaker is open, with how much work waits for them. */
export async function pausedSystems(db: Queryable): Promise<OperationsSummary["paused"]> {
  const rows = await db
    .select({
      applicationId: circuitBreakers.applicationId,
      name: applications.name,
      since: circuitBreakers.openedAt,
      lastError: circuitBreakers.lastError,
      waiting: sql<number>`(SELECT count(*)::int FROM operations o WHERE o.application_id = ${circuitBreakers.applicationId} AND o.status IN ('pending','queued','failed'))`,
    })
    .from(circuitBreakers)
    .innerJoin(applications, eq(applications.id, circuitBreakers.applicationId))
    .where(eq(circuitBreakers.state, "open"));
  return rows.map((r) => ({ ...r, since: r.since?.toISOString() ?? null, waiting: Number(r.waiting) }));
}

/** Counts by status (one grouped query) and headline figures for the live queue view. */
export async function operationsSummary(db: Queryable): Promise<OperationsSummary> {
  const since = new Date(Date.now() - 5 * 60_000);
  const [byStatus, [recent], [inc], stalled, paused] = await Promise.all([
    db.select({ status: operations.status, n: sql<number>`count(*)::int` }).from(operations).groupBy(operations.status),
    db.select({ n: sql<number>`count(*)::int` }).from(operations).where(and(eq(operations.status, "succeeded"), gt(operations.finishedAt, since))),
    db.select({ n: sql<number>`count(*)::int` }).from(incidents).where(inArray(incidents.status, ["open", "retrying"])),
    stalledWork(db),
    pausedSystems(db),
  ]);
  const counts = Object.fromEntries(OPERATION_STATUSES.map((s) => [s, 0])) as Record<OperationStatus, number>;
  for (const r of byStatus) counts[r.status] = Number(r.n);
  return {
    counts,
    open: counts.pending + counts.queued + counts.running + counts.failed,
    succeededLast5Min: Number(recent?.n ?? 0),
    openIncidents: Number(inc?.n ?? 0),
    stalled,
    paused,
    at: new Date().toISOString(),
  };
}

const opColumns = {
  id: operations.id,
  kind: operations.kind,
  status: operations.status,
  personId: operations.personId,
  personName: people.displayName,
  applicationId: operations.applicationId,
  applicationName: applications.name,
  entitlementId: operations.entitlementId,
  entitlementName: entitlements.name,
  reason: sql<string | null>`${operations.payload}->>'reason'`,
  attempts: operations.attempts,
  lastError: operations.lastError,
  causeKind: operations.causeKind,
  causeId: operations.causeId,
  sequence: operations.sequence,
  createdAt: operations.createdAt,
  startedAt: operations.startedAt,
  finishedAt: operations.finishedAt,
};

export type OperationRow = {
  id: string;
  kind: string;
  status: OperationStatus;
  personId: string | null;
  personName: string | null;
  applicationId: string;
  applicationName: string;
  entitlementId: string | null;
  entitlementName: string | null;
  reason: string | null;
  attempts: number;
  lastError: string | null;
  causeKind: string;
  causeId: string | null;
  sequence: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/** Most recent operations first, optionally of one status. */
export async function recentOperations(db: Queryable, opts: { limit?: number; status?: OperationStatus } = {}): Promise<OperationRow[]> {
  const rows = await db
    .select(opColumns)
    .from(operations)
    .innerJoin(applications, eq(applications.id, operations.applicationId))
    .leftJoin(people, eq(people.id, operations.personId))
    .leftJoin(entitlements, eq(entitlements.id, operations.entitlementId))
    .where(opts.status ? eq(operations.status, opts.status) : undefined)
    .orderBy(desc(operations.createdAt), desc(operations.sequence))
    .limit(Math.min(opts.limit ?? 50, 500));
  return rows as OperationRow[];
}

/**
 * A person's provisioning history, newest first (for the person page): what was planned for them, why, and
 * where it stands. Shape: OperationRow[] (kind, status, application, entitlement, reason, attempts, lastError,
 * cause, timestamps).
 */
export async function personOperations(db: Queryable, personId: string, limit = 50): Promise<OperationRow[]> {
  const rows = await db
    .select(opColumns)
    .from(operations)
    .innerJoin(applications, eq(applications.id, operations.applicationId))
    .leftJoin(people, eq(people.id, operations.personId))
    .leftJoin(entitlements, eq(entitlements.id, operations.entitlementId))
    .where(eq(operations.personId, personId))
    .orderBy(desc(operations.createdAt), desc(operations.sequence))
    .limit(Math.min(limit, 500));
  return rows as OperationRow[];
}

export type IncidentRow = {
  id: string;
  title: string;
  error: string;
  status: "open" | "retrying" | "resolved";
  createdAt: Date;
  personId: string | null;
  personName: string | null;
  applicationId: string | null;
  applicationName: string | null;
  operationId: string | null;
  operationKind: string | null;
  attempts: number | null;
};

/** Incidents needing attention (open, or being retried), oldest first. */
export async function openIncidents(db: Queryable, limit = 200): Promise<IncidentRow[]> {
  const rows = await db
    .select({
      id: incidents.id,
      title: incidents.title,
      error: incidents.error,
      status: incidents.status,
      createdAt: incidents.createdAt,
      personId: incidents.personId,
      personName: people.displayName,
      applicationId: incidents.applicationId,
      applicationName: applications.name,
      operationId: incidents.operationId,
      operationKind: operations.kind,
      attempts: operations.attempts,
    })
    .from(incidents)
    .leftJoin(people, eq(people.id, incidents.personId))
    .leftJoin(applications, eq(applications.id, incidents.applicationId))
    .leftJoin(operations, eq(operations.id, incidents.operationId))
    .where(inArray(incidents.status, ["open", "retrying"]))
    .orderBy(incidents.createdAt)
    .limit(limit);
  return rows as IncidentRow[];
}

export type IncidentGroups = {
  bySystem: Array<{ applicationId: string; name: string; n: number }>;
  byKind: Array<{ kind: string; n: number }>;
};

/** Incidents needing attention, counted per system and per kind (an operation kind, or "system"), for bulk retry. */
export async function incidentGroups(db: Queryable): Promise<IncidentGroups> {
  const kindExpr = sql<string>`coalesce(${operations.kind}, 'system')`;
  const live = inArray(incidents.status, ["open", "retrying"]);
  const [bySystem, byKind] = await Promise.all([
    db
      .select({ applicationId: applications.id, name: applications.name, n: sql<number>`count(*)::int` })
      .from(incidents)
      .innerJoin(applications, eq(applications.id, incidents.applicationId))
      .where(live)
      .groupBy(applications.id, applications.name)
      .orderBy(applications.name),
    db.select({ kind: kindExpr, n: sql<number>`count(*)::int` }).from(incidents).leftJoin(operations, eq(operations.id, incidents.operationId)).where(live).groupBy(kindExpr).orderBy(kindExpr),
  ]);
  return { bySystem: bySystem.map((r) => ({ ...r, n: Number(r.n) })), byKind: byKind.map((r) => ({ kind: String(r.kind), n: Number(r.n) })) };
}
