/**
 * Onboarding benchmark (npm run bench:onboard): the issue-10 organisation on a fresh embedded database with NO demo
 * seed — 300 people from HR; a real SCIM 2.0 application (startScimApp) with 300 accounts and 25 groups; a real
 * slapd (startLdap) with 300 accounts and 20 groups (half groupOfNames, half groupOfUniqueNames); 1,175 memberships
 * in all; both systems with reconcilePolicy "remediate". Prints, per system, the first reconciliation's time and
 * figures (entitlements discovered, grants adopted, operations planned — expected 0 — and holds), then a second
 * reconciliation's time (nothing new), and a dry run of a role giving one group to one department vs its apply.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

process.env.GATEHOUSE_SECRET_KEY ??= `bench-${randomBytes(8).toString("hex")}`;

async function main() {
  const { eq, sql } = await import("drizzle-orm");
  const { grants, people, operations, heldRuns } = await import("@/db/schema");
  const { pgliteTestDb } = await import("@/lib/testing/test-db");
  const { startScimApp } = await import("@/lib/testing/scim-server");
  const { startLdap } = await import("@/lib/testing/ldap-server");
  const { seedLdap, seedScim } = await import("@/lib/testing/seed-systems");
  const { createSystem } = await import("@/lib/services/systems/save-system");
  const { reconcileAll } = await import("@/lib/services/provisioning/reconcile");
  const { applyConfigFile } = await import("@/lib/services/systems/apply-file");
  const { testPerson } = await import("@/lib/testing/fixtures");

  const N = 300;
  const t = await pgliteTestDb();
  const admin = { personId: "system:cli", name: "bench", email: "", roles: ["admin" as const], ownedApplicationIds: [] };
  const ctx = { actor: admin, db: t.db };
  const depts = ["Engineering", "Sales", "Finance", "Support", "Marketing"];
  const names = Array.from({ length: N }, (_, i) => `p${String(i).padStart(3, "0")}`);
  await t.db.insert(people).values(names.map((n, i) => ({ ...testPerson(n, { department: depts[i % depts.length]! }), email: `${n}@example.test` })));

  const token = randomBytes(12).toString("hex");
  const scim = await startScimApp({ token });
  const ldap = await startLdap();
  try {
    // SCIM: 300 users, 25 groups, 600 memberships (each person in 2 groups).
    const scimGroups = Array.from({ length: 25 }, (_, g) => ({ name: `team-${g}`, members: names.filter((_, i) => i % 25 === g || (i + 7) % 25 === g) }));
    await seedScim({ baseUrl: scim.baseUrl, token }, names, scimGroups);
    // LDAP: 300 users, 20 groups; everyone in one group (300), and the first 275 people in a second one (275): 575.
    const ldapGroups = Array.from({ length: 20 }, (_, g) => ({ name: `grp-${g}`, members: names.filter((_, i) => i % 20 === g || ((i + 5) % 20 === g && i < 275)) }));
    const ldapMemberships = await seedLdap(ldap, names, ldapGroups);
    console.log(`setup: ${N} people; SCIM 300 accounts, 25 groups, 600 memberships; LDAP 300 accounts, 20 groups, ${ldapMemberships} memberships`);

    await createSystem({ ctx, input: { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token }, reconcilePolicy: "remediate" } });
    await createSystem({ ctx, input: { key: "dir", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, secrets: { bindPassword: ldap.bindPassword }, reconcilePolicy: "remediate" } });

    for (const round of ["first", "second"]) {
      for (const key of ["chat", "dir"]) {
        const t0 = performance.now();
        const [r] = await reconcileAll(t.db, { keys: [key] });
        const ms = performance.now() - t0;
        if (!r || "error" in r) throw new Error(`${key}: ${r && "error" in r ? r.error : "?"}`);
        console.log(`${round} reconcile ${key}: ${ms.toFixed(0)} ms; ${r.targetAccounts} accounts, ${r.linked} linked; entitlements +${r.discovery.created}; ${r.adopted} adopted; ${r.plannedOperations} operations; held ${r.held ? "yes" : "no"}; unknown memberships ${r.unknownEntitlements}`);
      }
    }
    const [adopted] = await t.db.select({ n: sql<number>`count(*)` }).from(grants).where(eq(grants.source, "adopted"));
    const [ops] = await t.db.select({ n: sql<number>`count(*)` }).from(operations);
    const [held] = await t.db.select({ n: sql<number>`count(*)` }).from(heldRuns);
    console.log(`totals: ${adopted!.n} adopted grants, ${ops!.n} operations, ${held!.n} held runs`);

    const file = JSON.stringify({ roles: [{ key: "eng", name: "Engineering", status: "published", entitlements: [`dir:cn=grp-0,ou=groups,${ldap.baseDn}`], rules: [{ name: "Engineering", conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] }] }] });
    let t0 = performance.now();
    const dry = await applyConfigFile({ ctx, input: { text: file, environment: {}, dryRun: true } });
    const dryMs = performance.now() - t0;
    t0 = performance.now();
    const real = await applyConfigFile({ ctx, input: { text: file, environment: {} } });
    const realMs = performance.now() - t0;
    console.log(`role file: dry run ${dryMs.toFixed(0)} ms ${JSON.stringify(dry.access)}; apply ${realMs.toFixed(0)} ms ${JSON.stringify(real.access)}; equal: ${JSON.stringify(dry.access) === JSON.stringify(real.access)}`);
  } finally {
    await scim.stop();
    await ldap.stop();
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
