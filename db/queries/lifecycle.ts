/**
 * Lifecycle reads: HR events with what they caused, lifecycle figures, a person's timeline.
 *
 * Attribution is by person and time: an HR event owns the operations of its person created from its receivedAt
 * until the next HR event of that person (LEAD over the person's events). Only operations planned by HR sources
 * and the lifecycle sweep count (cause_kind 'hr.%' or 'lifecycle.%'), so a request approved in between is not
 * mistaken for a consequence. "Access complete" for an event = all its operations are in a final state;
 * its duration = last finishedAt − receivedAt, deletes after retention left out (access ends at the disable; the
 * delete follows weeks later by policy). All queries are set-based (one statement each).
 */
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { rowsOf } from "@/db/client";


/** The operations belonging to each HR event (CTE `eo`): event id, operation columns. */
const EVENT_OPS = sql`
  ev AS (
    SELECT e.*, LEAD(e.received_at) OVER (PARTITION BY e.person_id ORDER BY e.received_at, e.id) AS next_at FROM hr_events e),
  eo AS (
    SELECT ev.id AS event_id, o.id AS op_id, o.kind, o.status, o.created_at, o.finished_at, o.application_id, o.entitlement_id
    FROM ev JOIN operations o ON o.person_id = ev.person_id AND o.created_at >= ev.received_at
      AND (ev.next_at IS NULL OR o.created_at < ev.next_at)
      AND (o.cause_kind LIKE 'hr.%' OR o.cause_kind LIKE 'lifecycle.%'))`;

export type LifecycleEventRow = {
  id: string; personId: string | null; personName: string | null; employeeId: string | null; kind: string; source: string; status: string;
  receivedAt: string; completedAt: string | null; changes: Record<string, { from: unknown; to: unknown }>;
  operations: number; succeeded: number; open: number; failed: number; lastFinishedAt: string | null; kinds: string[];
};

export async function listLifecycleEvents(db: Queryable, opts: { kind?: string; limit?: number; offset?: number } = {}): Promise<{ rows: LifecycleEventRow[]; total: number }> {
  const limit = Math.min(opts.limit ?? 50, 500);
  const kindFilter = opts.kind ? sql`AND e.kind = ${opts.kind}` : sql``;
  const rows = rowsOf<{
    id: string; person_id: string | null; display_name: string | null; employee_id: string | null; kind: string; source: string; status: string;
    received_at: string; completed_at: string | null; changes: LifecycleEventRow["changes"]; operations: number; succeeded: number; open: number; failed: number;
    last_finished_at: string | null; kinds: string[] | null; total: number;
  }>(
    await db.execute(sql`
      WITH page AS (
        SELECT e.id, count(*) OVER ()::int AS total FROM hr_events e WHERE true ${kindFilter}
        ORDER BY e.received_at DESC, e.id LIMIT ${limit} OFFSET ${opts.offset ?? 0}),
      ev AS (
        SELECT e.*, LEAD(e.received_at) OVER (PARTITION BY e.person_id ORDER BY e.received_at, e.id) AS next_at
        FROM hr_events e WHERE e.person_id IN (SELECT h.person_id FROM hr_events h JOIN page ON page.id = h.id))
      SELECT ev.id, ev.person_id, p.display_name, p.employee_id, ev.kind, ev.source, ev.status, ev.received_at::text, ev.completed_at::text, ev.changes, page.total,
        count(o.id)::int AS operations,
        count(o.id) FILTER (WHERE o.status = 'succeeded')::int AS succeeded,
        count(o.id) FILTER (WHERE o.status IN ('pending','queued','running','failed'))::int AS open,
        count(o.id) FILTER (WHERE o.status IN ('dead','failed'))::int AS failed,
        max(o.finished_at)::text AS last_finished_at,
        array_remove(array_agg(DISTINCT o.kind), NULL) AS kinds
      FROM ev JOIN page ON page.id = ev.id
      LEFT JOIN people p ON p.id = ev.person_id
      LEFT JOIN operations o ON o.person_id = ev.person_id AND o.created_at >= ev.received_at
        AND (ev.next_at IS NULL OR o.created_at < ev.next_at) AND (o.cause_kind LIKE 'hr.%' OR o.cause_kind LIKE 'lifecycle.%')
      GROUP BY ev.id, ev.person_id, p.display_name, p.employee_id, ev.kind, ev.source, ev.status, ev.received_at, ev.completed_at, ev.changes, page.total
      ORDER BY ev.received_at DESC, ev.id`),
  );
  return {
    total: rows[0]?.total ?? 0,
    rows: rows.map((r) => ({
      id: r.id, personId: r.person_id, personName: r.display_name, employeeId: r.employee_id, kind: r.kind, source: r.source, status: r.status,
      receivedAt: r.received_at, completedAt: r.completed_at, changes: r.changes ?? {}, operations: r.operations, succeeded: r.succeeded, open: r.open,
      failed: r.failed, lastFinishedAt: r.last_finished_at, kinds: r.kinds ?? [],
    })),
  };
}

export type LifecycleStats = {
  events30d: number;
  /** HR event → last operation finished, over events whose operations are all final (seconds). */
  completion: { events: number; medianSeconds: number | null; p95Seconds: number | null };
  /** Leaver events whose operations are all done, by kind. */
  byKind: Array<{ kind: string; events: number; medianSeconds: number | null }>;
  openEvents: number;
  openLeaversWithAccess: number;
};

export async function lifecycleStats(db: Queryable, now = new Date()): Promise<LifecycleStats> {
  const [c] = rowsOf<{ events: number; median: number | null; p95: number | null }>(
    await db.execute(sql`
      WITH ${EVENT_OPS},
      done AS (
        SELECT ev.id, ev.kind, EXTRACT(EPOCH FROM (max(eo.finished_at) - ev.received_at))::float8 AS secs
        FROM ev JOIN eo ON eo.event_id = ev.id AND eo.kind <> 'delete' GROUP BY ev.id, ev.kind, ev.received_at
        HAVING bool_and(eo.status IN ('succeeded','cancelled','dead')) AND max(eo.finished_at) IS NOT NULL)
      SELECT count(*)::int AS events, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median, percentile_cont(0.95) WITHIN GROUP (ORDER BY secs) AS p95 FROM done`),
  );
  const byKind = rowsOf<{ kind: string; events: number; median: number | null }>(
    await db.execute(sql`
      WITH ${EVENT_OPS},
      done AS (
        SELECT ev.id, ev.kind, EXTRACT(EPOCH FROM (max(eo.finished_at) - ev.received_at))::float8 AS secs
        FROM ev JOIN eo ON eo.event_id = ev.id AND eo.kind <> 'delete' GROUP BY ev.id, ev.kind, ev.received_at
        HAVING bool_and(eo.status IN ('succeeded','cancelled','dead')) AND max(eo.finished_at) IS NOT NULL)
      SELECT kind, count(*)::int AS events, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median FROM done GROUP BY kind ORDER BY kind`),
  );
  const [o] = rowsOf<{ events30d: number; open_events: number; open_leavers: number }>(
    await db.execute(sql`
      SELECT
        (SELECT count(*)::int FROM hr_events WHERE received_at >= ${new Date(now.getTime() - 30 * 86_400_000).toISOString()}::timestamptz) AS events30d,
        (SELECT count(*)::int FROM hr_events WHERE status IN ('received','planned')) AS open_events,
        (SELECT count(*)::int FROM people p WHERE p.status = 'terminated' AND EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.status IN ('active','pending'))) AS open_leavers`),
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    events30d: o?.events30d ?? 0,
    completion: { events: c?.events ?? 0, medianSeconds: num(c?.median), p95Seconds: num(c?.p95) },
    byKind: byKind.map((k) => ({ kind: k.kind, events: k.events, medianSeconds: num(k.median) })),
    openEvents: o?.open_events ?? 0,
    openLeaversWithAccess: o?.open_leavers ?? 0,
  };
}

export type OpenLeaverRow = { personId: string; name: string; employeeId: string; endDate: string | null; liveAccounts: number; applications: string[]; openOperations: number; leftAt: string | null };

/** Leavers who still have a live (active or pending) account somewhere, longest-waiting first. */
export async function openLeavers(db: Queryable, limit = 100): Promise<OpenLeaverRow[]> {
  return rowsOf<{ id: string; display_name: string; employee_id: string; end_date: string | null; live: number; apps: string[]; open_ops: number; left_at: string | null }>(
    await db.execute(sql`
      SELECT p.id, p.display_name, p.employee_id, p.end_date::text,
        count(DISTINCT a.id)::int AS live, array_agg(DISTINCT ap.name) AS apps,
        (SELECT count(*)::int FROM operations o WHERE o.person_id = p.id AND o.status IN ('pending','queued','running','failed')) AS open_ops,
        (SELECT max(e.received_at)::text FROM hr_events e WHERE e.person_id = p.id AND e.kind = 'leaver') AS left_at
      FROM people p JOIN accounts a ON a.person_id = p.id AND a.status IN ('active','pending') JOIN applications ap ON ap.id = a.application_id
      WHERE p.status = 'terminated'
      GROUP BY p.id ORDER BY left_at NULLS FIRST, p.display_name LIMIT ${limit}`),
  ).map((r) => ({ personId: r.id, name: r.display_name, employeeId: r.employee_id, endDate: r.end_date, liveAccounts: r.live, applications: r.apps ?? [], openOperations: r.open_ops, leftAt: r.left_at }));
}

export type TimelineGrant = { entitlement: string; application: string; source: string; reason: string; at: string };
export type TimelineOperation = {
  id: string; kind: string; application: string; entitlement: string | null; status: string; createdAt: string; finishedAt: string | null; lastError: string | null;
  /** What an enable did to the account's credential (connector's answer): a rehire's new random password, or none. */
  credential: "reset" | "none" | "unchanged" | null;
};
export type TimelineEntry = {
  event: { id: string; kind: string; source: string; status: string; receivedAt: string; completedAt: string | null; changes: Record<string, { from: unknown; to: unknown }> };
  grantsAdded: TimelineGrant[];
  grantsRemoved: TimelineGrant[];
  operations: TimelineOperation[];
};

/**
 * Every HR event of a person (newest first) and what it caused until the next one: birthright grants added,
 * grants revoked or expired, and the operations planned by HR sources / the lifecycle sweep, with their state.
 */
export async function personTimeline(db: Queryable, personId: string): Promise<TimelineEntry[]> {
  const events = rowsOf<{ id: string; kind: string; source: string; status: string; received_at: string; effective_at: string; completed_at: string | null; changes: TimelineEntry["event"]["changes"]; next_at: string | null; next_eff: string | null }>(
    await db.execute(sql`
      SELECT id, kind, source, status, received_at::text, effective_at::text, completed_at::text, changes,
        LEAD(received_at) OVER (ORDER BY received_at, id)::text AS next_at,
        LEAD(effective_at) OVER (ORDER BY received_at, id)::text AS next_eff
      FROM hr_events WHERE person_id = ${personId}::uuid ORDER BY received_at, id`),
  );
  if (events.length === 0) return [];
  const first = new Date(Math.min(new Date(events[0].received_at).getTime(), new Date(events[0].effective_at).getTime())).toISOString();
  const grants = rowsOf<{ entitlement: string; application: string; source: string; reason: string; revoke_reason: string | null; granted_at: string; revoked_at: string | null }>(
    await db.execute(sql`
      SELECT e.name AS entitlement, a.name AS application, g.source::text AS source, g.reason, g.revoke_reason, g.granted_at::text, g.revoked_at::text
      FROM grants g JOIN entitlements e ON e.id = g.entitlement_id JOIN applications a ON a.id = e.application_id
      WHERE g.person_id = ${personId}::uuid AND (g.granted_at >= ${first}::timestamptz OR g.revoked_at >= ${first}::timestamptz)`),
  );
  const ops = rowsOf<{ id: string; kind: string; application: string; entitlement: string | null; status: string; created_at: string; finished_at: string | null; last_error: string | null; credential: TimelineOperation["credential"] }>(
    await db.execute(sql`
      SELECT o.id, o.kind, a.name AS application, e.name AS entitlement, o.status, o.created_at::text, o.finished_at::text, o.last_error, o.result->>'credential' AS credential
      FROM operations o JOIN applications a ON a.id = o.application_id LEFT JOIN entitlements e ON e.id = o.entitlement_id
      WHERE o.person_id = ${personId}::uuid AND o.created_at >= ${first}::timestamptz AND (o.cause_kind LIKE 'hr.%' OR o.cause_kind LIKE 'lifecycle.%')
      ORDER BY o.created_at, o.sequence`),
  );
  const t = (s: string) => new Date(s).getTime();
  // Grants carry the pipeline's clock, which is also the event's effectiveAt; operations the database's
  // transaction time, which is the event's receivedAt. Each is attributed with the matching clock.
  const inWindow = (at: string | null, from: string, to: string | null) => at !== null && t(at) >= t(from) && (to === null || t(at) < t(to));
  return events
    .map((ev) => ({
      event: { id: ev.id, kind: ev.kind, source: ev.source, status: ev.status, receivedAt: ev.received_at, completedAt: ev.completed_at, changes: ev.changes ?? {} },
      grantsAdded: grants.filter((g) => g.source === "birthright" && inWindow(g.granted_at, ev.effective_at, ev.next_eff)).map((g) => ({ entitlement: g.entitlement, application: g.application, source: g.source, reason: g.reason, at: g.granted_at })),
      grantsRemoved: grants.filter((g) => inWindow(g.revoked_at, ev.effective_at, ev.next_eff)).map((g) => ({ entitlement: g.entitlement, application: g.application, source: g.source, reason: g.revoke_reason ?? "", at: g.revoked_at! })),
      operations: ops.filter((o) => inWindow(o.created_at, ev.received_at, ev.next_at)).map((o) => ({ id: o.id, kind: o.kind, application: o.application, entitlement: o.entitlement, status: o.status, createdAt: o.created_at, finishedAt: o.finished_at, lastError: o.last_error, credential: o.credential ?? null })),
    }))
    .reverse();
}
