/**
 * `npm run bench:lifecycle`: lifecycle speed on PostgreSQL (fresh databases `gh_bench_lc_<random>` created on
 * TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards).
 *
 * (a) snapshot diff: seed N people (db/seed/load seedDatabase), export them as an HR CSV, change 300 rows
 *     (100 movers, 100 leavers, 100 new joiners), time parseHrCsv + applyHrRecords (applied, not a dry run):
 *     upsert, events, birthright grants and planned operations in one transaction. Target < 10 s at 20,000.
 * (b) termination latency on real targets: 10 SCIM servers (lib/testing/scim-server startScimApp), people with
 *     an account in each of the 10; each person is terminated by its own HR record while a ProvisioningWorker
 *     runs; latency = HR record submitted → all 10 accounts disabled in Gatehouse (operations succeeded).
 * (c) burst: 1,000 leavers (accounts in 2 of the 10 SCIM apps each) in one HR file; time to plan, and to
 *     execute every operation through the worker.
 *
 *   npx tsx scripts/bench/lifecycle.ts [--people 20000] [--seed 7] [--latency-people 100] [--burst 1000] [--skip a,b,c]
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";

const args = process.argv.slice(2);
const flag = (n: string, d: string) => {
  const i = args.indexOf(n);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const PEOPLE = Number(flag("--people", "20000"));
const SEED = Number(flag("--seed", "7"));
const LAT_PEOPLE = Number(flag("--latency-people", "100"));
const BURST = Number(flag("--burst", "1000"));
const SKIP = new Set(flag("--skip", "").split(",").filter(Boolean));
const pgBase = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const HEADER = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date,cost_center";
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? (r as T[]) : (((r as { rows?: T[] }).rows ?? []) as T[]));
const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const secs = (ms: number) => (ms / 1000).toFixed(2);

type Row = { case: string; measure: string; value: string; note: string };
const table: Row[] = [];

async function freshDb() {
  const { default: postgres } = await import("postgres");
  const { migrate, openDb } = await import("@/db/client");
  const name = `gh_bench_lc_${randomBytes(5).toString("hex")}`;
  const admin = postgres(pgBase, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(pgBase);
  u.pathname = `/${name}`;
  const h = await openDb({ url: u.toString(), max: 10 });
  await migrate(h);
  return {
    ...h,
    drop: async () => {
      await h.close();
      const a = postgres(pgBase, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

const admin = { personId: "system:bench", name: "Bench", email: "", roles: ["admin" as const], ownedApplicationIds: [] };

/** (a) 20,000-person snapshot with 300 changes. */
async function snapshotCase() {
  const { seedDatabase } = await import("@/db/seed/load");
  const { parseHrCsv } = await import("@/lib/domain/hr-import");
  const { applyHrRecords } = await import("@/lib/services/lifecycle/apply-hr-records");
  const h = await freshDb();
  try {
    const t0 = performance.now();
    await seedDatabase(h.db, { people: PEOPLE, seed: SEED, actorKind: "cli" });
    console.log(`(a) seeded ${PEOPLE} people in ${secs(performance.now() - t0)} s`);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const people = rowsOf<Record<string, string | number | null>>(
      await h.db.execute(sql`
        SELECT p.employee_id, p.given_name, p.family_name, p.email, p.department, p.title, p.level, p.location, m.employee_id AS manager,
          p.employment_type::text AS employment_type, p.status::text AS status, p.start_date::text AS start_date, p.end_date::text AS end_date, p.cost_center
        FROM people p LEFT JOIN people m ON m.id = p.manager_id ORDER BY p.employee_id`),
    );
    const departments = [...new Set(people.map((p) => String(p.department)))];
    // Only people HR still considers current (and with no end date of their own) are changed.
    const eligible = people.filter((p) => p.status === "active" && !p.end_date);
    const movers = new Set(eligible.filter((_, i) => i % 7 === 1).slice(0, 100).map((p) => p.employee_id));
    const leavers = new Set(eligible.filter((_, i) => i % 7 === 3).slice(0, 100).map((p) => p.employee_id));
    const lines = [HEADER];
    for (const p of people) {
      const r = { ...p };
      if (movers.has(p.employee_id)) r.department = departments[(departments.indexOf(String(p.department)) + 1) % departments.length];
      if (leavers.has(p.employee_id)) {
        r.status = "terminated";
        r.end_date = yesterday;
      }
      lines.push([r.employee_id, r.given_name, r.family_name, r.email, r.department, r.title, r.level, r.location, r.manager, r.employment_type, r.status, r.start_date, r.end_date, r.cost_center].map(csvCell).join(","));
    }
    const mgr = eligible[0].employee_id;
    for (let i = 0; i < 100; i++) {
      lines.push([`BENCH${i}`, "New", `Joiner${i}`, `bench.joiner${i}@example.test`, departments[i % departments.length], "Analyst", 2, "Remote", mgr, "employee", "active", today, "", ""].map(csvCell).join(","));
    }
    const csv = lines.join("\n") + "\n";
    const t1 = performance.now();
    const { records, errors } = parseHrCsv(csv);
    const tParse = performance.now() - t1;
    const r = await applyHrRecords({ ctx: { db: h.db, actor: admin }, input: { source: "csv", onlyValid: true }, records, rowErrors: errors });
    const total = performance.now() - t1;
    const by: Record<string, number> = {};
    for (const e of r.events) by[e.kind] = (by[e.kind] ?? 0) + 1;
    const evs = Object.entries(by).map(([k, v]) => `${v} ${k}`).join(", ");
    table.push({ case: "(a) snapshot diff + plan", measure: `${records.length} rows, 300 changes`, value: `${secs(total)} s`, note: `parse ${secs(tParse)} s; ${r.created} new / ${r.updated} changed / ${r.unchanged} unchanged; ${evs}; ${r.errors.length} row errors; +${r.access.added} / ${r.access.scheduledForRemoval} scheduled / −${r.access.revoked} grants; ${r.operations} operations; target < 10 s: ${total < 10_000 ? "met" : "MISSED"}` });
  } finally {
    await h.drop();
  }
}

/** 10 SCIM servers as 10 applications, each with one group as its entitlement. */
async function scimApps(h: Awaited<ReturnType<typeof freshDb>>) {
  const { startScimApp } = await import("@/lib/testing/scim-server");
  const { encryptSecrets } = await import("@/lib/crypto");
  const { applications, entitlements } = await import("@/db/schema");
  const servers = [];
  const ents: Array<{ appId: string; entId: string }> = [];
  for (let i = 0; i < 10; i++) {
    const token = `bench-token-${i}`;
    const s = await startScimApp({ token });
    servers.push(s);
    const res = await fetch(`${s.baseUrl}/Groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Members" }),
    });
    const group = (await res.json()) as { id: string };
    const [app] = await h.db
      .insert(applications)
      .values({ key: `bench${i}`, name: `Bench ${i}`, connectorKind: "scim", config: { baseUrl: s.baseUrl, timeoutMs: 5000, maxInFlight: 16 }, secretsEncrypted: encryptSecrets({ token }) })
      .returning();
    const [e] = await h.db.insert(entitlements).values({ applicationId: app.id, externalId: group.id, name: "Members" }).returning();
    ents.push({ appId: app.id, entId: e.id });
  }
  return { servers, ents };
}

/** People with accounts provisioned for real (grants → plan → worker), returned with their HR rows. */
async function provisionPeople(h: Awaited<ReturnType<typeof freshDb>>, worker: { runUntilIdle: (ms?: number, every?: number) => Promise<void> }, prefix: string, n: number, appsPer: (i: number) => Array<{ entId: string }>) {
  const { people, grants } = await import("@/db/schema");
  const { planPeople } = await import("@/lib/services/provisioning/plan");
  const { wakeDispatcher } = await import("@/lib/jobs/wake");
  const rows = Array.from({ length: n }, (_, i) => ({
    employeeId: `${prefix}${i}`, givenName: "Bench", familyName: `${prefix}${i}`, displayName: `Bench ${prefix}${i}`, email: `${prefix.toLowerCase()}${i}@bench.test`,
    department: "Ops", title: "Operator", level: 2, location: "Remote",
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) ids.push(...(await h.db.insert(people).values(rows.slice(i, i + 500)).returning({ id: people.id })).map((r) => r.id));
  const g = ids.flatMap((personId, i) => appsPer(i).map((a) => ({ personId, entitlementId: a.entId, source: "manual" as const, reason: "bench" })));
  for (let i = 0; i < g.length; i += 1000) await h.db.insert(grants).values(g.slice(i, i + 1000));
  await h.db.transaction(async (tx) => planPeople(tx, ids, { kind: "bench.setup" }));
  wakeDispatcher();
  const t0 = performance.now();
  await worker.runUntilIdle(900_000, 250);
  const [{ n: live }] = rowsOf<{ n: number }>(await h.db.execute(sql`SELECT count(*)::int AS n FROM accounts WHERE status = 'active'`));
  console.log(`  provisioned ${n} ${prefix} people (${live} live accounts in total) in ${secs(performance.now() - t0)} s`);
  const hr = rows.map((r) => [r.employeeId, r.givenName, r.familyName, r.email, r.department, r.title, r.level, r.location, "", "employee", "terminated", "2020-01-01", new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), ""].map(csvCell).join(","));
  return { ids, hr };
}

async function targetsCases() {
  const { ProvisioningWorker } = await import("@/lib/jobs/worker");
  const { parseHrCsv } = await import("@/lib/domain/hr-import");
  const { applyHrRecords } = await import("@/lib/services/lifecycle/apply-hr-records");
  const h = await freshDb();
  const { servers, ents } = await scimApps(h);
  const worker = await new ProvisioningWorker(h, { concurrency: 16, perAppMaxInFlight: 16, sweepIntervalMs: 200, pollingIntervalSeconds: 0.5, lifecycleSweepMs: 0 }).start();
  try {
    if (!SKIP.has("b")) {
      console.log(`(b) ${LAT_PEOPLE} people with an account in each of 10 SCIM apps`);
      const { ids, hr } = await provisionPeople(h, worker, "LAT", LAT_PEOPLE, () => ents);
      const lat: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const t0 = performance.now();
        const { records } = parseHrCsv(`${HEADER}\n${hr[i]}\n`);
        await applyHrRecords({ ctx: { db: h.db, actor: admin }, input: { source: "webhook" }, records });
        for (;;) {
          const [{ live }] = rowsOf<{ live: number }>(await h.db.execute(sql`SELECT count(*)::int AS live FROM accounts WHERE person_id = ${ids[i]}::uuid AND status <> 'disabled'`));
          if (live === 0) break;
          if (performance.now() - t0 > 120_000) throw new Error(`accounts of ${ids[i]} not disabled within 120 s`);
          await new Promise((r) => setTimeout(r, 10));
        }
        lat.push(performance.now() - t0);
      }
      table.push({ case: "(b) termination → 10 accounts disabled", measure: `p50 / p99 over ${lat.length} people`, value: `${(pct(lat, 50) / 1000).toFixed(3)} s / ${(pct(lat, 99) / 1000).toFixed(3)} s`, note: `max ${(Math.max(...lat) / 1000).toFixed(3)} s; one HR record at a time, worker concurrency 16, 10 real SCIM servers` });
      await worker.runUntilIdle(300_000, 250);
    }
    if (!SKIP.has("c")) {
      console.log(`(c) burst of ${BURST} leavers with accounts in 2 of the 10 SCIM apps`);
      const { hr } = await provisionPeople(h, worker, "BUR", BURST, (i) => [ents[i % 10], ents[(i + 1) % 10]]);
      const before = worker.stats.succeeded;
      const t0 = performance.now();
      const { records } = parseHrCsv(`${HEADER}\n${hr.join("\n")}\n`);
      const r = await applyHrRecords({ ctx: { db: h.db, actor: admin }, input: { source: "csv" }, records });
      const tPlan = performance.now() - t0;
      await worker.runUntilIdle(900_000, 100);
      const total = performance.now() - t0;
      const [{ live, dead }] = rowsOf<{ live: number; dead: number }>(
        await h.db.execute(sql`SELECT (SELECT count(*)::int FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.employee_id LIKE 'BUR%' AND a.status <> 'disabled') AS live, (SELECT count(*)::int FROM operations WHERE status = 'dead') AS dead`),
      );
      const executed = worker.stats.succeeded - before;
      table.push({ case: `(c) burst of ${BURST} leavers`, measure: "HR file → every operation executed", value: `${secs(total)} s`, note: `plan ${secs(tPlan)} s (${r.events.length} leaver events, ${r.operations} operations); ${executed} operations executed (${(executed / ((total - tPlan) / 1000)).toFixed(0)}/s); accounts still live: ${live}; dead-lettered: ${dead}` });
    }
  } finally {
    await worker.stop();
    for (const s of servers) await s.stop();
    await h.drop();
  }
}

async function main() {
  const t0 = performance.now();
  if (!SKIP.has("a")) await snapshotCase();
  if (!SKIP.has("b") || !SKIP.has("c")) await targetsCases();
  const w = (k: keyof Row) => Math.max(k.length, ...table.map((r) => r[k].length));
  const line = (r: Row) => `${r.case.padEnd(w("case"))} | ${r.measure.padEnd(w("measure"))} | ${r.value.padEnd(w("value"))} | ${r.note}`;
  console.log(`\nLifecycle benchmark (PostgreSQL, ${PEOPLE} people seed ${SEED}; total ${secs(performance.now() - t0)} s)\n`);
  console.log(line({ case: "case", measure: "measure", value: "value", note: "note" }));
  console.log("-".repeat(w("case") + w("measure") + w("value") + 12));
  for (const r of table) console.log(line(r));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
