/**
 * Usage (issue 10, item 8) on a fresh organisation with NO demo data: last sign-ins read from a real slapd (the
 * lastbind overlay's authTimestamp after a real bind), from a real SCIM application (the attribute path set in the
 * system's config), and from a usage file (CSV `account, last_used`: good, malformed, unknown accounts, no partial
 * write, owners and admins only). What is stored then feeds the dormant-access findings and the review pre-analysis.
 * The clock is injected (NOW) wherever Gatehouse decides; only the directory's own bind time is the real one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Client } from "ldapts";
import { and, eq } from "drizzle-orm";
import { accounts, applicationOwners, applications, auditEvents, entitlements, grants, people, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { createConnector } from "@/lib/connectors";
import { ScimConnector } from "@/lib/connectors/scim";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { findingCounts } from "@/db/queries/findings";
import { listFindings } from "@/lib/services/mining/list-findings";
import { reconcileAll } from "@/lib/services/provisioning/reconcile";
import { createCampaign, launchCampaign } from "@/lib/services/reviews/create-campaign";
import { createSystem } from "@/lib/services/systems/save-system";
import { testPerson } from "@/lib/testing/fixtures";
import { LDAP_INSTALL_HINT, lastbindAvailable, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { requireOrSkip } from "@/lib/testing/require-server";
import { ACTIVITY_SCHEMA, startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { pgliteTestDb, postgresTestDb, type TestDb } from "@/lib/testing/test-db";
import { importUsage } from "./import-usage";

process.env.GATEHOUSE_SECRET_KEY ??= "usage-int-test-key";
resetEnvCache();

const describeLdap = requireOrSkip("OpenLDAP slapd with the lastbind overlay", ldapAvailable() && lastbindAvailable(), LDAP_INSTALL_HINT);
const TOKEN = "scim-usage-token-1";
const DAY = 86_400_000;
/** Gatehouse's clock in this suite: far from the day the suite runs. */
const NOW = new Date("2031-03-01T12:00:00Z");
const daysBefore = (n: number) => new Date(NOW.getTime() - n * DAY);
const LOGIN_PATH = `${ACTIVITY_SCHEMA}:lastLogin`;

describeLdap("usage: last sign-ins from real systems and usage files, feeding findings and reviews", () => {
  let t: TestDb;
  let scim: ScimApp;
  let ldap: LdapServer;
  let dir: Client;
  const adminId = randomUUID();
  const admin: Actor = { personId: adminId, name: "Admin", email: "root@example.test", roles: ["employee", "admin"], ownedApplicationIds: [] };
  const person = new Map<string, string>();
  const actorOf = (n: string, roles: Actor["roles"] = ["employee"]): Actor => ({ personId: person.get(n)!, name: n, email: `${n.toLowerCase()}@example.test`, roles, ownedApplicationIds: [] });
  const ctx = (actor: Actor = admin) => ({ actor, db: t.db, clock: () => NOW });
  const appId = async (key: string) => (await t.db.select({ id: applications.id }).from(applications).where(eq(applications.key, key)))[0]!.id;
  const account = async (key: string, username: string) =>
    (await t.db.select().from(accounts).where(and(eq(accounts.applicationId, await appId(key)), eq(accounts.username, username))))[0]!;
  const grantOf = async (name: string, entitlement: string) =>
    (await t.db.select({ g: grants }).from(grants).innerJoin(entitlements, eq(entitlements.id, grants.entitlementId)).where(and(eq(grants.personId, person.get(name)!), eq(entitlements.name, entitlement))))[0]!.g;
  const dnOf = (n: string) => `uid=${n},ou=people,${ldap.baseDn}`;

  beforeAll(async () => {
    t = process.env.TEST_DATABASE_URL ? await postgresTestDb(process.env.TEST_DATABASE_URL) : await pgliteTestDb();
    await t.db.insert(people).values({ ...testPerson("Root"), id: adminId });
    for (const n of ["Ada", "Bob", "Cy", "Olga", "Ed"]) {
      const p = testPerson(n, { department: n === "Olga" ? "IT" : "Engineering" });
      person.set(n, p.id);
      await t.db.insert(people).values(p);
    }
    // SCIM application: accounts ada, bob, cy and an orphan; one group all three people are in.
    scim = await startScimApp({ token: TOKEN });
    const sc = new ScimConnector({ baseUrl: scim.baseUrl, token: TOKEN });
    const ids = new Map<string, string>();
    for (const n of ["ada", "bob", "cy", "ghost"]) {
      const u = await sc.createAccount({ userName: n, givenName: n, familyName: "Test", displayName: n, email: `${n}@example.test` });
      ids.set(n, u.externalId);
    }
    // Engineers: the three engineers; Billing admins: only cy (rare among cy's peers).
    for (const [name, members] of [["Engineers", ["ada", "bob", "cy"]], ["Billing admins", ["cy"]]] as const) {
      const g = await fetch(`${scim.baseUrl}/Groups`, {
        method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/scim+json" },
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: name, members: members.map((m) => ({ value: ids.get(m) })) }),
      });
      expect(g.status).toBe(201);
    }
    // slapd with the lastbind overlay: ada (with a password she signs in with) and bob, both in vpn.
    ldap = await startLdap();
    dir = new Client({ url: ldap.url });
    await dir.bind(ldap.bindDn, ldap.bindPassword);
    for (const n of ["ada", "bob"]) {
      await dir.add(dnOf(n), { objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"], uid: n, cn: n, sn: "Test", mail: `${n}@example.test`, userPassword: `pw-${n}-secret` });
    }
    await dir.add(`cn=vpn,ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfNames"], cn: "vpn", member: [dnOf("ada"), dnOf("bob")] });

    await createSystem({ ctx: ctx(), input: { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, lastLoginAttribute: LOGIN_PATH }, secrets: { token: TOKEN }, owners: ["olga@example.test"] } });
    await createSystem({ ctx: ctx(), input: { key: "dir", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, secrets: { bindPassword: ldap.bindPassword } } });
  }, 60_000);
  afterAll(async () => {
    await dir?.unbind().catch(() => {});
    await ldap?.stop();
    await scim?.stop();
    await t?.close();
  });

  it("the last-login setting is validated per system: a malformed SCIM path or LDAP attribute is refused, naming it", async () => {
    await expect(
      createSystem({ ctx: ctx(), input: { key: "bad-scim", name: "Bad", connectorKind: "scim", config: { baseUrl: scim.baseUrl, lastLoginAttribute: "meta.login.at" }, secrets: { token: TOKEN } } }),
    ).rejects.toThrow(/Last-login attribute: "login.at"|more than one sub-attribute/);
    await expect(
      createSystem({ ctx: ctx(), input: { key: "bad-dir", name: "Bad", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn, lastLoginAttribute: "last login" }, secrets: { bindPassword: ldap.bindPassword } } }),
    ).rejects.toThrow(/LDAP attribute name/);
    expect(await t.db.select().from(applications).where(eq(applications.key, "bad-scim"))).toEqual([]);
  });

  it("LDAP: a real bind sets authTimestamp (lastbind overlay); reconcile stores it on the account and its adopted grant", async () => {
    const conn = createConnector("ldap", { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, { bindPassword: ldap.bindPassword });
    expect((await conn.listAccounts()).map((a) => [a.userName, a.lastLoginAt])).toEqual([["ada", null], ["bob", null]]);
    const before = Math.floor(Date.now() / 1000) * 1000; // GeneralizedTime has whole seconds
    const c = new Client({ url: ldap.url });
    await c.bind(dnOf("ada"), "pw-ada-secret");
    await c.unbind();
    const after = Date.now();
    const listed = await conn.listAccounts();
    const ada = listed.find((a) => a.userName === "ada")!;
    expect(ada.lastLoginSource).toBe("ldap:authTimestamp");
    const at = Date.parse(ada.lastLoginAt!);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(listed.find((a) => a.userName === "bob")!.lastLoginAt).toBeNull();
    // The raw attribute is the directory's own GeneralizedTime.
    const [entry] = (await dir.search(dnOf("ada"), { scope: "base", attributes: ["authTimestamp"] })).searchEntries;
    expect(String(entry!.authTimestamp)).toMatch(/^\d{14}Z$/);

    const [r] = await reconcileAll(t.db, { keys: ["dir"], now: NOW });
    if (!r || "error" in r) throw new Error(`reconcile failed: ${JSON.stringify(r)}`);
    expect(r.adopted).toBe(2);
    expect(r.usage).toEqual({ accounts: 1, grantsUpdated: 1 });
    const stored = await account("dir", "ada");
    expect(stored.lastLoginAt!.getTime()).toBe(at);
    expect(stored.lastLoginSource).toBe("ldap:authTimestamp");
    expect((await grantOf("Ada", "vpn")).lastUsedAt!.getTime()).toBe(at);
    expect((await grantOf("Bob", "vpn")).lastUsedAt).toBeNull();
  });

  it("SCIM: the configured attribute path is read; adopted grants take the sign-in even though it predates adoption", async () => {
    expect(scim.recordSignIn("ada", daysBefore(10))).toBe(true);
    expect(scim.recordSignIn("bob", daysBefore(200))).toBe(true);
    const [r] = await reconcileAll(t.db, { keys: ["chat"], now: NOW });
    if (!r || "error" in r) throw new Error(`reconcile failed: ${JSON.stringify(r)}`);
    expect(r.adopted).toBe(4);
    expect(r.usage).toEqual({ accounts: 2, grantsUpdated: 2 });
    const ada = await account("chat", "ada");
    expect(ada.lastLoginAt!.toISOString()).toBe(daysBefore(10).toISOString());
    expect(ada.lastLoginSource).toBe(`scim:${LOGIN_PATH}`);
    expect((await grantOf("Bob", "Engineers")).lastUsedAt!.toISOString()).toBe(daysBefore(200).toISOString());
    expect((await grantOf("Cy", "Engineers")).lastUsedAt).toBeNull();
    // A later reconcile reporting an OLDER sign-in (a restored backup) never moves usage backwards.
    scim.recordSignIn("ada", daysBefore(300));
    await reconcileAll(t.db, { keys: ["chat"], now: NOW });
    expect((await account("chat", "ada")).lastLoginAt!.toISOString()).toBe(daysBefore(10).toISOString());
  });

  describe("usage file", () => {
    const csvCy = (date: string, extra = "") => `account,last_used\ncy,${date}\n${extra}`;

    it("only the application's owners and admins may import; an employee is refused", async () => {
      await expect(importUsage({ ctx: ctx(actorOf("Ed")), input: { applicationKey: "chat", csv: csvCy("2031-01-01") } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(importUsage({ ctx: ctx(actorOf("Ed", ["employee", "auditor"])), input: { applicationKey: "chat", csv: csvCy("2031-01-01") } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(importUsage({ ctx: ctx(), input: { applicationKey: "chat", csv: 5 } })).rejects.toBeInstanceOf(ValidationError);
      expect((await account("chat", "cy")).lastLoginAt).toBeNull();
    });

    it("a malformed row changes nothing and every bad row is named with its line", async () => {
      const r = await importUsage({ ctx: ctx(actorOf("Olga")), input: { applicationKey: "chat", csv: csvCy(daysBefore(150).toISOString().slice(0, 10), "bob,last tuesday\nada,2031-13-01\n") } });
      expect(r.applied).toBe(false);
      expect(r.errors).toEqual([
        { line: 3, column: "last_used", message: expect.stringMatching(/"last tuesday" is not a date/) },
        { line: 4, column: "last_used", message: expect.stringMatching(/"2031-13-01" is not a date/) },
      ]);
      // No partial write: cy's valid row was not stored either, and nothing was audited.
      expect((await account("chat", "cy")).lastLoginAt).toBeNull();
      expect((await grantOf("Cy", "Engineers")).lastUsedAt).toBeNull();
      expect(await t.db.select().from(auditEvents).where(eq(auditEvents.action, "usage.imported"))).toEqual([]);
    });

    it("a dry run reports and writes nothing", async () => {
      const r = await importUsage({ ctx: ctx(), input: { applicationKey: "chat", csv: csvCy("2030-10-02"), dryRun: true } });
      expect(r).toMatchObject({ applied: false, dryRun: true, updated: 1, grantsUpdated: 2, errors: [] });
      expect((await account("chat", "cy")).lastLoginAt).toBeNull();
    });

    it("the owner imports: sign-ins are stored and carried to grants, unknown accounts and stale rows are reported, audited", async () => {
      const cyDay = daysBefore(150).toISOString().slice(0, 10);
      const file = `User Name,Last Login,Note\ncy,${cyDay},from the admin console\nnobody,2031-01-01,\nADA,${daysBefore(40).toISOString()},older than the app's own record\n`;
      const r = await importUsage({ ctx: ctx(actorOf("Olga")), input: { applicationKey: "chat", csv: file } });
      expect(r).toMatchObject({ applied: true, errors: [], unknownAccounts: [{ line: 3, account: "nobody" }], updated: 1, unchanged: 1, grantsUpdated: 2 });
      const cy = await account("chat", "cy");
      expect(cy.lastLoginAt!.toISOString()).toBe(`${cyDay}T00:00:00.000Z`);
      expect(cy.lastLoginSource).toBe("csv");
      expect((await grantOf("Cy", "Engineers")).lastUsedAt!.toISOString()).toBe(`${cyDay}T00:00:00.000Z`);
      // ada's record from the SCIM app (10 days ago) is newer than the file's: kept.
      expect((await account("chat", "ada")).lastLoginAt!.toISOString()).toBe(daysBefore(10).toISOString());
      const [ev] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "usage.imported"));
      expect(ev).toMatchObject({ actorId: person.get("Olga"), targetId: await appId("chat") });
      expect(ev!.data).toMatchObject({ application: "chat", rows: 3, accountsUpdated: 1, unchanged: 1, grantsUpdated: 2, unknownAccounts: 1, unknownSample: ["nobody"] });
    });
  });

  it("stored usage is what findings and the review pre-analysis use: dormant access is found and explained", async () => {
    const ownerLink = await t.db.select().from(applicationOwners).where(eq(applicationOwners.applicationId, await appId("chat")));
    expect(ownerLink.map((o) => o.personId)).toEqual([person.get("Olga")]);
    const f = await listFindings({ ctx: ctx(), input: { kind: "dormant", days: 90, pageSize: 200 }, now: NOW });
    const byKey = new Map(f.items.map((i) => [`${i.personName}|${i.entitlements[0]!.name}`, i]));
    expect(byKey.get("Cy Test|Engineers")?.reasons.join(" ")).toMatch(/150 days/);
    expect(byKey.get("Cy Test|Engineers")?.entitlements[0]!.daysSinceUse).toBe(150);
    expect(byKey.get("Bob Test|Engineers")?.entitlements[0]!.daysSinceUse).toBe(200);
    expect(byKey.has("Ada Test|Engineers")).toBe(false); // signed in 10 days ago
    // The dashboard's count (SQL) reads the same stored usage as the findings list.
    expect((await findingCounts(t.db, 90, 5, NOW)).dormantAccess).toBe(new Set(f.items.map((i) => i.personId)).size);

    // Peers: cy is the only one of the engineers in Billing admins, and has not used it for 150 days.
    const o = await listFindings({ ctx: ctx(), input: { kind: "outliers", days: 90, pageSize: 200 }, now: NOW });
    const cy = o.items.find((i) => i.personId === person.get("Cy"))!;
    expect(cy.entitlements.find((e) => e.name === "Billing admins")).toMatchObject({ peerShare: 0, daysSinceUse: 150 });
    expect(cy.reasons).toContain("Chat Billing admins is rare among peers and unused for 150 days");

    const c = await createCampaign({ ctx: ctx(), input: { name: "First review of existing access", scope: { applicationIds: [await appId("chat")] }, reviewerKind: "app_owner", dueAt: new Date(NOW.getTime() + 14 * DAY) } });
    const launched = await launchCampaign({ ctx: ctx(), input: { campaignId: c.id }, now: NOW });
    await launched.done;
    const items = await t.db
      .select({ personId: reviewItems.personId, recommendation: reviewItems.recommendation, reasons: reviewItems.reasons, reviewerId: reviewItems.reviewerId })
      .from(reviewItems)
      .where(eq(reviewItems.campaignId, c.id));
    const of = (n: string) => items.find((i) => i.personId === person.get(n))!;
    expect(items.filter((i) => i.personId === person.get("Cy"))).toHaveLength(2);
    expect(of("Cy")).toMatchObject({ recommendation: "review", reviewerId: person.get("Olga") });
    expect(of("Cy").reasons[0]).toBe("review recommended: unused for 150 days");
    expect(of("Bob").reasons[0]).toBe("review recommended: unused for 200 days");
    expect(of("Ada").reasons.join(" ")).not.toMatch(/unused/);
    expect(of("Ada").reasons.join(" ")).toMatch(/used 10 days ago/);
  });
});
