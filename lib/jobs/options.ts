/**
 * The provisioning worker's settings and their defaults. The CLI and the embedded worker fill the retry and
 * breaker settings from lib/env.ts (GATEHOUSE_RETRY_BUDGET_HOURS, GATEHOUSE_BACKOFF_CAP_SECONDS,
 * GATEHOUSE_PROBE_INTERVAL_SECONDS); tests pass short ones.
 */
import type { Operation } from "@/db/schema";
import { env } from "@/lib/env";
import { connectorFor as defaultConnectorFor, type ConnectorFor } from "@/lib/services/provisioning/connector-for";

export type WorkerOptions = {
  /** Operations executed at once by this process (pg-boss batch size). Default 8. */
  concurrency?: number;
  /** How long a failing operation keeps being retried, counted from its first failure. Default 24 h. */
  retryBudgetMs?: number;
  /** Optional hard cap on attempts (tests). Default: none, only the budget. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to backoffCapMs, with ±25 % jitter. Default 2 s. */
  backoffBaseMs?: number;
  /** Longest delay between two attempts. Default 5 min. */
  backoffCapMs?: number;
  /** Replace the backoff entirely (tests). */
  backoffMs?: (attempt: number) => number;
  /** An incident opens after this many failed attempts of one operation (the retries go on). Default 3. */
  incidentAfterAttempts?: number;
  /** Consecutive retryable failures in one system that open its circuit breaker. Default 5. */
  breakerThreshold?: number;
  /** While a breaker is open, the system is probed this often. Default 5 s. */
  probeIntervalMs?: number;
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

export type Resolved = Required<Omit<WorkerOptions, "onExecute" | "log" | "backoffMs">> &
  Pick<WorkerOptions, "onExecute" | "log"> & { backoffMs: (attempt: number) => number };

/** Capped exponential backoff with ±25 % jitter (so a recovering system is not hit by every retry at once). */
export function jitteredBackoff(baseMs: number, capMs: number, random: () => number = Math.random) {
  return (attempt: number) => {
    const raw = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
    return Math.round(raw * (0.75 + 0.5 * random()));
  };
}

export function resolveOptions(o: WorkerOptions = {}): Resolved {
  const backoffBaseMs = o.backoffBaseMs ?? 2000;
  const backoffCapMs = o.backoffCapMs ?? 300_000;
  return {
    concurrency: o.concurrency ?? 8,
    retryBudgetMs: o.retryBudgetMs ?? 24 * 3_600_000,
    maxAttempts: o.maxAttempts ?? Number.POSITIVE_INFINITY,
    backoffBaseMs,
    backoffCapMs,
    backoffMs: o.backoffMs ?? jitteredBackoff(backoffBaseMs, backoffCapMs),
    incidentAfterAttempts: o.incidentAfterAttempts ?? 3,
    breakerThreshold: o.breakerThreshold ?? 5,
    probeIntervalMs: o.probeIntervalMs ?? 5000,
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

/** The retry and breaker settings of the environment (the CLI worker and the portal's embedded worker use them). */
export function envWorkerOptions(): Pick<WorkerOptions, "retryBudgetMs" | "backoffCapMs" | "probeIntervalMs"> {
  const e = env();
  return {
    retryBudgetMs: e.GATEHOUSE_RETRY_BUDGET_HOURS * 3_600_000,
    backoffCapMs: e.GATEHOUSE_BACKOFF_CAP_SECONDS * 1000,
    probeIntervalMs: e.GATEHOUSE_PROBE_INTERVAL_SECONDS * 1000,
  };
}
