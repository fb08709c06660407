/**
 * Provisioning worker: executes the operations outbox through connectors.
 *
 * Truth lives in `operations`; pg-boss only carries wake-up calls ({ operationId }). The pieces:
 *
 * 1. dispatch (sweep): one statement moves ready operations to `queued` (FOR UPDATE SKIP LOCKED, so two
 *    dispatchers never take the same row) and the ids are then sent as pg-boss jobs. Ready = pending with no
 *    earlier open operation of the same person in the same application and its `dependsOn` succeeded; or failed
 *    and its backoff elapsed; or queued/running whose lease ran out (job lost, worker killed). The sweep runs
 *    every `sweepIntervalMs`, right after a plan commits (wakeDispatcher) and after each operation finishes.
 *    A crash between commit and send loses nothing: the rows are still pending (or queued with a lease that
 *    runs out) and the next sweep, in any process, sends them again.
 * 2. claim: `UPDATE … SET status='running', attempts=attempts+1, lease_until=now()+lease WHERE id=$1 AND
 *    <claimable> AND <no open predecessor> AND <per-application in-flight and rate limits> RETURNING *`, in a
 *    transaction holding the application's advisory lock so the limits are global across workers. Row locking
 *    makes the UPDATE itself the mutual exclusion: of two workers holding jobs for one operation, exactly one
 *    gets the row back; the other's job ends without doing anything.
 * 3. execute through the connector (outside any transaction), then record in ONE transaction: status, result,
 *    the new actual state (accounts / account_entitlements), the audit event. The record is fenced on
 *    (status='running', attempts = the claimed attempt): a worker whose lease expired and whose operation was
 *    reclaimed cannot overwrite the newer attempt's outcome.
 *
 * Exactly-once: a claim is exclusive per attempt, and an attempt is only repeated after a failure or an
 * expired lease (a worker died mid-call). In that one window the target may see the call twice; connectors are
 * idempotent by contract (create links to the existing userName, grant of a held entitlement succeeds, …), so
 * the effect is applied once.
 *
 * `lease_until` means "not to be taken again before": the lease of a running operation, the backoff of a failed
 * one, the redelivery deadline of a queued one.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbHandle, Queryable } from "@/db/client";
import { accountEntitlements, accounts, applications, entitlements, incidents, operations, people, type Application, type Operation } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ConnectorError, type AccountRef, type AccountSpec, type Connector } from "@/lib/domain/connector";
import { PROFILE_FIELDS } from "@/lib/domain/planner";
import { connectorFor as defaultConnectorFor, type ConnectorFor } from "@/lib/services/provisioning/connector-for";
import { openManualTask } from "@/lib/services/systems/manual-fulfilment";
import { PROVISION_QUEUE, startQueue, type Boss } from "./queue";
import { rowsOf } from "@/db/client";

export type WorkerOptions = {
  /** Operations executed at once by this process (pg-boss batch size). Default 8. */
  concurrency?: number;
  /** Attempts before an operation is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Delay before attempt n+1 after a retryable failure of attempt n. Default 2 s · 2^(n-1), at most 5 min. */
  backoffMs?: (attempt: number) => number;
  /** Lease of a running operation. Default 2 min. */
  leaseMs?: number;
  /** A queued operation not claimed within this is sent again. Default 60 s. */
  redeliverMs?: number;
  sweepIntervalMs?: number;
  /** Scheduled lifecycle sweep (lib/services/lifecycle/sweep: due leavers, arrived pre-hires, expiry, retention). Default every 60 s; 0 turns it off. */
  lifecycleSweepMs?: number;
  /** How often overdue manual tasks get reminders (lib/services/systems/manual-fulfilment). Default 60 s; 0 turns it off. */
  reminderIntervalMs?: number;
  /** Scheduled reconciliation: systems not reconciled for this long are read back (checked every 5 min, first 20 s after start). Off (0) unless set: the portal's embedded worker and `gatehouse worker` use 6 h. */
  reconcileMaxAgeMs?: number;
  /** In-flight operations per application (application config `maxInFlight` overrides). Default 4. */
  perAppMaxInFlight?: number;
  pollingIntervalSeconds?: number;
  connectorFor?: ConnectorFor;
  /** Called with every executed operation (tests count target calls with it). */
  onExecute?: (op: Operation) => void;
  log?: (msg: string) => void;
};

type Resolved = Required<Omit<WorkerOptions, "onExecute" | "log">> & Pick<WorkerOptions, "onExecute" | "log">;

export function resolveOptions(o: WorkerOptions = {}): Resolved {
  return {
    concurrency: o.concurrency ?? 8,
    maxAttempts: o.maxAttempts ?? 5,
    backoffMs: o.backoffMs ?? ((n) => Math.min(2000 * 2 ** (n - 1), 300_000)),
    leaseMs: o.leaseMs ?? 120_000,
    redeliverMs: o.redeliverMs ?? 60_000,
    sweepIntervalMs: o.sweepIntervalMs ?? 1000,
    lifecycleSweepMs: o.lifecycleSweepMs ?? 60_000,
    reminderIntervalMs: o.reminderIntervalMs ?? 60_000,
    reconcileMaxAgeMs: o.reconcileMaxAgeMs ?? 0,
    perAppMaxInFlight: o.perAppMaxInFlight ?? 4,
    pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2,
    connectorFor: o.connectorFor ?? defaultConnectorFor,
    onExecute: o.onExecute,
    log: o.log,
  };
}

const ms = (n: number) => sql.raw(`interval '${Math.max(0, Math.round(n))} milliseconds'`);

/** No earlier open operation of the same person in the same application; hard dependency succeeded. */
const READY = sql.raw(`
  NOT EXISTS (
    SELECT 1 FROM operations e
    WHERE e.person_id = o.person_id AND e.application_id = o.application_id AND e.id <> o.id
      AND e.status IN ('pending','queued','running','failed')
      AND (e.created_at, e.sequence, e.id) < (o.created_at, o.sequence, o.id))
  AND (o.depends_on IS NULL OR EXISTS (SELECT 1 FROM operations d WHERE d.id = o.depends_on AND d.status = 'succeeded'))`);

/**
 * Move ready operations to `queued` and return them (to be sent as jobs). Per application, no more are sent than
 * it has free in-flight slots (queued + running count against them), so jobs rarely bounce off the claim's limit.
 */
export async function takeReady(
  db: Queryable,
  opts: { limit: number; redeliverMs: number; perAppMaxInFlight: number },
): Promise<Array<{ id: string; application_id: string }>> {
  const r = await db.execute(sql`
    WITH cand AS (
      SELECT o.id, o.application_id, o.created_at, o.sequence FROM operations o
      WHERE (o.status = 'pending' AND ${READY})
         OR (o.status = 'failed' AND (o.lease_until IS NULL OR o.lease_until <= now()))
         OR (o.status IN ('queued','running') AND o.lease_until < now())),
    ranked AS (
      SELECT c.id,
             row_number() OVER (PARTITION BY c.application_id ORDER BY c.created_at, c.sequence) AS rn,
             coalesce((a.config->>'maxInFlight')::int, ${opts.perAppMaxInFlight})
               - (SELECT count(*) FROM operations b
                  WHERE b.application_id = c.application_id AND b.status IN ('queued','running') AND b.lease_until >= now()
                    AND (b.result->>'manualTaskId') IS NULL) AS free
      FROM cand c JOIN applications a ON a.id = c.application_id),
    ready AS (
      SELECT o.id FROM operations o JOIN ranked r ON r.id = o.id
      WHERE r.rn <= r.free
      ORDER BY o.created_at, o.sequence
      LIMIT ${opts.limit}
      FOR UPDATE OF o SKIP LOCKED)
    UPDATE operations u SET status = 'queued', lease_until = now() + ${ms(opts.redeliverMs)}
    FROM ready WHERE u.id = ready.id
    RETURNING u.id, u.application_id`);
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
      // Waiting for a predecessor or throttled: back to pending; the next sweep sends it again when ready.
      await tx.update(operations).set({ status: "pending", leaseUntil: null }).where(and(eq(operations.id, operationId), eq(operations.status, "queued")));
      return null;
    }
    const [op] = await tx.select().from(operations).where(eq(operations.id, operationId));
    return op ?? null;
  });
}

export type Ctx = { app: Application; account: typeof accounts.$inferSelect | null; entitlementExternalId: string | null };

export async function loadContext(db: Queryable, op: Operation): Promise<Ctx> {
  const [app] = await db.select().from(applications).where(eq(applications.id, op.applicationId));
  if (!app) throw new ConnectorError("The application no longer exists", false);
  let account: Ctx["account"] = null;
  if (op.personId) {
    const list = await db.select().from(accounts).where(and(eq(accounts.applicationId, op.applicationId), eq(accounts.personId, op.personId)));
    const rank = (s: string) => (s === "active" ? 0 : s === "pending" ? 1 : s === "disabled" ? 2 : 3);
    account = list.sort((x, y) => rank(x.status) - rank(y.status))[0] ?? null;
  } else if (op.accountId) {
    [account] = await db.select().from(accounts).where(eq(accounts.id, op.accountId));
  }
  let entitlementExternalId: string | null = null;
  if (op.entitlementId) {
    const [e] = await db.select({ externalId: entitlements.externalId }).from(entitlements).where(eq(entitlements.id, op.entitlementId));
    if (!e) throw new ConnectorError("The entitlement no longer exists", false);
    entitlementExternalId = e.externalId;
  }
  return { app, account, entitlementExternalId };
}

/** Call the target. Returns the target's answer (stored as the operation's result). */
async function callTarget(c: Connector, op: Operation, x: Ctx): Promise<Record<string, unknown>> {
  const live = x.account && x.account.status !== "deleted" ? x.account : null;
  const ref: AccountRef | null = live ? { externalId: live.externalId, userName: live.username } : null;
  switch (op.kind) {
    case "create_account": {
      const spec = (op.payload as { spec?: AccountSpec }).spec;
      if (!spec) throw new ConnectorError("create_account without an account specification", false);
      const r = await c.createAccount(spec);
      return { ...r, active: spec.active !== false };
    }
    case "update_account": {
      if (!ref) throw new ConnectorError("No account to update in this application", false);
      await c.updateAccount(ref, ((op.payload as { changes?: Partial<AccountSpec> }).changes ?? {}) as Partial<AccountSpec>);
      return { updated: true };
    }
    case "grant":
      if (!ref) throw new ConnectorError("No account to grant to: the account has not been created", false);
      await c.grant(ref, x.entitlementExternalId!);
      return { granted: x.entitlementExternalId };
    case "revoke":
      if (ref) await c.revoke(ref, x.entitlementExternalId!);
      return { revoked: x.entitlementExternalId, noAccount: !ref };
    case "disable":
      if (ref) await c.disableAccount(ref);
      return { disabled: true, noAccount: !ref };
    case "enable":
      if (!ref) throw new ConnectorError("No account to enable in this application", false);
      await c.enableAccount(ref);
      return { enabled: true };
    case "delete":
      if (ref) await c.deleteAccount(ref);
      return { deleted: true, noAccount: !ref };
    case "revoke_sessions":
      if (!ref) return { sessionsRevoked: false, noAccount: true };
      if (!c.revokeSessions) return { sessionsRevoked: false, supported: false };
      await c.revokeSessions(ref);
      return { sessionsRevoked: true };
  }
}

/** The new actual state after a successful call, in the recording transaction. */
export async function applyActual(tx: Queryable, op: Operation, x: Ctx, result: Record<string, unknown>, now: Date): Promise<void> {
  const live = x.account && x.account.status !== "deleted" ? x.account : null;
  switch (op.kind) {
    case "create_account": {
      const active = result.active !== false;
      const userName = String(result.userName);
      const spec = (op.payload as { spec?: Record<string, unknown> }).spec ?? {};
      const profile = Object.fromEntries(PROFILE_FIELDS.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
      const values = {
        attributes: { ...(x.account?.attributes ?? {}), profile },
        externalId: String(result.externalId),
        username: userName,
        status: active ? ("active" as const) : ("disabled" as const),
        disabledAt: active ? null : now,
        reconState: "matched" as const,
        updatedAt: now,
      };
      // The person's account row here (possibly a deleted one), else a row with that userName (e.g. an orphan now linked).
      let target = x.account;
      if (!target) {
        [target] = await tx.select().from(accounts).where(and(eq(accounts.applicationId, op.applicationId), sql`lower(${accounts.username}) = lower(${userName})`));
      }
      if (target) {
        await tx.update(accounts).set({ ...values, personId: op.personId ?? target.personId }).where(eq(accounts.id, target.id));
        if (x.account?.status === "deleted") await tx.delete(accountEntitlements).where(eq(accountEntitlements.accountId, target.id));
      } else {
        await tx.insert(accounts).values({ ...values, personId: op.personId, applicationId: op.applicationId });
      }
      break;
    }
    case "update_account":
      if (live) {
        const changes = (op.payload as { changes?: Record<string, unknown> }).changes ?? {};
        const attrs = live.attributes as { profile?: Record<string, unknown> };
        await tx.update(accounts).set({ attributes: { ...attrs, profile: { ...(attrs.profile ?? {}), ...changes } }, updatedAt: now }).where(eq(accounts.id, live.id));
      }
      break;
    case "grant":
      if (live) await tx.insert(accountEntitlements).values({ accountId: live.id, entitlementId: op.entitlementId!, observedAt: now }).onConflictDoNothing();
      break;
    case "revoke":
      if (live) await tx.delete(accountEntitlements).where(and(eq(accountEntitlements.accountId, live.id), eq(accountEntitlements.entitlementId, op.entitlementId!)));
      break;
    case "disable":
      if (live && live.status !== "disabled") await tx.update(accounts).set({ status: "disabled", disabledAt: now, updatedAt: now }).where(eq(accounts.id, live.id));
      break;
    case "enable":
      if (live) await tx.update(accounts).set({ status: "active", disabledAt: null, updatedAt: now }).where(eq(accounts.id, live.id));
      break;
    case "delete":
      if (live) {
        await tx.update(accounts).set({ status: "deleted", updatedAt: now }).where(eq(accounts.id, live.id));
        await tx.delete(accountEntitlements).where(eq(accountEntitlements.accountId, live.id));
      }
      break;
    default:
      break;
  }
}

/** "waiting": a manual application's operation now waits for its owner (status stays running, long lease). */
export type Outcome = "succeeded" | "retry" | "dead" | "stale" | "waiting";

/** Execute a claimed operation and record its outcome. */
export async function executeOperation(db: Queryable, op: Operation, o: Resolved, connectors: Map<string, Connector> = new Map()): Promise<Outcome> {
  let x: Ctx | null = null;
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
  return db.transaction(async (tx) => {
    const done = await tx
      .update(operations)
      .set({ status: "succeeded", result, finishedAt: now, leaseUntil: null })
      .where(and(eq(operations.id, op.id), eq(operations.status, "running"), eq(operations.attempts, op.attempts)))
      .returning({ id: operations.id });
    if (done.length === 0) return "stale" as const; // reclaimed after our lease ran out: the newer attempt records
    await applyActual(tx, op, x!, result, now);
    await tx.update(incidents).set({ status: "resolved", resolvedAt: now }).where(and(eq(incidents.operationId, op.id), inArray(incidents.status, ["open", "retrying"])));
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
}

function errorText(e: unknown): { message: string; retryable: boolean } {
  if (e instanceof ConnectorError) return { message: e.message, retryable: e.retryable };
  // Unknown errors (network stack, database hiccup): worth another attempt; the attempt limit bounds it.
  return { message: e instanceof Error ? e.message : String(e), retryable: true };
}

async function recordFailure(db: Queryable, op: Operation, e: unknown, o: Resolved, app: Application | null): Promise<Outcome> {
  const { message, retryable } = errorText(e);
  const error = message.slice(0, 2000);
  const fence = and(eq(operations.id, op.id), eq(operations.status, "running"), eq(operations.attempts, op.attempts));
  if (retryable && op.attempts < o.maxAttempts) {
    const delay = o.backoffMs(op.attempts);
    const r = await db
      .update(operations)
      .set({ status: "failed", lastError: error, leaseUntil: sql`now() + ${ms(delay)}` })
      .where(fence)
      .returning({ id: operations.id });
    o.log?.(`operation ${op.id} (${op.kind}) failed, attempt ${op.attempts}/${o.maxAttempts}, retry in ${delay} ms: ${error}`);
    return r.length ? "retry" : "stale";
  }
  return db.transaction(async (tx) => {
    const now = new Date();
    const r = await tx.update(operations).set({ status: "dead", lastError: error, finishedAt: now, leaseUntil: null }).where(fence).returning({ id: operations.id });
    if (r.length === 0) return "stale" as const;
    const [person] = op.personId ? await tx.select({ name: people.displayName }).from(people).where(eq(people.id, op.personId)) : [];
    const appName = app?.name ?? "the application";
    const title = `${op.kind.replace(/_/g, " ")} failed for ${person?.name ?? "an account"} in ${appName}`;
    const why = retryable ? `gave up after ${op.attempts} attempts` : "the target refused it (a retry will not help until the cause is fixed)";
    const [open] = await tx.select({ id: incidents.id }).from(incidents).where(and(eq(incidents.operationId, op.id), inArray(incidents.status, ["open", "retrying"])));
    let incidentId: string;
    if (open) {
      await tx.update(incidents).set({ status: "open", error, title }).where(eq(incidents.id, open.id));
      incidentId = open.id;
    } else {
      const [inc] = await tx
        .insert(incidents)
        .values({ operationId: op.id, applicationId: op.applicationId, personId: op.personId, title, error })
        .returning({ id: incidents.id });
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

/** Claim and execute one operation (what a job handler does). */
export async function processOperation(db: Queryable, operationId: string, o: Resolved, connectors?: Map<string, Connector>): Promise<Outcome | "skipped"> {
  const op = await claimOperation(db, operationId, o);
  if (!op) return "skipped";
  return executeOperation(db, op, o, connectors);
}

/** Operations that still have work to do now or soon (blocked ones, whose dependency is dead, are not counted). */
export async function activeCount(db: Queryable): Promise<number> {
  const r = await db.execute(sql`
    SELECT count(*)::int AS n FROM operations o
    WHERE o.status IN ('queued','running','failed') OR (o.status = 'pending' AND ${READY})`);
  return Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0);
}

// ------------------------------------------------------------------------------------------------ process

const g = globalThis as typeof globalThis & { __gatehouseWorkers?: Set<ProvisioningWorker> };

/** After committing a plan: send its operations now (in this process, if a worker runs here). */
export function wakeDispatcher(): void {
  for (const w of g.__gatehouseWorkers ?? []) w.kick();
}

export class ProvisioningWorker {
  readonly options: Resolved;
  private boss: Boss | null = null;
  private ownsBoss = false;
  private workId: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lifecycleTimer: NodeJS.Timeout | null = null;
  private reminderTimer: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private reconcileStart: NodeJS.Timeout | null = null;
  private reconciling: Promise<unknown> | null = null;
  private sweeping: Promise<void> | null = null;
  private again = false;
  private connectors = new Map<string, Connector>();
  private stopped = false;
  readonly stats = { executed: 0, succeeded: 0, retried: 0, dead: 0, skipped: 0 };

  constructor(
    private readonly handle: DbHandle,
    options: WorkerOptions = {},
    boss?: Boss,
  ) {
    this.options = resolveOptions(options);
    if (boss) this.boss = boss;
  }

  async start(): Promise<this> {
    if (!this.boss) {
      this.boss = await startQueue(this.handle);
      this.ownsBoss = true;
    }
    this.workId = await this.boss.work<{ operationId: string }>(
      PROVISION_QUEUE,
      { batchSize: this.options.concurrency, pollingIntervalSeconds: this.options.pollingIntervalSeconds },
      async (jobs) => {
        await Promise.all(jobs.map((j) => this.handle1(j.data.operationId)));
      },
    );
    (g.__gatehouseWorkers ??= new Set()).add(this);
    this.timer = setInterval(() => this.kick(), this.options.sweepIntervalMs);
    this.timer.unref?.();
    if (this.options.lifecycleSweepMs > 0) {
      // Serialised across processes by the sweep's own advisory lock; loaded lazily (it pulls in the planner).
      this.lifecycleTimer = setInterval(() => {
        if (this.stopped) return;
        import("@/lib/services/lifecycle/sweep")
          .then(({ runLifecycleSweep }) => runLifecycleSweep(this.handle.db, new Date()))
          .then((r) => {
            if (r.leavers.length + r.joiners.length + r.expiredGrants + r.operations > 0) {
              this.options.log?.(`lifecycle sweep: ${r.leavers.length} leavers, ${r.joiners.length} joiners, ${r.expiredGrants} expired grants, ${r.operations} operations`);
            }
          })
          .catch((e) => console.error("[worker] lifecycle sweep:", e instanceof Error ? e.message : e));
      }, this.options.lifecycleSweepMs);
      this.lifecycleTimer.unref?.();
    }
    if (this.options.reminderIntervalMs > 0) {
      this.reminderTimer = setInterval(() => {
        if (this.stopped) return;
        import("@/lib/services/systems/manual-fulfilment")
          .then(({ remindOverdueTasks }) => remindOverdueTasks(this.handle.db, new Date()))
          .then((n) => n > 0 && this.options.log?.(`manual tasks: ${n} reminders`))
          .catch((e) => console.error("[worker] manual task reminders:", e instanceof Error ? e.message : e));
        // Approval steps past their due time: reminders, then escalation to the approver's manager.
        import("@/lib/services/requests/escalate")
          .then(({ escalateOverdue, SYSTEM_ACTOR }) => escalateOverdue({ ctx: { db: this.handle.db, actor: SYSTEM_ACTOR } }))
          .catch((e) => console.error("[worker] approval escalation:", e instanceof Error ? e.message : e));
        // Access reviews past their due date: default decisions, close, schedule/launch the next recurring one.
        import("@/lib/services/reviews/close-campaign")
          .then(({ closeDueCampaigns }) => closeDueCampaigns(this.handle.db, new Date()))
          .then((r) => (r.length > 0 || r.launched.length > 0) && this.options.log?.(`reviews: ${r.length} closed, ${r.launched.length} launched`))
          .catch((e) => console.error("[worker] review campaign closing:", e instanceof Error ? e.message : e));
        // Reviewers with undecided items: in-app reminders 3 days before and on the due date (once each).
        import("@/lib/services/reviews/remind")
          .then(({ remindReviewers }) => remindReviewers(this.handle.db, new Date()))
          .then((r) => r.sent > 0 && this.options.log?.(`reviews: ${r.sent} reminders`))
          .catch((e) => console.error("[worker] review reminders:", e instanceof Error ? e.message : e));
        // Email notifications to the SMTP relay (does nothing unless SMTP_HOST is set).
        import("@/lib/services/notifications/send-email-outbox")
          .then(({ sendEmailOutbox }) => sendEmailOutbox(this.handle.db, { now: new Date(), batch: 50 }))
          .then((r) => r.sent + r.failed > 0 && this.options.log?.(`mail: ${r.sent} sent, ${r.failed} failed`))
          .catch((e) => console.error("[worker] email outbox:", e instanceof Error ? e.message : e));
      }, this.options.reminderIntervalMs);
      this.reminderTimer.unref?.();
    }
    if (this.options.reconcileMaxAgeMs > 0) {
      const reconcile = () => {
        if (this.stopped || this.reconciling) return;
        this.reconciling = import("@/lib/services/provisioning/reconcile")
          .then(({ reconcileDue }) => reconcileDue(this.handle.db, this.options.reconcileMaxAgeMs))
          .then((r) => r.length > 0 && this.options.log?.(`reconciliation: ${r.length} systems read back`))
          .catch((e) => console.error("[worker] scheduled reconciliation:", e instanceof Error ? e.message : e))
          .finally(() => {
            this.reconciling = null;
          });
      };
      this.reconcileStart = setTimeout(reconcile, 20_000);
      this.reconcileStart.unref?.();
      this.reconcileTimer = setInterval(reconcile, 5 * 60_000);
      this.reconcileTimer.unref?.();
    }
    this.kick();
    return this;
  }

  private async handle1(operationId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const r = await processOperation(this.handle.db, operationId, this.options, this.connectors);
      if (r === "skipped") this.stats.skipped++;
      else {
        this.stats.executed++;
        if (r === "succeeded") this.stats.succeeded++;
        if (r === "retry") this.stats.retried++;
        if (r === "dead") this.stats.dead++;
        this.kick(); // successors may be ready now
      }
    } catch (e) {
      // Database trouble while claiming or recording: the lease runs out and the operation is taken again.
      console.error(`[worker] operation ${operationId}:`, e instanceof Error ? e.message : e);
    }
  }

  /** Run a sweep now (coalesced: at most one at a time, one more queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.again = true;
      return;
    }
    this.sweeping = this.sweep()
      .then(() => undefined)
      .catch((e) => console.error("[worker] dispatch:", e instanceof Error ? e.message : e))
      .finally(() => {
        this.sweeping = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Send ready operations as jobs. */
  async sweep(): Promise<number> {
    if (!this.boss || this.stopped) return 0;
    const ready = await takeReady(this.handle.db, { limit: 500, redeliverMs: this.options.redeliverMs, perAppMaxInFlight: this.options.perAppMaxInFlight });
    if (ready.length === 0) return 0;
    await this.boss.insert(ready.map((r) => ({ name: PROVISION_QUEUE, data: { operationId: r.id } })));
    if (this.workId) this.boss.notifyWorker(this.workId);
    return ready.length;
  }

  /** Resolve when no operation has work left (or reject after timeoutMs). */
  async runUntilIdle(timeoutMs = 120_000, checkEveryMs = 200): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await activeCount(this.handle.db)) === 0) return;
      if (Date.now() > deadline) throw new Error(`provisioning did not become idle within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, checkEveryMs));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    g.__gatehouseWorkers?.delete(this);
    if (this.timer) clearInterval(this.timer);
    if (this.lifecycleTimer) clearInterval(this.lifecycleTimer);
    if (this.reminderTimer) clearInterval(this.reminderTimer);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    if (this.reconcileStart) clearTimeout(this.reconcileStart);
    await this.sweeping?.catch(() => {});
    await this.reconciling?.catch(() => {});
    if (this.boss) {
      if (this.workId) await this.boss.offWork({ id: this.workId } as never).catch(() => {});
      if (this.ownsBoss) await this.boss.stop({ graceful: true, timeout: 5000, wait: true }).catch(() => {});
    }
    for (const c of this.connectors.values()) await c.close?.().catch(() => {});
    this.connectors.clear();
  }
}
