/**
 * The dispatcher's doorbell. Services call `wakeDispatcher()` after committing operations so a worker running in
 * this process sends them at once; workers register themselves here. This module imports nothing, so services
 * depend on it without depending on the worker (dependencies run one way: lib/jobs/worker → lib/services → here).
 *
 * Ringing it is only an optimisation: when no worker runs in this process (or the process dies), the worker's
 * periodic sweep, in whatever process, finds the operations within a second or so.
 */
export type Waker = { kick(): void };

const g = globalThis as typeof globalThis & { __gatehouseWorkers?: Set<Waker> };

export function registerWaker(w: Waker): void {
  (g.__gatehouseWorkers ??= new Set()).add(w);
}

export function unregisterWaker(w: Waker): void {
  g.__gatehouseWorkers?.delete(w);
}

/** After committing a plan: send its operations now (in this process, if a worker runs here). */
export function wakeDispatcher(): void {
  for (const w of g.__gatehouseWorkers ?? []) w.kick();
}
