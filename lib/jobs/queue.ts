/**
 * The durable queue: pg-boss 10 on both drivers.
 *
 * - PostgreSQL: pg-boss opens its own small pool (it brings `pg`) from the connection string.
 * - PGlite (embedded): pg-boss talks to the portal's own PGlite instance through its `db` option
 *   (`executeSql(text, values)`). Its schema migrations are multi-statement SQL without parameters, which
 *   PGlite only accepts through `exec` (the rows of the last statement are returned); everything else goes
 *   through `query`. PGlite serialises every query and transaction behind one mutex, so pg-boss calls must never
 *   be awaited from inside a database transaction (they would wait for the transaction that waits for them).
 *
 * pg-boss jobs carry only an operation id: the operations table is the source of truth (see lib/jobs/dispatch.ts),
 * so a lost, late or duplicated job can delay work but never do it twice.
 */
import type { PGlite } from "@electric-sql/pglite";
import type { DbHandle } from "@/db/client";

export const PROVISION_QUEUE = "provision-operation";

export type Boss = import("pg-boss");

/** pg-boss's `db` adapter over PGlite. */
export function pgliteExecutor(pg: PGlite) {
  return {
    async executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }> {
      if (!values || values.length === 0) {
        const results = await pg.exec(text);
        const last = results[results.length - 1];
        return { rows: (last?.rows as any[]) ?? [] };
      }
      const r = await pg.query(text, values as any[]);
      return { rows: r.rows as any[] };
    },
  };
}

export type QueueOptions = {
  /** Maintenance (archiving, expiring) on; off in tests for quiet shutdowns. */
  supervise?: boolean;
};

/** Start pg-boss on the handle's database (creating its schema when needed) and make sure our queue exists. */
export async function startQueue(handle: DbHandle, opts: QueueOptions = {}): Promise<Boss> {
  const { default: PgBoss } = await import("pg-boss");
  const common = { supervise: opts.supervise ?? true, schedule: false, migrate: true } as const;
  let boss: Boss;
  if (handle.kind === "postgres") {
    if (!handle.url) throw new Error("startQueue: the PostgreSQL handle has no connection string");
    boss = new PgBoss({ connectionString: handle.url, max: 3, application_name: "gatehouse-queue", ...common });
  } else {
    if (!handle.pglite) throw new Error("startQueue: the embedded handle has no PGlite instance");
    boss = new PgBoss({ db: pgliteExecutor(handle.pglite), ...common });
  }
  boss.on("error", (e: Error) => console.error("[queue]", e.message));
  await boss.start();
  if (!(await boss.getQueue(PROVISION_QUEUE))) {
    // Retries are ours (operations.attempts + backoff), not pg-boss's: a job is only a wake-up call.
    await boss.createQueue(PROVISION_QUEUE, { name: PROVISION_QUEUE, policy: "standard", retryLimit: 0, expireInSeconds: 600 }).catch((e: Error) => {
      // Two processes creating the queue at once: the loser sees a duplicate-key error; the queue exists.
      if (!/duplicate|already exists/i.test(e.message)) throw e;
    });
  }
  return boss;
}
