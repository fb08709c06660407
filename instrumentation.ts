/**
 * Next.js start-up hook. In the Node.js runtime of a running server (never during `next build`, never on the
 * edge) it starts the embedded provisioning worker: with the embedded database (no DATABASE_URL) unless
 * GATEHOUSE_WORKER=off. Imported lazily so the worker's dependencies stay out of other runtimes' bundles.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { startEmbeddedWorker } = await import("./lib/jobs/embedded");
    // Not awaited: the server must not wait for the worker (it starts after a short delay).
    void startEmbeddedWorker();
  }
}
