/**
 * The worker's periodic duties besides provisioning: the lifecycle sweep, reminders/escalations/review closing/
 * email, scheduled reconciliation (then the findings cache), and the circuit breakers' probes. Each is a timer; each service is loaded lazily
 * (they pull in the planner) and serialises itself across processes where it matters (advisory locks, claims).
 * A failure is logged and the next tick tries again.
 */
import type { DbHandle } from "@/db/client";
import { probeDue } from "./breaker";
import type { Resolved } from "./options";

export type Schedules = { stop(): Promise<void> };

const report = (what: string) => (e: unknown) => console.error(`[worker] ${what}:`, e instanceof Error ? e.message : e);

export function startSchedules(handle: DbHandle, o: Resolved, hooks: { stopped: () => boolean; onBreakerClosed: () => void }): Schedules {
  const timers: NodeJS.Timeout[] = [];
  const every = (msInterval: number, fn: () => void, firstAfterMs?: number) => {
    if (firstAfterMs !== undefined) {
      const t = setTimeout(fn, firstAfterMs);
      t.unref?.();
      timers.push(t);
    }
    const t = setInterval(fn, msInterval);
    t.unref?.();
    timers.push(t);
  };
  const db = handle.db;
  let probing: Promise<unknown> | null = null;
  let reconciling: Promise<unknown> | null = null;

  // Circuit breakers: probe systems whose queue is paused; a good answer releases their work at once.
  every(Math.max(100, Math.min(o.probeIntervalMs, 5000) / 2), () => {
    if (hooks.stopped() || probing) return;
    probing = probeDue(db, o.connectorFor, o)
      .then((closed) => {
        if (closed.length) {
          o.log?.(`circuit breaker closed for ${closed.length} system(s): queued work released`);
          hooks.onBreakerClosed();
        }
      })
      .catch(report("breaker probe"))
      .finally(() => (probing = null));
  });

  if (o.lifecycleSweepMs > 0) {
    every(o.lifecycleSweepMs, () => {
      if (hooks.stopped()) return;
      import("@/lib/services/lifecycle/sweep")
        .then(({ runLifecycleSweep }) => runLifecycleSweep(db, new Date()))
        .then((r) => {
          if (r.leavers.length + r.joiners.length + r.expiredGrants + r.operations > 0) {
            o.log?.(`lifecycle sweep: ${r.leavers.length} leavers, ${r.joiners.length} joiners, ${r.expiredGrants} expired grants, ${r.operations} operations`);
          }
        })
        .catch(report("lifecycle sweep"));
    });
  }
  if (o.reminderIntervalMs > 0) {
    every(o.reminderIntervalMs, () => {
      if (hooks.stopped()) return;
      import("@/lib/services/systems/manual-fulfilment")
        .then(({ remindOverdueTasks }) => remindOverdueTasks(db, new Date()))
        .then((n) => n > 0 && o.log?.(`manual tasks: ${n} reminders`))
        .catch(report("manual task reminders"));
      // Approval steps past their due time: reminders, then escalation to the approver's manager.
      import("@/lib/services/requests/escalate")
        .then(({ escalateOverdue, SYSTEM_ACTOR }) => escalateOverdue({ ctx: { db, actor: SYSTEM_ACTOR } }))
        .catch(report("approval escalation"));
      // Access reviews past their due date: default decisions, close, schedule/launch the next recurring one.
      import("@/lib/services/reviews/close-campaign")
        .then(({ closeDueCampaigns }) => closeDueCampaigns(db, new Date()))
        .then((r) => (r.length > 0 || r.launched.length > 0) && o.log?.(`reviews: ${r.length} closed, ${r.launched.length} launched`))
        .catch(report("review campaign closing"));
      // Reviewers with undecided items: in-app reminders 3 days before and on the due date (once each).
      import("@/lib/services/reviews/remind")
        .then(({ remindReviewers }) => remindReviewers(db, new Date()))
        .then((r) => r.sent > 0 && o.log?.(`reviews: ${r.sent} reminders`))
        .catch(report("review reminders"));
      // Email notifications to the SMTP relay (does nothing unless SMTP_HOST is set).
      import("@/lib/services/notifications/send-email-outbox")
        .then(({ sendEmailOutbox }) => sendEmailOutbox(db, { now: new Date(), batch: 50 }))
        .then((r) => r.sent + r.failed > 0 && o.log?.(`mail: ${r.sent} sent, ${r.failed} failed`))
        .catch(report("email outbox"));
    });
  }
  if (o.reconcileMaxAgeMs > 0) {
    // Scheduled reconciliation re-plans what the targets miss (reconcile.ts), so the loop converges after outages.
    every(
      5 * 60_000,
      () => {
        if (hooks.stopped() || reconciling) return;
        reconciling = import("@/lib/services/provisioning/reconcile")
          .then(({ reconcileDue }) => reconcileDue(db, o.reconcileMaxAgeMs))
          .then((r) => r.length > 0 && o.log?.(`reconciliation: ${r.length} systems read back`))
          .catch(report("scheduled reconciliation"))
          // Then the findings pages' cache (outliers, drift): recomputed here when an input changed since, so the
          // next reader does not wait for it (a reader still recomputes it if it is stale: it is never served stale).
          .then(() => import("@/lib/services/mining/findings-cache"))
          .then(async ({ ensureFindingsCache }) => {
            await ensureFindingsCache(db, "outliers");
            await ensureFindingsCache(db, "drift");
          })
          .catch(report("findings cache"))
          .finally(() => (reconciling = null));
      },
      20_000,
    );
  }
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await probing?.catch(() => {});
      await reconciling?.catch(() => {});
    },
  };
}
