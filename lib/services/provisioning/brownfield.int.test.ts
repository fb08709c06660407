/**
 * Brownfield onboarding, measured (issue 10, "Done when"): a fresh database with NO demo data (PGlite, and PostgreSQL
 * when TEST_DATABASE_URL is set), a generated organisation of ~300 people (lib/testing/brownfield-org.ts, seed 42), a real
 * slapd and a real SCIM 2.0 application pre-loaded with its accounts, groups and memberships and with planted problems
 * of every kind (leavers with live accounts, orphan accounts, movers who kept their old groups, peer outliers, an SoD
 * pair, dormant access by usage). Only the services behind the documented interfaces run (lib/testing/brownfield-run.ts:
 * hr import, admin grant, apply -f, reconcile, usage import, SoD policy, "Review all existing access").
 * Asserts: the first campaign holds exactly the memberships the systems hold (plus one item per orphan account); the
 * pre-analysis flags ≥ 95% of the planted items and ≤ 15% of all items; nothing was revoked or disabled; every dry run
 * counted what its run did. The measured shares are printed (same scenario: `npm run bench:brownfield`).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { generateBrownfieldOrg, type BrownfieldOrg } from "@/lib/testing/brownfield-org";
import { loadLdap, loadScim } from "@/lib/testing/brownfield-load";
import { runBrownfield, summary, type BrownfieldResult } from "@/lib/testing/brownfield-run";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";

process.env.GATEHOUSE_SECRET_KEY ??= "brownfield-int-test-key";
resetEnvCache();

const describeLdap = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);
const NOW = new Date("2026-11-02T09:00:00Z");

for (const driver of testDrivers()) {
  describeLdap(`brownfield (${driver.label}): a 300-person organisation with planted problems, from a fresh instance`, () => {
    let t: TestDb;
    let ldap: LdapServer;
    let scim: ScimApp;
    let org: BrownfieldOrg;
    let r: BrownfieldResult;

    beforeAll(async () => {
      t = await driver.open();
      org = generateBrownfieldOrg({ seed: 42, now: NOW });
      ldap = await startLdap({ baseDn: "dc=acme,dc=test" });
      scim = await startScimApp({ token: "brownfield-scim-token" });
      await loadLdap(org, ldap);
      await loadScim(org, scim);
      r = await runBrownfield(t.db, org, { ldap, scim }, NOW);
      console.log(`[brownfield ${driver.label}] ${summary(r)}`);
      if (r.missed.length) console.log(`[brownfield] missed: ${JSON.stringify(r.missed)}`);
    }, 600_000);
    afterAll(async () => {
      await ldap?.stop();
      await scim?.stop();
      await t?.close();
    });

    it("the organisation has ~300 people and planted problems of every kind", () => {
      expect(org.people).toBeGreaterThanOrEqual(290);
      expect(Object.keys(r.byKind).sort()).toEqual(["dormant", "leaver", "mover", "orphan", "outlier", "sod"]);
    });

    it("the first campaign contains every existing membership, and one item per orphan account", () => {
      expect(r.memberships).toBe(org.memberships.dir + org.memberships.apps);
      expect(r.items).toBe(r.memberships);
      expect(r.itemsWithoutMembership).toBe(0);
      expect(r.membershipsWithoutItem).toBe(0);
      expect(r.orphanItems).toBe(r.byKind.orphan.planted);
    });

    it("the pre-analysis flags ≥ 95% of the planted problems while flagging ≤ 15% of all items", () => {
      expect(r.plantedFlagged / r.planted).toBeGreaterThanOrEqual(0.95);
      expect(r.flagged / (r.items + r.orphanItems)).toBeLessThanOrEqual(0.15);
    });

    it("nothing was revoked or disabled without a decision, and every dry run equals its run", () => {
      expect(r.destructiveByCause).toEqual({});
      expect(r.destructiveOperations).toBe(0);
      expect(r.revokedGrants).toBe(0);
      expect(r.disabledAccounts).toBe(0);
      expect(scim.state().users).toHaveLength(org.scim.users.length);
      expect(scim.state().users.every((u) => u.active !== false)).toBe(true);
      expect(r.dryRunMismatches).toEqual([]);
    });
  });
}
