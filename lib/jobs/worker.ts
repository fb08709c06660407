/**
 * Provisioning worker: executes the operations outbox through connectors, as a controller that never stops.
 *
 * Truth lives in `operations`; pg-boss only carries wake-up calls ({ operationId }). The parts, one file each:
 *   dispatch.ts   which operations are ready (and the exclusive claim of one), leavers' work first
 *   execute.ts    the connector call and the recorded outcome; retries with capped, jittered backoff for a budget
 *   breaker.ts    per-system circuit breaker: a system that does not answer is paused and probed, then drained
 *   schedules.ts  the periodic duties (lifecycle sweep, reminders, scheduled reconciliation, breaker probes)
 *   wake.ts       the doorbell services ring after committing operations (imports nothing)
 *
 * The sweep runs every `sweepIntervalMs`, right after a plan commits (wakeDispatcher), after each operation
 * finishes and when a breaker closes. A crash between commit and send loses nothing: the rows are still pending
 * (or queued with a lease that runs out) and the next sweep, in any process, sends them again.
 */
import type { DbHandle } from "@/db/client";
import type { Connector } from "@/lib/domain/connector";
import { activeCount, isLeaverKind, takeReady } from "./dispatch";
import { processOperation } from "./execute";
import { resolveOptions, type Resolved, type WorkerOptions } from "./options";
import { PROVISION_QUEUE, startQueue, type Boss } from "./queue";
import { startSchedules, type Schedules } from "./schedules";
import { registerWaker, unregisterWaker } from "./wake";

export type { WorkerOptions } from "./options";

export class ProvisioningWorker {
  readonly options: Resolved;
  private boss: Boss | null = null;
  private ownsBoss = false;
  private workIds: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private schedules: Schedules | null = null;
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
    // Several small subscriptions rather than one big batch: pg-boss fetches a subscription's next batch only when
    // all of its jobs are done, so one slow call would hold up the other slots of a big batch.
    const subs = Math.ceil(this.options.concurrency / 4);
    const batchSize = Math.ceil(this.options.concurrency / subs);
    for (let i = 0; i < subs; i++) {
      let id: string | undefined;
      id = await this.boss.work<{ operationId: string }>(PROVISION_QUEUE, { batchSize, pollingIntervalSeconds: this.options.pollingIntervalSeconds }, async (jobs) => {
        await Promise.all(jobs.map((j) => this.handle1(j.data.operationId)));
        // A full batch: more are probably waiting, so fetch again at once instead of after the polling interval.
        if (jobs.length === batchSize && id && !this.stopped) this.boss?.notifyWorker(id);
      });
      this.workIds.push(id);
    }
    registerWaker(this);
    this.timer = setInterval(() => this.kick(), this.options.sweepIntervalMs);
    this.timer.unref?.();
    this.schedules = startSchedules(this.handle, this.options, { stopped: () => this.stopped, onBreakerClosed: () => this.kick() });
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

  /** Send ready operations as jobs (leavers' work with a higher job priority, so it is fetched first). */
  async sweep(): Promise<number> {
    if (!this.boss || this.stopped) return 0;
    const ready = await takeReady(this.handle.db, { limit: 500, redeliverMs: this.options.redeliverMs, perAppMaxInFlight: this.options.perAppMaxInFlight });
    if (ready.length === 0) return 0;
    await this.boss.insert(ready.map((r) => ({ name: PROVISION_QUEUE, data: { operationId: r.id }, priority: isLeaverKind(r.kind) ? 10 : 0 })));
    for (const id of this.workIds) this.boss.notifyWorker(id);
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
    unregisterWaker(this);
    if (this.timer) clearInterval(this.timer);
    await this.sweeping?.catch(() => {});
    await this.schedules?.stop();
    if (this.boss) {
      for (const id of this.workIds) await this.boss.offWork({ id } as never).catch(() => {});
      if (this.ownsBoss) await this.boss.stop({ graceful: true, timeout: 5000, wait: true }).catch(() => {});
    }
    for (const c of this.connectors.values()) await c.close?.().catch(() => {});
    this.connectors.clear();
  }
}
