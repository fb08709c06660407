/**
 * The worker inside the portal process (embedded mode). PGlite allows one process per data dir, so with the
 * embedded database the worker cannot be a separate process: it shares the portal's handle and runs pg-boss on
 * the same PGlite instance. On PostgreSQL it runs here too unless GATEHOUSE_WORKER=off (then run
 * `npm run gatehouse -- worker` yourself); more workers (`gatehouse worker` processes) can run beside it safely.
 */
import { getHandle } from "@/db/client";
import { env } from "@/lib/env";
import { envWorkerOptions } from "./options";
import { ProvisioningWorker } from "./worker";

const g = globalThis as typeof globalThis & { __gatehouseEmbeddedWorker?: Promise<ProvisioningWorker | null> };

export function embeddedWorkerWanted(): boolean {
  const w = env().GATEHOUSE_WORKER;
  return w !== "off";
}

/** Start once per process; the first sweep waits a little so the HTTP server (demo apps) is listening. */
export function startEmbeddedWorker(opts: { delayMs?: number } = {}): Promise<ProvisioningWorker | null> {
  if (!embeddedWorkerWanted()) return Promise.resolve(null);
  g.__gatehouseEmbeddedWorker ??= (async () => {
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 3000).unref?.());
    const handle = await getHandle();
    const worker = await new ProvisioningWorker(handle, { ...envWorkerOptions(), concurrency: 4, reconcileMaxAgeMs: 6 * 3_600_000, log: (m) => console.log(`[worker] ${m}`) }).start();
    const stop = () => void worker.stop();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    console.log("[worker] provisioning worker running inside the portal");
    return worker;
  })().catch((e) => {
    console.error("[worker] could not start the embedded provisioning worker:", e instanceof Error ? e.message : e);
    g.__gatehouseEmbeddedWorker = undefined;
    return null;
  });
  return g.__gatehouseEmbeddedWorker;
}
