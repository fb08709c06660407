/**
 * Dispatch and claim: which operations may run now, and the exclusive claim of one of them (SQL only; the
 * worker's loop is in worker.ts, the execution in execute.ts).
 *
 * 1. dispatch (takeReady): one statement moves ready operations to `queued` (FOR UPDATE SKIP LOCKED, so two
 *    dispatchers never take the same row); the ids are then sent as pg-boss jobs. Ready = pending with no earlier
 *    open operation of the same person in the same application and its `dependsOn` succeeded; or failed and its
 *    backoff elapsed; or queued/running whose lease ran out (job lost, worker killed). Never in a system whose
 *    circuit breaker is open (its queue is paused until the probe sees it answer, breaker.ts). Leavers' work
 *    (disable, revoke_sessions) goes first, then the oldest.
 * 2. claim: `UPDATE … SET status='running', attempts=attempts+1, lease_until=now()+lease WHERE id=$1 AND
 *    <claimable> AND <no open predecessor> AND <breaker closed> AND <per-application in-flight and rate limits>
 *    RETURNING *`, in a transaction holding the application's advisory lock so the limits are global across
 *    workers. Row locking makes the UPDATE itself the mutual exclusion: of two workers holding jobs for one
 *    operation, exactly one gets the row back; the other's job ends without doing anything.
 *
 * `lease_until` means "not to be taken again before": the lease of a running operation, the backoff of a failed
 * one, the redelivery deadline of a queued one.
 */
import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";
import { operations, type Operation } from "@/db/schema";

export const ms = (n: number) => sql.raw(`interval '${Math.max(0, Math.round(n))} milliseconds'`);

/** No earlier open operation of the same person in the same application; hard dependency succeeded. */
export const READY = sql.raw(`
  NOT EXISTS (
    SELECT 1 FROM operations e
    WHERE e.person_id = o.person_id AND e.application_id = o.application_id AND e.id <> o.id
      AND e.status IN ('pending','queued','running','failed')
      AND (e.created_at, e.sequence, e.id) < (o.created_at, o.sequence, o.id))
  AND (o.depends_on IS NULL OR EXISTS (SELECT 1 FROM operations d WHERE d.id = o.depends_on AND d.status = 'succeeded'))`);

/** The system of `o` is not paused by an open circuit breaker. */
export const BREAKER_CLOSED = sql.raw(`NOT EXISTS (SELECT 1 FROM circuit_breakers cb WHERE cb.application_id = o.application_id AND cb.state = 'open')`);

/** Leavers first: 0 for disable and revoke_sessions, 1 for the rest. */
export const PRIORITY = sql.raw(`(CASE WHEN o.kind IN ('disable','revoke_sessions') THEN 0 ELSE 1 END)`);
export const isLeaverKind = (kind: string) => kind === "disable" || kind === "revoke_sessions";

/**
 * Move ready operations to `queued` and return them (to be sent as jobs). Per application, no more are sent than
 * it has free in-flight slots (queued + running count against them), so jobs rarely bounce off the claim's limit.
 */
export async function takeReady(
  db: Queryable,
  opts: { limit: number; redeliverMs: number; perAppMaxInFlight: number },
): Promise<Array<{ id: string; application_id: string; kind: string }>> {
  const r = await db.execute(sql`
    WITH cand AS (
      SELECT o.id, o.application_id, o.created_at, o.sequence, ${PRIORITY} AS prio FROM operations o
      WHERE ((o.status = 'pending' AND ${READY})
         OR (o.status = 'failed' AND (o.lease_until IS NULL OR o.lease_until <= now()))
         OR (o.status IN ('queued','running') AND o.lease_until < now()))
        AND ${BREAKER_CLOSED}),
    ranked AS (
      SELECT c.id, c.prio, c.created_at, c.sequence,
             row_number() OVER (PARTITION BY c.application_id ORDER BY c.prio, c.created_at, c.sequence) AS rn,
             coalesce((a.config->>'maxInFlight')::int, ${opts.perAppMaxInFlight})
               - (SELECT count(*) FROM operations b
                  WHERE b.application_id = c.application_id AND b.status IN ('queued','running') AND b.lease_until >= now()
                    AND (b.result->>'manualTaskId') IS NULL) AS free
      FROM cand c JOIN applications a ON a.id = c.application_id),
    ready AS (
      SELECT o.id FROM operations o JOIN ranked r ON r.id = o.id
      WHERE r.rn <= r.free
      ORDER BY r.prio, r.created_at, r.sequence
      LIMIT ${opts.limit}
      FOR UPDATE OF o SKIP LOCKED)
    UPDATE operations u SET status = 'queued', lease_until = now() + ${ms(opts.redeliverMs)}
    FROM ready WHERE u.id = ready.id
    RETURNING u.id, u.application_id, u.kind`);
  return rowsOf(r);
}

/** Exclusive claim of one operation (see the file comment). */
export async function claimOperation(db: Queryable, operationId: string, opts: { leaseMs: number; perAppMaxInFlight: number }): Promise<Operation | null> {
  return db.transaction(async (tx) => {
    const [head] = await tx.select({ applicationId: operations.applicationId }).from(operations).where(eq(operations.id, operationId));
    if (!head) return null;
    // Serialise claims per application so the in-flight and rate limits hold across workers.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`gatehouse:provision:${head.applicationId}`}))`);
    const r = await tx.execute(sql`
      UPDATE operations o
      SET status = 'running', attempts = o.attempts + 1, lease_until = now() + ${ms(opts.leaseMs)}, started_at = now()
      FROM applications a
      WHERE o.id = ${operationId} AND a.id = o.application_id
        AND (o.status IN ('pending','queued')
             OR (o.status = 'failed' AND (o.lease_until IS NULL OR o.lease_until <= now()))
             OR (o.status = 'running' AND o.lease_until < now()))
        AND ${READY}
        AND ${BREAKER_CLOSED}
        AND (SELECT count(*) FROM operations r
             WHERE r.application_id = o.application_id AND r.status = 'running' AND r.lease_until >= now() AND r.id <> o.id
               AND (r.result->>'manualTaskId') IS NULL)
            < coalesce((a.config->>'maxInFlight')::int, ${opts.perAppMaxInFlight})
        AND (coalesce((a.config->>'rateLimitPerSecond')::numeric, 0) <= 0
             OR (SELECT count(*) FROM operations r
                 WHERE r.application_id = o.application_id AND r.id <> o.id
                   AND r.started_at > now() - make_interval(secs => greatest(1, 1 / (a.config->>'rateLimitPerSecond')::numeric)::double precision))
                < greatest(1, floor((a.config->>'rateLimitPerSecond')::numeric)))
      RETURNING o.id`);
    const got = rowsOf<{ id: string }>(r);
    if (got.length === 0) {
      // Waiting for a predecessor, throttled or paused: back to pending; the next sweep sends it again when ready.
      await tx.update(operations).set({ status: "pending", leaseUntil: null }).where(and(eq(operations.id, operationId), eq(operations.status, "queued")));
      return null;
    }
    const [op] = await tx.select().from(operations).where(eq(operations.id, operationId));
    return op ?? null;
  });
}

/** Operations that still have work to do now or soon (blocked ones, whose dependency is dead, are not counted). */
export async function activeCount(db: Queryable): Promise<number> {
  const r = await db.execute(sql`
    SELECT count(*)::int AS n FROM operations o
    WHERE o.status IN ('queued','running','failed') OR (o.status = 'pending' AND ${READY})`);
  return Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0);
}
