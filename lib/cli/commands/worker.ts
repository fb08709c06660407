/**
 * `gatehouse worker [--until-idle] [--concurrency N] [--timeout SECONDS]`: the provisioning worker as its own
 * process (PostgreSQL). On the embedded database it refuses while the portal holds it (DatabaseBusyError from
 * db/client), because the portal runs the worker itself.
 */
import { DatabaseBusyError, migrate, openDb } from "@/db/client";
import { envWorkerOptions } from "@/lib/jobs/options";
import { ProvisioningWorker } from "@/lib/jobs/worker";

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log("Usage: gatehouse worker [--until-idle] [--concurrency N] [--timeout SECONDS]\n  Executes provisioning operations until stopped (or, with --until-idle, until nothing is left to do).\n  Failing operations are retried (GATEHOUSE_RETRY_BUDGET_HOURS, GATEHOUSE_BACKOFF_CAP_SECONDS); a system that does not\n  answer is paused and probed every GATEHOUSE_PROBE_INTERVAL_SECONDS, then drained.");
    return 0;
  }
  const concurrency = Number(flag(argv, "--concurrency") ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) {
    console.error("--concurrency must be an integer between 1 and 100");
    return 2;
  }
  const timeoutS = Number(flag(argv, "--timeout") ?? 600);
  let handle;
  try {
    handle = await openDb({ holder: "gatehouse worker" });
  } catch (e) {
    if (e instanceof DatabaseBusyError) {
      console.error(`${e.message}\nThe portal runs the provisioning worker itself in embedded mode.`);
      return 1;
    }
    throw e;
  }
  await migrate(handle);
  // A long-running worker also reconciles systems not read back for 6 h; --until-idle only drains the queue.
  const worker = await new ProvisioningWorker(handle, { ...envWorkerOptions(), concurrency, reconcileMaxAgeMs: argv.includes("--until-idle") ? 0 : 6 * 3_600_000, log: (m) => console.log(m) }).start();
  console.log(`Provisioning worker started (${handle.kind}, concurrency ${concurrency}).`);
  const finish = async () => {
    await worker.stop();
    await handle.close();
    const s = worker.stats;
    console.log(`Executed ${s.executed} operations: ${s.succeeded} succeeded, ${s.retried} to retry, ${s.dead} dead-lettered.`);
  };
  if (argv.includes("--until-idle")) {
    try {
      await worker.runUntilIdle(timeoutS * 1000, 500);
    } finally {
      await finish();
    }
    return worker.stats.dead > 0 ? 3 : 0;
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await finish();
  return 0;
}
