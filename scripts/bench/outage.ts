/**
 * Outage benchmark against REAL targets on loopback (npm run bench:outage [-- --outage-seconds S --leavers N]):
 *   10 systems: 4 SCIM 2.0 applications (their listener closed during the outage), 3 OpenLDAP directories and 3
 *   PostgreSQL role namespaces behind loopback TCP proxies that are cut during the outage (connection refused,
 *   open connections dropped). The portal database is a per-run PostgreSQL database; the worker runs in a child
 *   process with the production retry and breaker defaults (backoff 2 s doubling to 5 min with jitter, breaker
 *   after 5 failures, probe every 5 s, 24 h budget).
 *
 *   N leavers (default 1,000; each with an account in one of the 10 systems, 100 per system) are terminated in 10
 *   decisions spread over the first half of an outage of all 10 systems (default 180 s). Then every system comes
 *   back at once. Measured: recovery → first disable recorded, recovery → all disabled. Checked: one disable
 *   operation per leaver, none dead, no open incident left, each system's breaker opened and closed by itself.
 *
 * Everything created is removed at the end (databases dropped, roles with the run's prefix dropped, servers and
 * proxies stopped, the worker process stopped).
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "../..");
const WORKER = path.join(root, "scripts/bench/provisioning.ts");
process.env.GATEHOUSE_SECRET_KEY ??= `bench-${randomBytes(8).toString("hex")}`;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (process.argv.includes("--help")) {
    console.log("Usage: npm run bench:outage [-- --outage-seconds 180 --leavers 1000]");
    return;
  }
  const OUTAGE_S = arg("--outage-seconds", 180);
  const N = Math.round(arg("--leavers", 1000));
  const { DEFAULT_TEST_PG_URL, createTestDatabase, pgAvailable } = await import("@/lib/testing/postgres");
  const { ldapAvailable, startLdap, LDAP_INSTALL_HINT } = await import("@/lib/testing/ldap-server");
  const { startScimApp } = await import("@/lib/testing/scim-server");
  const { startTcpProxy } = await import("@/lib/testing/tcp-proxy");
  if (!(await pgAvailable())) throw new Error("PostgreSQL is needed (portal database and target): start it with `pg_ctlcluster 15 main start`.");
  if (!ldapAvailable()) throw new Error(`OpenLDAP is needed: ${LDAP_INSTALL_HINT}`);
  const { openDb, migrate, rowsOf } = await import("@/db/client");
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
    const rolePrefix = `gho${run}`;
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

    process.stderr.write("… starting targets (4 SCIM, 3 LDAP and 3 PostgreSQL namespaces behind TCP proxies)\n");
    const TOKEN = `bench-${run}`;
    const scims = await Promise.all([0, 1, 2, 3].map(() => startScimApp({ token: TOKEN })));
    for (const s of scims) cleanups.push(() => s.stop());
    const ldaps = [];
    for (let i = 0; i < 3; i++) {
      const l = await startLdap();
      cleanups.push(() => l.stop());
      ldaps.push(l);
    }
    const targetUrl = new URL(target.url);
    const proxies = await Promise.all([
      ...ldaps.map((l) => startTcpProxy({ host: "127.0.0.1", port: Number(new URL(l.url).port) })),
      ...[0, 1, 2].map(() => startTcpProxy({ host: targetUrl.hostname, port: Number(targetUrl.port || 5432) })),
    ]);
    for (const p of proxies) cleanups.unshift(() => p.stop());
    const viaProxy = (url: string, port: number) => {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    };

    const h = await openDb({ url: portal.url, max: 8 });
    cleanups.unshift(() => h.close());
    await migrate(h);
    const db = h.db;

    type AppDef = { key: string; kind: "scim" | "ldap" | "postgres"; config: Record<string, unknown>; direct: Record<string, unknown>; secrets: Record<string, string>; directSecrets: Record<string, string> };
    const defs: AppDef[] = [
      ...scims.map((s, i) => {
        const config = { baseUrl: s.baseUrl, timeoutMs: 10_000, maxInFlight: 8 };
        return { key: `scim-${i + 1}`, kind: "scim" as const, config, direct: config, secrets: { token: TOKEN }, directSecrets: { token: TOKEN } };
      }),
      ...ldaps.map((l, i) => ({
        key: `ldap-${i + 1}`,
        kind: "ldap" as const,
        config: { url: `ldap://127.0.0.1:${proxies[i]!.port}`, bindDn: l.bindDn, baseDn: l.baseDn, timeoutMs: 10_000, maxInFlight: 8 },
        direct: { url: l.url, bindDn: l.bindDn, baseDn: l.baseDn, timeoutMs: 10_000 },
        secrets: { bindPassword: l.bindPassword },
        directSecrets: { bindPassword: l.bindPassword },
      })),
      ...["a", "b", "c"].map((x, i) => ({
        key: `pg-${i + 1}`,
        kind: "postgres" as const,
        config: { prefix: `${rolePrefix}${x}_`, timeoutMs: 10_000, maxInFlight: 8 },
        direct: { prefix: `${rolePrefix}${x}_`, timeoutMs: 10_000 },
        secrets: { url: viaProxy(target.url, proxies[3 + i]!.port) },
        directSecrets: { url: target.url },
      })),
    ];
    const apps = await db
      .insert(applications)
      .values(defs.map((d) => ({ key: d.key, name: d.key, connectorKind: d.kind, config: d.config, secretsEncrypted: encryptSecrets(d.secrets), criticality: "medium" as const, deprovisionAction: "disable" as const })))
      .returning();
    const connectors = apps.map((a, i) => ({ app: a, c: createConnector(defs[i]!.kind, defs[i]!.direct, defs[i]!.directSecrets) }));

    const persons = Array.from({ length: N }, (_, i) => ({
      id: randomUUID(),
      employeeId: `O-${run}-${i}`,
      givenName: `Out${i}`,
      familyName: "Person",
      displayName: `Out${i} Person`,
      email: `out${run}${i}@example.test`,
      department: "Engineering",
      title: "Engineer",
      location: "Remote",
    }));
    for (let i = 0; i < persons.length; i += 500) await db.insert(people).values(persons.slice(i, i + 500));
    process.stderr.write(`… creating ${N} accounts in the targets (one per leaver, ${N / 10} per system)\n`);
    const rows: Array<typeof accounts.$inferInsert> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < persons.length) {
          const i = next++;
          const p = persons[i]!;
          const x = connectors[i % connectors.length]!;
          const userName = p.email.split("@")[0]!;
          const r = await x.c.createAccount({ userName, givenName: p.givenName, familyName: p.familyName, displayName: p.displayName, email: p.email, personId: p.id });
          rows.push({ personId: p.id, applicationId: x.app.id, externalId: r.externalId, username: r.userName, status: "active", reconState: "matched", attributes: {} });
        }
      }),
    );
    for (let i = 0; i < rows.length; i += 1000) await db.insert(accounts).values(rows.slice(i, i + 1000));
    for (const x of connectors) await x.c.close?.().catch(() => {});

    process.stderr.write("… worker process (production retry/breaker defaults)\n");
    const cp = fork(WORKER, ["--worker", portal.url, JSON.stringify({ concurrency: 16, sweepIntervalMs: 100, pollingIntervalSeconds: 0.5 })], {
      cwd: root,
      execArgv: ["--import", "tsx"],
      env: process.env,
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    children.push(cp);
    await new Promise<void>((res, rej) => {
      cp.once("message", () => res());
      cp.once("exit", (code) => rej(new Error(`worker exited with ${code}`)));
    });

    const count = async () =>
      rowsOf<{ done: number; dead: number; open: number; attempts: number; ops: number }>(
        await db.execute(sql`SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done, count(*) FILTER (WHERE status = 'dead')::int AS dead,
                                    count(*) FILTER (WHERE status IN ('pending','queued','running','failed'))::int AS open,
                                    coalesce(sum(attempts), 0)::int AS attempts, count(*)::int AS ops
                             FROM operations WHERE kind = 'disable'`),
      )[0]!;

    process.stderr.write(`… outage of all 10 systems for ${OUTAGE_S} s; ${N} leavers terminated in 10 decisions during its first half\n`);
    await Promise.all(scims.map((s) => s.setFault("down")));
    await Promise.all(proxies.map((p) => p.setDown(true)));
    const downAt = Date.now();
    const batch = Math.ceil(N / 10);
    for (let b = 0; b < 10; b++) {
      const ids = persons.slice(b * batch, (b + 1) * batch).map((p) => p.id);
      if (ids.length === 0) break;
      await db.transaction(async (tx) => {
        await tx.update(people).set({ status: "terminated" }).where(inArray(people.id, ids));
        await planPeople(tx, ids, { kind: "bench", id: randomUUID() });
      });
      await sleep((OUTAGE_S * 1000) / 2 / 10);
    }
    await sleep(Math.max(0, downAt + OUTAGE_S * 1000 - Date.now()));
    const during = await count();
    const opened = rowsOf<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM circuit_breakers WHERE state = 'open'`))[0]!.n;

    process.stderr.write("… all systems back\n");
    await Promise.all(proxies.map((p) => p.setDown(false)));
    await Promise.all(scims.map((s) => s.setFault("none")));
    const upAt = Date.now();
    let first: number | null = null;
    let final = during;
    for (;;) {
      final = await count();
      if (first === null && final.done > 0) first = Date.now() - upAt;
      if (final.done + final.dead >= N) break;
      if (Date.now() - upAt > 600_000) throw new Error(`not done 10 minutes after recovery (${final.done}/${N})`);
      await sleep(50);
    }
    const allMs = Date.now() - upAt;
    // Incidents close by themselves: give the last transactions a moment.
    let openIncidents = 0;
    for (let i = 0; i < 40; i++) {
      openIncidents = rowsOf<{ n: number }>(await db.execute(sql`SELECT count(*)::int AS n FROM incidents WHERE status <> 'resolved'`))[0]!.n;
      if (openIncidents === 0) break;
      await sleep(250);
    }
    const stats = rowsOf<{ opened: number; closed: number; incidents: number; dupes: number; disabled: number }>(
      await db.execute(sql`SELECT (SELECT count(*)::int FROM audit_events WHERE action = 'system.circuit_opened') AS opened,
                                  (SELECT count(*)::int FROM audit_events WHERE action = 'system.circuit_closed') AS closed,
                                  (SELECT count(*)::int FROM incidents) AS incidents,
                                  (SELECT count(*)::int FROM (SELECT person_id FROM operations WHERE kind = 'disable' GROUP BY person_id HAVING count(*) > 1) d) AS dupes,
                                  (SELECT count(*)::int FROM accounts WHERE status = 'disabled') AS disabled`),
    )[0]!;
    const perKind = rowsOf<{ kind: string; last: number; attempts: number; errors: string | null }>(
      await db.execute(sql`SELECT a.connector_kind::text AS kind, round(extract(epoch FROM max(o.finished_at)) * 1000)::float8 AS last, sum(o.attempts)::int AS attempts,
                                  (array_agg(DISTINCT left(o.last_error, 60)))[1] AS errors
                           FROM operations o JOIN applications a ON a.id = o.application_id WHERE o.kind = 'disable' GROUP BY 1 ORDER BY 1`),
    );
    const scimDisabled = scims.reduce((a, s) => a + s.state().users.filter((u) => u.active === false).length, 0);

    const workerStats = await new Promise<Record<string, number>>((res) => {
      cp.on("message", (m: { done?: boolean; stats: Record<string, number> }) => m.done && res(m.stats));
      cp.send({ stop: true });
    });
    const exec = rowsOf<{ avg: number; max: number }>(
      await db.execute(sql`SELECT avg(extract(epoch FROM finished_at - started_at) * 1000)::float8 AS avg, max(extract(epoch FROM finished_at - started_at) * 1000)::float8 AS max FROM operations WHERE kind = 'disable' AND status = 'succeeded'`),
    )[0]!;

    const os = await import("node:os");
    console.log(`\nOutage benchmark: 10 systems (4 SCIM, 3 LDAP, 3 PostgreSQL) on loopback, all down for ${OUTAGE_S} s; portal on PostgreSQL; one worker process`);
    console.log(`machine: ${os.cpus().length} cores, node ${process.version}; worker concurrency 16, maxInFlight 8 per system; retry/breaker defaults (probe every 5 s)\n`);
    const table: Array<[string, string]> = [
      ["leavers (disable operations)", String(N)],
      ["attempts made during the outage", `${during.attempts} (breakers open at its end: ${opened}/10)`],
      ["recovery → first disable recorded", `${((first ?? allMs) / 1000).toFixed(1)} s`],
      ["recovery → all disabled (target < 60 s)", `${(allMs / 1000).toFixed(1)} s`],
      ["drain rate after recovery", `${(N / (allMs / 1000)).toFixed(0)} ops/s`],
      ["dead-lettered / duplicate operations", `${final.dead} / ${stats.dupes}`],
      ["accounts disabled (portal) / SCIM users inactive", `${stats.disabled} / ${scimDisabled}`],
      ["breakers opened / closed by themselves", `${stats.opened} / ${stats.closed}`],
      ["incidents opened / still open", `${stats.incidents} / ${openIncidents}`],
      ["attempts after recovery", String(final.attempts - during.attempts)],
      ["last attempt: mean / max duration (claim → recorded)", `${Number(exec.avg).toFixed(0)} ms / ${Number(exec.max).toFixed(0)} ms`],
      ["worker: executed / skipped jobs", `${workerStats.executed} / ${workerStats.skipped}`],
      ...perKind.map((k): [string, string] => [`  ${k.kind}: recovery → last disable`, `${((Number(k.last) - upAt) / 1000).toFixed(1)} s (${k.attempts} attempts; ${k.errors ?? "no error"})`]),
    ];
    const w = Math.max(...table.map((t) => t[0].length));
    for (const [k, v] of table) console.log(`| ${k.padEnd(w)} | ${v}`);
  } finally {
    for (const cp of children) if (cp.exitCode === null) cp.kill("SIGKILL");
    for (const c of cleanups) await c().catch((e) => console.error("cleanup:", e instanceof Error ? e.message : e));
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
