/**
 * Onboarding at scale (npm run bench:onboarding): discovery + adoption of an existing organisation on PostgreSQL.
 *
 * A fresh PostgreSQL database without demo data; PEOPLE people from HR; three real systems that already hold an
 * account for everyone and MEMBERSHIPS group memberships in all: by default three real slapd directories (half
 * groupOfNames, half groupOfUniqueNames); BENCH_KINDS=scim,scim,ldap makes the first two the test SCIM 2.0 app, each in
 * a process of its own so its memory is not counted as Gatehouse's. Each system is created with reconcilePolicy
 * "remediate". The measured part is the first
 * reconciliation of the three systems (read accounts and groups, discover entitlements, link accounts by email, adopt
 * every membership as a grant), then a second one (nothing new). Prints per system and in total: time, accounts,
 * entitlements discovered, grants adopted, operations planned (expected 0), and the process's peak memory (max RSS).
 *
 * Options (environment): BENCH_PEOPLE (default 20000), BENCH_MEMBERSHIPS (default 400000), BENCH_GROUPS per system
 * (default 200), BENCH_KINDS (default ldap,ldap,ldap), TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

process.env.GATEHOUSE_SECRET_KEY ??= `bench-${randomBytes(8).toString("hex")}`;

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 20_000);
const MEMBERSHIPS = Number(process.env.BENCH_MEMBERSHIPS ?? 400_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 200);
/** The three systems' kinds: real slapd directories by default; BENCH_KINDS=scim,scim,ldap puts the test SCIM app in
 * front (its in-memory store re-reads every user for each page, so at 20,000 people it measures itself more than Gatehouse). */
const KINDS = (process.env.BENCH_KINDS ?? "ldap,ldap,ldap").split(",").map((k) => (k.trim() === "scim" ? ("scim" as const) : ("ldap" as const)));
const SYSTEMS = KINDS.length;

/** Groups of person i in system s: distinct groups (i*7 + k*29 + s*13) mod GROUPS, k = 0.. (count per person varies by one). */
function groupsOf(i: number, s: number, perSystem: number): number[] {
  const base = Math.floor(perSystem / PEOPLE);
  const extra = perSystem - base * PEOPLE; // the first `extra` people have one more
  const n = base + (i < extra ? 1 : 0);
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push((i * 7 + k * 29 + s * 13) % GROUPS);
  return out;
}

async function startScimProcess(token: string): Promise<{ baseUrl: string; child: ChildProcess }> {
  const tsx = path.join(process.cwd(), "node_modules/.bin/tsx");
  const child = spawn(tsx, [path.join(process.cwd(), "scripts/bench/scim-app-process.ts"), token], { stdio: ["ignore", "pipe", "inherit"] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n")[0];
      if (buf.includes("\n")) {
        try {
          resolve(JSON.parse(line!).baseUrl);
        } catch (e) {
          reject(e);
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`SCIM app exited (${code})`)));
  });
  return { baseUrl, child };
}

async function main() {
  const { sql } = await import("drizzle-orm");
  const { people } = await import("@/db/schema");
  const { rowsOf } = await import("@/db/client");
  const { postgresTestDb } = await import("@/lib/testing/test-db");
  const { DEFAULT_TEST_PG_URL } = await import("@/lib/testing/postgres");
  const { startLdap } = await import("@/lib/testing/ldap-server");
  const { createSystem } = await import("@/lib/services/systems/save-system");
  const { reconcileAll } = await import("@/lib/services/provisioning/reconcile");
  const { testPerson } = await import("@/lib/testing/fixtures");
  const { exampleEmail: email, seedLdap, seedScim } = await import("@/lib/testing/seed-systems");

  const perSystem = KINDS.map((_, s) => Math.floor(MEMBERSHIPS / SYSTEMS) + (s < MEMBERSHIPS % SYSTEMS ? 1 : 0));
  const names = Array.from({ length: PEOPLE }, (_, i) => `u${String(i).padStart(5, "0")}`);
  console.log(`bench:onboarding — ${PEOPLE.toLocaleString("en")} people × ${SYSTEMS} systems, ${MEMBERSHIPS.toLocaleString("en")} memberships (${GROUPS} groups per system), PostgreSQL, ${os.cpus().length} cores`);

  const t = await postgresTestDb(DEFAULT_TEST_PG_URL);
  const admin = { personId: "system:cli", name: "bench", email: "", roles: ["admin" as const], ownedApplicationIds: [] };
  const ctx = { actor: admin, db: t.db };
  const depts = ["Engineering", "Sales", "Finance", "Support", "Marketing", "Legal", "Operations"];
  const scims: Array<{ baseUrl: string; child: ChildProcess; token: string }> = [];
  const ldaps: Array<Awaited<ReturnType<typeof startLdap>>> = [];
  const setup0 = performance.now();
  try {
    for (let i = 0; i < names.length; i += 2000) {
      await t.db.insert(people).values(names.slice(i, i + 2000).map((n, j) => ({ ...testPerson(n, { department: depts[(i + j) % depts.length]! }), email: email(n) })));
    }

    const systems: Array<{ key: string; name: string; kind: "scim" | "ldap" }> = KINDS.map((kind, s) => ({ key: `${kind}${s}`, name: `${kind === "scim" ? "SCIM app" : "Directory"} ${s + 1}`, kind }));
    for (const [s, sys] of systems.entries()) {
      const members: string[][] = Array.from({ length: GROUPS }, () => []);
      names.forEach((n, i) => groupsOf(i, s, perSystem[s]!).forEach((g) => members[g]!.push(n)));
      if (sys.kind === "scim") {
        // A SCIM application: an account per person, GROUPS groups (the test app, in a process of its own).
        const token = randomBytes(12).toString("hex");
        const app = await startScimProcess(token);
        scims.push({ ...app, token });
        await seedScim({ baseUrl: app.baseUrl, token }, names, members.map((m, g) => ({ name: `app${s}-team-${g}`, members: m })));
        await createSystem({ ctx, input: { key: sys.key, name: sys.name, connectorKind: "scim", config: { baseUrl: app.baseUrl, pageSize: 1000, timeoutMs: 300_000 }, secrets: { token }, reconcilePolicy: "remediate" } });
        continue;
      }
      // A directory (real slapd): an account per person, GROUPS groups, half groupOfNames, half groupOfUniqueNames.
      const ldap = await startLdap({ baseDn: `dc=sys${s},dc=test` });
      ldaps.push(ldap);
      await seedLdap(ldap, names, members.map((m, g) => ({ name: `grp-${g}`, members: m })));
      await createSystem({ ctx, input: { key: sys.key, name: sys.name, connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn, timeoutMs: 300_000 }, secrets: { bindPassword: ldap.bindPassword }, reconcilePolicy: "remediate" } });
    }
    console.log(`setup (not measured): ${((performance.now() - setup0) / 1000).toFixed(0)} s; systems ${systems.map((x) => `${x.key} (${x.kind})`).join(", ")}; memberships per system ${perSystem.map((n) => n.toLocaleString("en")).join(" / ")}`);

    // Peak memory of the measured part: sample RSS every 50 ms (the process's max RSS also includes the set-up).
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const rows: string[] = [];
    let firstTotal = 0;
    for (const round of ["first", "second"] as const) {
      let roundMs = 0;
      for (const key of systems.map((x) => x.key)) {
        const t0 = performance.now();
        const [r] = await reconcileAll(t.db, { keys: [key] });
        const ms = performance.now() - t0;
        roundMs += ms;
        if (!r || "error" in r) throw new Error(`${key}: ${r && "error" in r ? r.error : "?"}`);
        rows.push(`${round.padEnd(6)} ${key.padEnd(5)} ${(ms / 1000).toFixed(1).padStart(6)} s  accounts ${r.targetAccounts}, linked ${r.linked}, entitlements +${r.discovery.created}, adopted ${r.adopted}, operations ${r.plannedOperations}, held ${r.held ? "yes" : "no"}, unknown memberships ${r.unknownEntitlements}`);
      }
      if (round === "first") firstTotal = roundMs;
      rows.push(`${round.padEnd(6)} total ${(roundMs / 1000).toFixed(1).padStart(6)} s`);
    }
    clearInterval(sampler);
    for (const r of rows) console.log(r);

    const [g] = rowsOf<{ adopted: number; all: number }>(await t.db.execute(sql`select count(*) filter (where source = 'adopted')::int as adopted, count(*)::int as "all" from grants where status = 'active'`));
    const [o] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from operations`));
    const [e] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from entitlements`));
    const [a] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from accounts where person_id is not null`));
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(`database: ${a!.n} linked accounts, ${e!.n} entitlements, ${g!.adopted} adopted grants (of ${g!.all} active), ${o!.n} operations`);
    console.log(`peak memory during reconciliation: ${(peakRss / 1024 / 1024).toFixed(0)} MB RSS (${(rssBefore / 1024 / 1024).toFixed(0)} MB when it began, after the set-up; process max RSS ${maxRssMb.toFixed(0)} MB); load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    const ok = firstTotal < 120_000 && peakRss < 1.5 * 1024 ** 3 && g!.adopted === MEMBERSHIPS && o!.n === 0;
    console.log(`verdict: first reconciliation ${(firstTotal / 1000).toFixed(1)} s (target < 120 s), peak ${(peakRss / 1024 / 1024).toFixed(0)} MB (target < 1,536 MB), adopted ${g!.adopted}/${MEMBERSHIPS}, operations ${o!.n} (expected 0): ${ok ? "PASS" : "FAIL"}`);
  } finally {
    for (const s of scims) s.child.kill("SIGTERM");
    for (const l of ldaps) await l.stop();
    await t.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
