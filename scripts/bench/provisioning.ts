/**
 * Provisioning benchmark against REAL targets on loopback (npm run bench:provisioning):
 *   10 applications: 4 SCIM 2.0 services (startScimApp), 3 OpenLDAP directories (startLdap), 3 PostgreSQL role
 *   namespaces (a per-run database, a per-run role prefix per application).
 *   The portal database is a per-run PostgreSQL database; workers run in child processes (ProvisioningWorker).
 *
 * Per worker count (1, then 2 child processes):
 *   latency  20 people, each with an active account in all 10 applications, are terminated one after the other;
 *            per person: the decision's commit → the last of its 10 disable operations recorded as succeeded.
 *            Prints p50 / p99 (target p99 < 5 s).
 *   drain    100 people terminated in ONE decision → 1,000 disable operations; time until all are done, ops/s
 *            (target < 60 s).
 *   memory   each worker process's peak RSS (sampled every 100 ms) and resourceUsage().maxRSS.
 *
 * Accounts are created in the targets directly through the connectors (setup, not measured) and recorded as the
 * portal's actual state. Everything created is removed at the end (databases dropped, roles with the run's prefix
 * dropped, servers stopped by PID).
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "../..");
process.env.GATEHOUSE_SECRET_KEY ??= `bench-${randomBytes(8).toString("hex")}`;

const WORKER_OPTS = { concurrency: 16, sweepIntervalMs: 100, pollingIntervalSeconds: 0.5, lifecycleSweepMs: 0, reminderIntervalMs: 0, leaseMs: 60_000, redeliverMs: 30_000 };

// ------------------------------------------------------------------------------------------------ child: a worker
/** A worker process: `--worker URL [OPTIONS_JSON]` (also used by lib/jobs/kill.int.test.ts, which SIGKILLs it). */
async function child(url: string, overrides: Record<string, number>): Promise<void> {
  const { openDb } = await import("@/db/client");
  const { ProvisioningWorker } = await import("@/lib/jobs/worker");
  const h = await openDb({ url, max: 12 });
  const w = await new ProvisioningWorker(h, { ...WORKER_OPTS, ...overrides }).start();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  process.send?.({ ready: true });
  process.on("message", async (m: { stop?: boolean }) => {
    if (!m.stop) return;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    await w.stop();
    await h.close();
    process.send?.({ done: true, peakRssMb: peak / 1048576, maxRssMb: process.resourceUsage().maxRSS / 1024, stats: w.stats });
    setTimeout(() => process.exit(0), 50);
  });
}

// ------------------------------------------------------------------------------------------------ parent
type Row = { workers: number; p50: number; p99: number; max: number; drainOps: number; drainS: number; opsPerS: number; failed: number; rss: string };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const { DEFAULT_TEST_PG_URL, createTestDatabase, pgAvailable } = await import("@/lib/testing/postgres");
  const { ldapAvailable, startLdap, LDAP_INSTALL_HINT } = await import("@/lib/testing/ldap-server");
  const { startScimApp } = await import("@/lib/testing/scim-server");
  if (!(await pgAvailable())) throw new Error("PostgreSQL is needed (portal database and target): start it with `pg_ctlcluster 15 main start`.");
  if (!ldapAvailable()) throw new Error(`OpenLDAP is needed: ${LDAP_INSTALL_HINT}`);
  const { openDb, migrate } = await import("@/db/client");
  const { accounts, applications, people } = await import("@/db/schema");
  const { encryptSecrets } = await import("@/lib/crypto");
  const { createConnector } = await import("@/lib/connectors");
  const { planPeople } = await import("@/lib/services/provisioning/plan");
  const { inArray, sql } = await import("drizzle-orm");

  const cleanups: Array<() => Promise<unknown>> = [];
  const children: ChildProcess[] = [];
  const run = randomBytes(3).toString("hex");
  try {
    const portal = await createTestDatabase();
    cleanups.push(() => portal.drop());
    const target = await createTestDatabase();
    const rolePrefix = `ghb${run}`;
    // Roles are cluster-wide: dropped (through the server's default database) before the target database goes.
    cleanups.push(async () => {
      const a = postgres(DEFAULT_TEST_PG_URL, { max: 1, onnotice: () => {} });
      try {
        const roles = await a<{ rolname: string }[]>`select rolname from pg_roles where rolname like ${rolePrefix + "%"}`;
        for (const r of roles) await a.unsafe(`DROP ROLE IF EXISTS "${r.rolname}"`);
      } finally {
        await a.end({ timeout: 5 });
      }
    });
    cleanups.push(() => target.drop());

    process.stderr.write("… starting targets (4 SCIM, 3 LDAP, PostgreSQL)\n");
    const TOKEN = `bench-${run}`;
    const scims = await Promise.all([0, 1, 2, 3].map(() => startScimApp({ token: TOKEN })));
    for (const s of scims) cleanups.push(() => s.stop());
    const ldaps = [];
    for (let i = 0; i < 3; i++) {
      const l = await startLdap();
      cleanups.push(() => l.stop());
      ldaps.push(l);
    }

    const h = await openDb({ url: portal.url, max: 8 });
    cleanups.unshift(() => h.close());
    await migrate(h);
    const db = h.db;

    type AppDef = { key: string; kind: "scim" | "ldap" | "postgres"; config: Record<string, unknown>; secrets: Record<string, string> };
    const defs: AppDef[] = [
      ...scims.map((s, i) => ({ key: `scim-${i + 1}`, kind: "scim" as const, config: { baseUrl: s.baseUrl, timeoutMs: 10_000, maxInFlight: 8 }, secrets: { token: TOKEN } })),
      ...ldaps.map((l, i) => ({ key: `ldap-${i + 1}`, kind: "ldap" as const, config: { url: l.url, bindDn: l.bindDn, baseDn: l.baseDn, timeoutMs: 10_000, maxInFlight: 8 }, secrets: { bindPassword: l.bindPassword } })),
      ...["a", "b", "c"].map((x, i) => ({ key: `pg-${i + 1}`, kind: "postgres" as const, config: { prefix: `${rolePrefix}${x}_`, timeoutMs: 10_000, maxInFlight: 8 }, secrets: { url: target.url } })),
    ];
    const apps = await db
      .insert(applications)
      .values(defs.map((d) => ({ key: d.key, name: d.key, connectorKind: d.kind, config: d.config, secretsEncrypted: encryptSecrets(d.secrets), criticality: "medium" as const, deprovisionAction: "disable" as const })))
      .returning();
    const connectors = apps.map((a, i) => ({ app: a, c: createConnector(defs[i]!.kind, defs[i]!.config, defs[i]!.secrets) }));

    // People and their accounts (setup: through the connectors, not measured).
    const LAT = 20;
    const DRAIN = 100;
    const total = 2 * (LAT + DRAIN);
    const persons = Array.from({ length: total }, (_, i) => ({
      id: randomUUID(),
      employeeId: `B-${run}-${i}`,
      givenName: `Bench${i}`,
      familyName: "Person",
      displayName: `Bench${i} Person`,
      email: `bench${run}${i}@example.test`,
      department: "Engineering",
      title: "Engineer",
      location: "Remote",
    }));
    for (let i = 0; i < persons.length; i += 500) await db.insert(people).values(persons.slice(i, i + 500));
    process.stderr.write(`… creating ${persons.length * apps.length} accounts in the targets\n`);
    const t0 = Date.now();
    const jobs = persons.flatMap((p) => connectors.map((x) => ({ p, x })));
    const rows: Array<typeof accounts.$inferInsert> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < jobs.length) {
          const { p, x } = jobs[next++]!;
          const userName = p.email.split("@")[0]!;
          const r = await x.c.createAccount({ userName, givenName: p.givenName, familyName: p.familyName, displayName: p.displayName, email: p.email, personId: p.id });
          rows.push({ personId: p.id, applicationId: x.app.id, externalId: r.externalId, username: r.userName, status: "active", reconState: "matched", attributes: {} });
        }
      }),
    );
    for (let i = 0; i < rows.length; i += 1000) await db.insert(accounts).values(rows.slice(i, i + 1000));
    process.stderr.write(`  ${rows.length} accounts in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    for (const x of connectors) await x.c.close?.().catch(() => {});

    const terminate = async (ids: string[]) => {
      const commit = await db.transaction(async (tx) => {
        await tx.update(people).set({ status: "terminated" }).where(inArray(people.id, ids));
        const r = await planPeople(tx, ids, { kind: "bench", id: randomUUID() });
        return r.operationIds.length;
      });
      return { at: Date.now(), ops: commit };
    };
    const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? (r as T[]) : (((r as { rows?: T[] }).rows ?? []) as T[]));
    const waitDone = async (ids: string[], expected: number, timeoutMs: number) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = rowsOf<{ done: number; failed: number; last: string | null }>(
          await db.execute(sql`SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done, count(*) FILTER (WHERE status = 'dead')::int AS failed,
                                      max(finished_at) AS last
                               FROM operations WHERE person_id IN (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`),
        )[0]!;
        if (r.done + r.failed >= expected) return { last: new Date(r.last!).getTime(), failed: r.failed };
        if (Date.now() > end) throw new Error(`operations not done within ${timeoutMs} ms (${r.done}/${expected})`);
        await new Promise((res) => setTimeout(res, 10));
      }
    };

    const results: Row[] = [];
    let offset = 0;
    for (const workers of [1, 2]) {
      process.stderr.write(`… ${workers} worker process(es)\n`);
      const procs: ChildProcess[] = [];
      for (let i = 0; i < workers; i++) {
        const cp = fork(self, ["--worker", portal.url], { cwd: root, execArgv: ["--import", "tsx"], env: process.env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
        children.push(cp);
        procs.push(cp);
        await new Promise<void>((res, rej) => {
          cp.once("message", () => res());
          cp.once("exit", (code) => rej(new Error(`worker exited with ${code}`)));
        });
      }
      // Warm-up: connectors open their clients on first use; one person's disable is not measured.
      const lat: number[] = [];
      let failed = 0;
      for (let i = 0; i < LAT; i++) {
        const p = persons[offset + i]!;
        const d = await terminate([p.id]);
        const r = await waitDone([p.id], d.ops, 60_000);
        failed += r.failed;
        lat.push(r.last - d.at);
      }
      offset += LAT;
      const drainIds = persons.slice(offset, offset + DRAIN).map((p) => p.id);
      offset += DRAIN;
      const d = await terminate(drainIds);
      const r = await waitDone(drainIds, d.ops, 300_000);
      failed += r.failed;
      const drainS = (r.last - d.at) / 1000;
      const mem: string[] = [];
      for (const cp of procs) {
        const m = await new Promise<{ peakRssMb: number; maxRssMb: number }>((res) => {
          cp.on("message", (msg: { done?: boolean; peakRssMb: number; maxRssMb: number }) => msg.done && res(msg));
          cp.send({ stop: true });
        });
        mem.push(`${m.peakRssMb.toFixed(0)}/${m.maxRssMb.toFixed(0)}`);
        await new Promise((res) => (cp.exitCode !== null ? res(null) : cp.once("exit", res)));
      }
      results.push({ workers, p50: pct(lat, 50), p99: pct(lat, 99), max: Math.max(...lat), drainOps: d.ops, drainS, opsPerS: d.ops / drainS, failed, rss: mem.join(", ") });
    }
    const [{ n: ldapDisabled }] = rowsOf<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM accounts a JOIN applications p ON p.id = a.application_id WHERE p.connector_kind = 'ldap' AND a.status = 'disabled'`)) as [{ n: number }];

    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log("\nProvisioning benchmark: 10 applications (4 SCIM, 3 LDAP, 3 PostgreSQL) on loopback; portal on PostgreSQL; workers in child processes");
    console.log(`machine: ${(await import("node:os")).cpus().length} cores, node ${process.version}; worker concurrency ${WORKER_OPTS.concurrency}, maxInFlight 8 per application\n`);
    const header = ["workers", "leaver p50", "leaver p99", "leaver max", "drain ops", "drain time", "ops/s", "dead", "peak RSS MB per worker (sampled/maxRSS)"];
    const table = results.map((r) => [String(r.workers), fmt(r.p50), fmt(r.p99), fmt(r.max), String(r.drainOps), `${r.drainS.toFixed(1)} s`, r.opsPerS.toFixed(0), String(r.failed), r.rss]);
    const w = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
    const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(w[i]!)).join(" | ") + " |";
    console.log(line(header));
    console.log("|" + w.map((n) => "-".repeat(n + 2)).join("|") + "|");
    for (const t of table) console.log(line(t));
    console.log(`\nleaver = one person terminated, decision commit → all 10 disables succeeded (${LAT} people per row; target p99 < 5 s)`);
    console.log(`drain = ${DRAIN} people × 10 applications terminated in one decision (target < 60 s); LDAP accounts disabled in total: ${ldapDisabled}`);
  } finally {
    for (const cp of children) if (cp.exitCode === null) cp.kill("SIGKILL");
    for (const c of cleanups) await c().catch((e) => console.error("cleanup:", e instanceof Error ? e.message : e));
  }
}

if (process.argv[2] === "--worker") {
  child(process.argv[3]!, process.argv[4] ? (JSON.parse(process.argv[4]) as Record<string, number>) : {}).catch((e) => {
    console.error("[bench worker]", e);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
