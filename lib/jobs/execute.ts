/**
 * Execute a claimed operation through its connector and record the outcome (the worker's job handler).
 *
 * The call happens outside any transaction; the outcome is recorded in ONE transaction (status, result, the new
 * actual state, the audit event) fenced on (status='running', attempts = the claimed attempt), so a worker whose
 * lease expired and whose operation was reclaimed cannot overwrite the newer attempt's outcome.
 *
 * Failures: a retryable failure (network, 5xx, 429, unknown error) is retried with capped exponential backoff and
 * jitter for the retry budget, counted from the first failure (default 24 h); after `incidentAfterAttempts` an
 * incident opens so people see it, but the retries go on, and the incident resolves itself on success. It also
 * counts towards the system's circuit breaker (breaker.ts). A refusal (4xx but 429) or an exhausted budget is
 * dead-lettered with an incident for a human.
 *
 * Exactly-once: a claim is exclusive per attempt, and an attempt is only repeated after a failure or an expired
 * lease (a worker died mid-call). In that one window the target may see the call twice; connectors are idempotent
 * by contract (create links to the existing userName, grant of a held entitlement succeeds, …), so the effect is
 * applied once.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { incidents, operations, people, type Application, type Operation } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ConnectorError, type Connector } from "@/lib/domain/connector";
import { applyActual, callTarget, loadContext, type OpContext } from "@/lib/services/provisioning/target-state";
import { openManualTask } from "@/lib/services/systems/manual-fulfilment";
import { noteFailure, noteSuccess } from "./breaker";
import { claimOperation, ms } from "./dispatch";
import type { Resolved } from "./options";

/** "waiting": a manual application's operation now waits for its owner (status stays running, long lease). */
export type Outcome = "succeeded" | "retry" | "dead" | "stale" | "waiting";

/** Execute a claimed operation and record its outcome. */
export async function executeOperation(db: Queryable, op: Operation, o: Resolved, connectors: Map<string, Connector> = new Map()): Promise<Outcome> {
  let x: OpContext | null = null;
  let result: Record<string, unknown>;
  try {
    x = await loadContext(db, op);
    if (x.app.connectorKind === "manual") {
      o.onExecute?.(op);
      return await openManualTask(db, op, x.app);
    }
    const cacheKey = `${x.app.id}:${x.app.updatedAt.getTime()}`;
    let c = connectors.get(cacheKey);
    if (!c) {
      c = await o.connectorFor(x.app);
      connectors.set(cacheKey, c);
    }
    o.onExecute?.(op);
    result = await callTarget(c, op, x);
  } catch (e) {
    return recordFailure(db, op, e, o, x?.app ?? null);
  }
  const now = new Date();
  const out = await db.transaction(async (tx) => {
    const done = await tx
      .update(operations)
      .set({ status: "succeeded", result, finishedAt: now, leaseUntil: null, firstFailedAt: null })
      .where(and(eq(operations.id, op.id), eq(operations.status, "running"), eq(operations.attempts, op.attempts)))
      .returning({ id: operations.id });
    if (done.length === 0) return "stale" as const; // reclaimed after our lease ran out: the newer attempt records
    await applyActual(tx, op, x!, result, now);
    // Its own incidents, and those of earlier dead operations of the same change (a re-plan carried it out). Only
    // the few live incidents are scanned (status index), then each one's operation by primary key.
    await tx.execute(sql`
      UPDATE incidents i SET status = 'resolved', resolved_at = ${now.toISOString()}::timestamptz
      WHERE i.status IN ('open','retrying') AND i.operation_id IS NOT NULL
        AND (i.operation_id = ${op.id}
             OR (i.application_id = ${op.applicationId} AND EXISTS (
                   SELECT 1 FROM operations d WHERE d.id = i.operation_id AND d.idempotency_key = ${op.idempotencyKey} AND d.status = 'dead')))`);
    await recordAudit(tx, {
      actorKind: "worker",
      action: "provisioning.succeeded",
      targetKind: "operation",
      targetId: op.id,
      data: {
        kind: op.kind,
        application: x!.app.key,
        personId: op.personId,
        entitlementId: op.entitlementId,
        attempt: op.attempts,
        cause: { kind: op.causeKind, id: op.causeId },
        target: result,
      },
    });
    return "succeeded" as const;
  });
  if (out === "succeeded") await noteSuccess(db, op.applicationId);
  return out;
}

function errorText(e: unknown): { message: string; retryable: boolean } {
  if (e instanceof ConnectorError) return { message: e.message, retryable: e.retryable };
  // Unknown errors (network stack, database hiccup): worth another attempt; the retry budget bounds it.
  return { message: e instanceof Error ? e.message : String(e), retryable: true };
}

const titleOf = (op: Operation, person: string | undefined, app: Application | null) =>
  `${op.kind.replace(/_/g, " ")} failed for ${person ?? "an account"} in ${app?.name ?? "the application"}`;

async function recordFailure(db: Queryable, op: Operation, e: unknown, o: Resolved, app: Application | null): Promise<Outcome> {
  const { message, retryable } = errorText(e);
  const error = message.slice(0, 2000);
  const fence = and(eq(operations.id, op.id), eq(operations.status, "running"), eq(operations.attempts, op.attempts));
  if (retryable && op.attempts < o.maxAttempts) {
    const delay = o.backoffMs(op.attempts);
    // Within the budget (counted from the first failure, on the database's clock) or not at all.
    const r = await db
      .update(operations)
      .set({ status: "failed", lastError: error, leaseUntil: sql`now() + ${ms(delay)}`, firstFailedAt: sql`coalesce(${operations.firstFailedAt}, now())` })
      .where(and(fence, or(isNull(operations.firstFailedAt), sql`${operations.firstFailedAt} > now() - ${ms(o.retryBudgetMs)}`)))
      .returning({ id: operations.id });
    if (r.length) {
      o.log?.(`operation ${op.id} (${op.kind}) failed, attempt ${op.attempts}, retry in ${delay} ms: ${error}`);
      if (op.attempts >= o.incidentAfterAttempts) await openRetryingIncident(db, op, error, app);
      if (await noteFailure(db, op.applicationId, error, o)) o.log?.(`${app?.key ?? op.applicationId}: circuit breaker open, probing every ${o.probeIntervalMs} ms`);
      return "retry";
    }
    // Fence lost (stale) or budget spent: the dead-letter path tells them apart (it is fenced too).
    await noteFailure(db, op.applicationId, error, o);
  }
  return db.transaction(async (tx) => {
    const now = new Date();
    const r = await tx.update(operations).set({ status: "dead", lastError: error, finishedAt: now, leaseUntil: null }).where(fence).returning({ id: operations.id });
    if (r.length === 0) return "stale" as const;
    const [person] = op.personId ? await tx.select({ name: people.displayName }).from(people).where(eq(people.id, op.personId)) : [];
    const title = titleOf(op, person?.name, app);
    const why = retryable ? `gave up after ${op.attempts} attempts (retry budget spent)` : "the target refused it (a retry will not help until the cause is fixed)";
    const [open] = await tx.select({ id: incidents.id }).from(incidents).where(and(eq(incidents.operationId, op.id), inArray(incidents.status, ["open", "retrying"])));
    let incidentId: string;
    if (open) {
      await tx.update(incidents).set({ status: "open", error, title }).where(eq(incidents.id, open.id));
      incidentId = open.id;
    } else {
      const [inc] = await tx.insert(incidents).values({ operationId: op.id, applicationId: op.applicationId, personId: op.personId, title, error }).returning({ id: incidents.id });
      incidentId = inc!.id;
    }
    await recordAudit(tx, {
      actorKind: "worker",
      action: "provisioning.dead_lettered",
      targetKind: "operation",
      targetId: op.id,
      data: { kind: op.kind, application: app?.key ?? op.applicationId, personId: op.personId, entitlementId: op.entitlementId, attempts: op.attempts, error, why, incidentId, cause: { kind: op.causeKind, id: op.causeId } },
    });
    o.log?.(`operation ${op.id} (${op.kind}) dead-lettered: ${error}`);
    return "dead" as const;
  });
}

/** An operation still retrying after several failures: one incident, visible at once, resolved by its success. */
async function openRetryingIncident(db: Queryable, op: Operation, error: string, app: Application | null): Promise<void> {
  await db.transaction(async (tx) => {
    const [open] = await tx.select({ id: incidents.id }).from(incidents).where(and(eq(incidents.operationId, op.id), inArray(incidents.status, ["open", "retrying"])));
    if (open) {
      await tx.update(incidents).set({ error }).where(eq(incidents.id, open.id));
      return;
    }
    const [person] = op.personId ? await tx.select({ name: people.displayName }).from(people).where(eq(people.id, op.personId)) : [];
    const [inc] = await tx
      .insert(incidents)
      .values({ operationId: op.id, applicationId: op.applicationId, personId: op.personId, title: `${titleOf(op, person?.name, app)} (retrying automatically)`, error, status: "retrying" })
      .returning({ id: incidents.id });
    await recordAudit(tx, {
      actorKind: "worker",
      action: "incident.opened",
      targetKind: "incident",
      targetId: inc!.id,
      data: { operationId: op.id, kind: op.kind, application: app?.key ?? op.applicationId, attempts: op.attempts, error: error.slice(0, 500) },
    });
  });
}

/** Claim and execute one operation (what a job handler does). */
export async function processOperation(db: Queryable, operationId: string, o: Resolved, connectors?: Map<string, Connector>): Promise<Outcome | "skipped"> {
  const op = await claimOperation(db, operationId, o);
  if (!op) return "skipped";
  return executeOperation(db, op, o, connectors);
}
