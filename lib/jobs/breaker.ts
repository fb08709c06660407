/**
 * Per-system circuit breaker, shared by every worker process through the `circuit_breakers` table.
 *
 *   closed ──(breakerThreshold consecutive retryable failures)──► open: the system's queue pauses (dispatch and
 *          claim skip it), a system incident opens, and a probe (the connector's testConnection) runs every
 *          probeIntervalMs, taken by one worker at a time (the UPDATE of next_probe_at is the claim).
 *   open ──(a probe answers, or an operation in flight succeeds)──► closed: the failed operations of the system
 *          are due at once (their backoff is cleared), the incident is resolved, the dispatcher is woken. With
 *          the worker's per-application in-flight limit the queue then drains at the system's own pace.
 *
 * No state in memory: a worker killed while a breaker is open changes nothing; the next one probes.
 */
import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/client";
import { applications, circuitBreakers, incidents, operations } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { ConnectorFor } from "@/lib/services/provisioning/connector-for";
import { ms } from "./dispatch";

/** A retryable failure in the system. Returns true when it opened the breaker. */
export async function noteFailure(db: Queryable, applicationId: string, error: string, opts: { breakerThreshold: number; probeIntervalMs: number }): Promise<boolean> {
  const r = await db.execute(sql`
    INSERT INTO circuit_breakers (application_id, consecutive_failures, last_error, updated_at)
    VALUES (${applicationId}, 1, ${error}, now())
    ON CONFLICT (application_id) DO UPDATE SET consecutive_failures = circuit_breakers.consecutive_failures + 1,
      last_error = excluded.last_error, updated_at = now()
    RETURNING state, consecutive_failures`);
  const row = rowsOf<{ state: string; consecutive_failures: number }>(r)[0];
  if (!row || row.state !== "closed" || Number(row.consecutive_failures) < opts.breakerThreshold) return false;
  return db.transaction(async (tx) => {
    const opened = await tx
      .update(circuitBreakers)
      .set({ state: "open", openedAt: sql`now()`, nextProbeAt: sql`now() + ${ms(opts.probeIntervalMs)}`, updatedAt: sql`now()` })
      .where(and(eq(circuitBreakers.applicationId, applicationId), eq(circuitBreakers.state, "closed")))
      .returning({ applicationId: circuitBreakers.applicationId });
    if (opened.length === 0) return false; // another worker opened it first
    const [app] = await tx.select({ name: applications.name, key: applications.key }).from(applications).where(eq(applications.id, applicationId));
    const [inc] = await tx
      .insert(incidents)
      .values({
        applicationId,
        title: `${app?.name ?? "A system"} is not answering: its provisioning is paused and it is probed every ${Math.round(opts.probeIntervalMs / 1000)} s`,
        error: error.slice(0, 2000),
      })
      .returning({ id: incidents.id });
    await tx.update(circuitBreakers).set({ incidentId: inc!.id }).where(eq(circuitBreakers.applicationId, applicationId));
    await recordAudit(tx, {
      actorKind: "worker",
      action: "system.circuit_opened",
      targetKind: "application",
      targetId: applicationId,
      data: { application: app?.key, consecutiveFailures: Number(row.consecutive_failures), error: error.slice(0, 500), incidentId: inc!.id },
    });
    return true;
  });
}

/** A success in the system: resets the failure count; closes an open breaker. Returns operations released. */
export async function noteSuccess(db: Queryable, applicationId: string): Promise<number> {
  const [cb] = await db.select({ state: circuitBreakers.state, n: circuitBreakers.consecutiveFailures }).from(circuitBreakers).where(eq(circuitBreakers.applicationId, applicationId));
  if (!cb || (cb.state === "closed" && cb.n === 0)) return 0;
  if (cb.state === "open") return closeBreaker(db, applicationId, "an operation succeeded");
  await db.update(circuitBreakers).set({ consecutiveFailures: 0, updatedAt: sql`now()` }).where(and(eq(circuitBreakers.applicationId, applicationId), eq(circuitBreakers.state, "closed")));
  return 0;
}

/** Close an open breaker: its failed operations are due now, its incident resolved. Returns operations released. */
export async function closeBreaker(db: Queryable, applicationId: string, why: string): Promise<number> {
  return db.transaction(async (tx) => {
    const [cb] = await tx.select().from(circuitBreakers).where(and(eq(circuitBreakers.applicationId, applicationId), eq(circuitBreakers.state, "open"))).for("update");
    if (!cb) return 0;
    await tx
      .update(circuitBreakers)
      .set({ state: "closed", consecutiveFailures: 0, openedAt: null, nextProbeAt: null, incidentId: null, updatedAt: sql`now()` })
      .where(eq(circuitBreakers.applicationId, applicationId));
    const released = await tx
      .update(operations)
      .set({ leaseUntil: null })
      .where(and(eq(operations.applicationId, applicationId), eq(operations.status, "failed")))
      .returning({ id: operations.id });
    const now = new Date();
    if (cb.incidentId) await tx.update(incidents).set({ status: "resolved", resolvedAt: now }).where(and(eq(incidents.id, cb.incidentId), sql`${incidents.status} <> 'resolved'`));
    const [app] = await tx.select({ key: applications.key }).from(applications).where(eq(applications.id, applicationId));
    await recordAudit(tx, {
      actorKind: "worker",
      action: "system.circuit_closed",
      targetKind: "application",
      targetId: applicationId,
      data: { application: app?.key, why, openedAt: cb.openedAt?.toISOString() ?? null, releasedOperations: released.length, incidentId: cb.incidentId },
    });
    return released.length;
  });
}

/**
 * Probe every open breaker whose probe is due (each taken by one worker: the UPDATE moves next_probe_at on).
 * Returns the applications that answered (their breakers are closed).
 */
export async function probeDue(db: Queryable, connectorFor: ConnectorFor, opts: { probeIntervalMs: number }): Promise<string[]> {
  const due = rowsOf<{ application_id: string }>(
    await db.execute(sql`
      UPDATE circuit_breakers SET next_probe_at = now() + ${ms(opts.probeIntervalMs)}, last_probe_at = now()
      WHERE state = 'open' AND (next_probe_at IS NULL OR next_probe_at <= now())
      RETURNING application_id`),
  );
  const closed: string[] = [];
  await Promise.all(
    due.map(async ({ application_id: id }) => {
      const [app] = await db.select().from(applications).where(eq(applications.id, id));
      if (!app) return;
      let ok = false;
      let message = "";
      const c = await Promise.resolve()
        .then(() => connectorFor(app))
        .catch((e: unknown) => {
        message = e instanceof Error ? e.message : String(e);
        return null;
      });
      try {
        if (c) {
          const r = await c.testConnection();
          ok = r.ok;
          message = r.message;
        }
      } catch (e) {
        message = e instanceof Error ? e.message : String(e);
      } finally {
        await c?.close?.().catch(() => {});
      }
      if (ok) {
        await closeBreaker(db, id, "probe answered");
        closed.push(id);
      } else {
        await db.update(circuitBreakers).set({ lastError: message.slice(0, 2000), updatedAt: sql`now()` }).where(eq(circuitBreakers.applicationId, id));
      }
    }),
  );
  return closed;
}
