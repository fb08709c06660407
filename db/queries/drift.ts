import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, applications, driftFindings, entitlements, people } from "@/db/schema";

export type DriftFindingRow = {
  id: string;
  kind: string;
  detail: string;
  status: "open" | "accepted";
  applicationId: string;
  applicationName: string;
  personId: string | null;
  personName: string | null;
  userName: string | null;
  entitlementName: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  acceptedReason: string | null;
  acceptedUntil: Date | null;
};

/** Drift findings still live (open, or accepted exceptions), of one application or one person, oldest first. */
export async function liveDriftFindings(db: Queryable, where: { applicationId?: string; personId?: string }, limit = 200): Promise<DriftFindingRow[]> {
  const rows = await db
    .select({
      id: driftFindings.id,
      kind: driftFindings.kind,
      detail: driftFindings.detail,
      status: driftFindings.status,
      applicationId: driftFindings.applicationId,
      applicationName: applications.name,
      personId: driftFindings.personId,
      personName: people.displayName,
      userName: accounts.username,
      entitlementName: entitlements.name,
      firstSeenAt: driftFindings.firstSeenAt,
      lastSeenAt: driftFindings.lastSeenAt,
      acceptedReason: driftFindings.acceptedReason,
      acceptedUntil: driftFindings.acceptedUntil,
    })
    .from(driftFindings)
    .innerJoin(applications, eq(applications.id, driftFindings.applicationId))
    .leftJoin(people, eq(people.id, driftFindings.personId))
    .leftJoin(accounts, eq(accounts.id, driftFindings.accountId))
    .leftJoin(entitlements, eq(entitlements.id, driftFindings.entitlementId))
    .where(
      and(
        inArray(driftFindings.status, ["open", "accepted"]),
        where.applicationId ? eq(driftFindings.applicationId, where.applicationId) : undefined,
        where.personId ? eq(driftFindings.personId, where.personId) : undefined,
      ),
    )
    .orderBy(asc(driftFindings.firstSeenAt), asc(driftFindings.key))
    .limit(Math.min(limit, 1000));
  return rows as DriftFindingRow[];
}

/** Open drift findings and accepted exceptions per application. */
export async function driftFindingCounts(db: Queryable): Promise<Map<string, { open: number; accepted: number }>> {
  const rows = await db
    .select({
      applicationId: driftFindings.applicationId,
      open: sql<number>`count(*) FILTER (WHERE ${driftFindings.status} = 'open')::int`,
      accepted: sql<number>`count(*) FILTER (WHERE ${driftFindings.status} = 'accepted')::int`,
    })
    .from(driftFindings)
    .where(inArray(driftFindings.status, ["open", "accepted"]))
    .groupBy(driftFindings.applicationId);
  return new Map(rows.map((r) => [r.applicationId, { open: Number(r.open), accepted: Number(r.accepted) }]));
}
