/**
 * Brownfield benchmark (npm run bench:brownfield [-- --seed N] [--scale X]): the scenario of
 * lib/services/provisioning/brownfield.int.test.ts on a fresh embedded database (PGlite, no demo data): a generated
 * organisation (lib/testing/brownfield-org.ts; ~300 people at scale 1) loaded into a real slapd and a real SCIM 2.0
 * application with planted problems, onboarded through the documented interfaces (lib/testing/brownfield-run.ts),
 * then the first campaign "Review all existing access". Prints the pre-analysis's shares:
 *   planted flagged X/Y (Z%), items flagged A/B (C%)
 * plus the per-kind detail, every planted item it missed (with the reasons it gave), dry-run mismatches and any
 * revoke/disable operation (none expected). Exit 1 when a target of issue 10 is missed (≥ 95% planted, ≤ 15% items).
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

process.env.GATEHOUSE_SECRET_KEY ??= `bench-${randomBytes(8).toString("hex")}`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
}

async function main() {
  const { pgliteTestDb } = await import("@/lib/testing/test-db");
  const { startScimApp } = await import("@/lib/testing/scim-server");
  const { startLdap } = await import("@/lib/testing/ldap-server");
  const { generateBrownfieldOrg } = await import("@/lib/testing/brownfield-org");
  const { loadLdap, loadScim } = await import("@/lib/testing/brownfield-load");
  const { runBrownfield, summary, pct } = await import("@/lib/testing/brownfield-run");

  const seed = arg("seed", 42);
  const scale = arg("scale", 1);
  const now = new Date("2026-11-02T09:00:00Z");
  const org = generateBrownfieldOrg({ seed, now, scale });
  const t = await pgliteTestDb();
  const scim = await startScimApp({ token: randomBytes(12).toString("hex") });
  const ldap = await startLdap({ baseDn: "dc=acme,dc=test" });
  try {
    const t0 = performance.now();
    await loadLdap(org, ldap);
    await loadScim(org, scim);
    const t1 = performance.now();
    const r = await runBrownfield(t.db, org, { ldap, scim }, now);
    const t2 = performance.now();
    console.log(`brownfield (seed ${seed}, ${org.people} people, PGlite): targets loaded in ${((t1 - t0) / 1000).toFixed(1)} s, onboarded and campaign generated in ${((t2 - t1) / 1000).toFixed(1)} s`);
    console.log(summary(r));
    for (const m of r.missed) console.log(`  missed ${m.kind}: ${m.email ?? m.account} ${m.system}${m.entitlement ? `:${m.entitlement}` : ""} — ${m.reasons.join("; ")}`);
    if (r.dryRunMismatches.length) console.log(`dry-run mismatches:\n  ${r.dryRunMismatches.join("\n  ")}`);
    console.log(`revoke/disable/delete operations before any decision: ${r.destructiveOperations}; grants revoked: ${r.revokedGrants}; accounts disabled: ${r.disabledAccounts}`);
    const total = r.items + r.orphanItems;
    const ok = pct(r.plantedFlagged, r.planted) >= 95 && pct(r.flagged, total) <= 15 && r.items === r.memberships && r.destructiveOperations === 0 && r.dryRunMismatches.length === 0;
    process.exitCode = ok ? 0 : 1;
  } finally {
    await ldap.stop();
    await scim.stop();
    await t.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
