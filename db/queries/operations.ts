import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { applications, entitlements, incidents, operations, people } from "@/db/schema";

export const OPERATION_STATUSES = ["pending", "queued", "running", "succeeded", "failed", "dead", "cancelled"] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export type OperationsSummary = {
  counts: Record<OperationStatus, number>;
  /** Operations still to do (pending + queued + running + failed). */
  open: number;
  succeededLast5Min: number;
  openIncidents: number;
  at: string;
};

/** Counts by status (one grouped query) and headline figures for the live queue view. */
export async function operationsSummary(db: Queryable): Promise<OperationsSummary> {
  const since = new Date(Date.now() - 5 * 60_000);
  const [byStatus, [recent], [inc]] = await Promise.all([
    db.select({ status: operations.status, n: sql<number>`count(*)::int` }).from(operations).groupBy(operations.status),
    db.select({ n: sql<number>`count(*)::int` }).from(operations).where(and(eq(operations.status, "succeeded"), gt(operations.finishedAt, since))),
    db.select({ n: sql<number>`count(*)::int` }).from(incidents).where(inArray(incidents.status, ["open", "retrying"])),
  ]);
  const counts = Object.fromEntries(OPERATION_STATUSES.map((s) => [s, 0])) as Record<OperationStatus, number>;
  for (const r of byStatus) counts[r.status] = Number(r.n);
  return {
    counts,
    open: counts.pending + counts.queued + counts.running + counts.failed,
    succeededLast5Min: Number(recent?.n ?? 0),
    openIncidents: Number(inc?.n ?? 0),
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
