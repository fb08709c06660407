/**
 * "Bring your own organisation" (issue 10): a fresh database with NO demo seed, people from HR, then a real SCIM 2.0
 * application and a real slapd that already hold accounts, groups and memberships are connected and reconciled.
 * Checks: discovery creates (and later marks removed) the entitlements; memberships of linked accounts become
 * adopted grants; remediation plans nothing against them and never disables the accounts of active people; role
 * edits and birthright re-syncs leave adopted grants alone, a rule covering one makes it rule-backed; every dry run
 * (role editor, apply file, reconcile) counts exactly what applying creates; a big removal is held until released.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Attribute, Change, Client } from "ldapts";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { accounts, applications, auditEvents, reviewItems, birthrightRules, entitlements, grants, heldRuns, operations, people, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ScimConnector } from "@/lib/connectors/scim";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { removeGrant } from "@/lib/services/access/remove-grant";
import { syncApplication } from "@/lib/services/applications/sync-application";
import { updateEntitlement } from "@/lib/services/applications/update-entitlement";
import { testPerson } from "@/lib/testing/fixtures";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { pgliteTestDb, postgresTestDb, type TestDb } from "@/lib/testing/test-db";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";
import { createCampaign, launchCampaign } from "@/lib/services/reviews/create-campaign";
import { grantHistories } from "@/db/queries/reviews";
import { runLifecycleSweep } from "@/lib/services/lifecycle/sweep";
import { applyRoleChange } from "@/lib/services/roles/apply-role-change";
import { cancelHeldRun, listHeldRuns, releaseHeldRun } from "@/lib/services/guard/held-runs";
import { applyConfigFile } from "@/lib/services/systems/apply-file";
import { createSystem } from "@/lib/services/systems/save-system";
import { reconcileAll } from "./reconcile";

process.env.GATEHOUSE_SECRET_KEY ??= "onboard-int-test-key";
resetEnvCache();

const describeLdap = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);
const TOKEN = "scim-onboard-token-1";
const NAMES = ["Ada", "Bob", "Cy", "Dee", "Eve", "Fay"];

describeLdap("onboarding existing systems (discovery, adoption)", () => {
  let t: TestDb;
  let scim: ScimApp;
  let ldap: LdapServer;
  let dir: Client;
  const adminId = randomUUID();
  const admin: Actor = { personId: adminId, name: "Admin", email: "root@example.test", roles: ["employee", "admin"], ownedApplicationIds: [] };
  const ctx = () => ({ actor: admin, db: t.db });
  const person = new Map<string, string>();
  const scimGroup = new Map<string, string>();
  const userId = new Map<string, string>();

  const scimPost = async (resource: string, body: Record<string, unknown>) => {
    const r = await fetch(`${scim.baseUrl}/${resource}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/scim+json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${resource}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
  const grantsOf = (source: string) => t.db.select().from(grants).where(and(eq(grants.source, source as "adopted"), eq(grants.status, "active")));

  beforeAll(async () => {
    t = process.env.TEST_DATABASE_URL ? await postgresTestDb(process.env.TEST_DATABASE_URL) : await pgliteTestDb();
    await t.db.insert(people).values({ ...testPerson("Root"), id: adminId });
    for (const n of NAMES) {
      const p = testPerson(n, { department: n === "Fay" ? "Sales" : "Engineering" });
      person.set(n, p.id);
      await t.db.insert(people).values(p);
    }
    // SCIM app: six accounts (five match people, one orphan), three groups with memberships.
    scim = await startScimApp({ token: TOKEN });
    const sc = new ScimConnector({ baseUrl: scim.baseUrl, token: TOKEN });
    for (const n of [...NAMES.slice(0, 5), "Ghost"]) {
      const u = await sc.createAccount({ userName: n.toLowerCase(), givenName: n, familyName: "Test", displayName: n, email: `${n.toLowerCase()}@example.test` });
      userId.set(n, u.externalId);
    }
    const members = (ns: string[]) => ns.map((n) => ({ value: userId.get(n) }));
    for (const [g, ns] of [["Engineers", ["Ada", "Bob", "Cy"]], ["Admins", ["Ada", "Ghost"]], ["Billing", ["Dee"]]] as const) {
      const r = await scimPost("Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: g, members: members([...ns]) });
      scimGroup.set(g, r.id);
    }
    // slapd: accounts for Ada, Bob, Eve, Fay (Fay is in no group); a groupOfNames and a groupOfUniqueNames.
    ldap = await startLdap();
    dir = new Client({ url: ldap.url });
    await dir.bind(ldap.bindDn, ldap.bindPassword);
    const dn = (n: string) => `uid=${n.toLowerCase()},ou=people,${ldap.baseDn}`;
    for (const n of ["Ada", "Bob", "Eve", "Fay"]) {
      await dir.add(dn(n), { objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"], uid: n.toLowerCase(), cn: n, sn: "Test", mail: `${n.toLowerCase()}@example.test` });
    }
    await dir.add(`cn=vpn,ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfNames"], cn: "vpn", description: "VPN access", member: [dn("Ada"), dn("Bob"), dn("Eve")] });
    await dir.add(`cn=wiki,ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfUniqueNames"], cn: "wiki", uniqueMember: [dn("Bob"), dn("Eve")] });

    await createSystem({ ctx: ctx(), input: { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: TOKEN }, reconcilePolicy: "remediate" } });
    await createSystem({
      ctx: ctx(),
      input: { key: "dir", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, secrets: { bindPassword: ldap.bindPassword }, reconcilePolicy: "remediate" },
    });
  }, 60_000);
  afterAll(async () => {
    await dir?.unbind().catch(() => {});
    await ldap?.stop();
    await scim?.stop();
    await t?.close();
  });

  it("the first reconcile discovers the groups and adopts the memberships of linked accounts; remediation plans nothing", async () => {
    const out = await reconcileAll(t.db, { keys: ["chat", "dir"] });
    const chat = out.find((r) => r.application === "chat")!;
    const dirR = out.find((r) => r.application === "dir")!;
    expect("error" in chat ? chat.error : null).toBeNull();
    expect("error" in dirR ? dirR.error : null).toBeNull();
    if ("error" in chat || "error" in dirR) return;
    expect(chat).toMatchObject({ targetAccounts: 6, linked: 5, orphans: 1, unknownEntitlements: 0, adopted: 5, plannedOperations: 0, discovery: { created: 3, removed: 0 } });
    expect(dirR).toMatchObject({ targetAccounts: 4, linked: 4, unknownEntitlements: 0, adopted: 5, plannedOperations: 0, discovery: { created: 2 } });

    const ents = await t.db.select({ name: entitlements.name, ext: entitlements.externalId, description: entitlements.description, lastSeenAt: entitlements.lastSeenAt }).from(entitlements);
    expect(ents.map((e) => e.name).sort()).toEqual(["Admins", "Billing", "Engineers", "vpn", "wiki"]);
    expect(ents.find((e) => e.name === "vpn")).toMatchObject({ ext: `cn=vpn,ou=groups,${ldap.baseDn}`, description: "VPN access" });
    expect(ents.every((e) => e.lastSeenAt)).toBe(true);

    const adopted = await grantsOf("adopted");
    expect(adopted).toHaveLength(10);
    expect(adopted.every((g) => g.adoptedAt && g.reason.startsWith("Adopted"))).toBe(true);
    const entName = new Map((await t.db.select().from(entitlements)).map((e) => [e.id, e.name]));
    const nameOf = new Map([...person].map(([n, id]) => [id, n]));
    const pairs = adopted.map((g) => `${nameOf.get(g.personId)}:${entName.get(g.entitlementId)}`).sort();
    expect(pairs).toEqual(["Ada:Admins", "Ada:Engineers", "Ada:vpn", "Bob:Engineers", "Bob:vpn", "Bob:wiki", "Cy:Engineers", "Dee:Billing", "Eve:vpn", "Eve:wiki"]);
    // Nothing planned: Fay's (no group) and Eve's SCIM account (no group) stay enabled; the orphan is only reported.
    expect(await t.db.select().from(operations)).toEqual([]);
    const fay = await t.db.select().from(accounts).where(eq(accounts.personId, person.get("Fay")!));
    expect(fay.map((a) => a.status)).toEqual(["active"]);
    const audit = await t.db.select({ action: auditEvents.action }).from(auditEvents).where(inArray(auditEvents.action, ["entitlements.discovered", "grants.adopted"]));
    expect(audit).toHaveLength(4);

    // A campaign covering everyone now has the adopted access to review (it had 0 items before adoption existed).
    const c = await createCampaign({ ctx: ctx(), input: { name: "Everyone, first review", dueAt: new Date(Date.now() + 14 * 86_400_000) } });
    const launched = await launchCampaign({ ctx: ctx(), input: { campaignId: c.id } });
    await launched.done;
    const items = await t.db.select().from(reviewItems).where(eq(reviewItems.campaignId, c.id));
    expect(items).toHaveLength(10);
    expect(new Set(items.map((i) => i.grantId))).toEqual(new Set(adopted.map((g) => g.id)));
    // Each item says what it is: existing access, adopted on the day of the first reconcile.
    const histories = await grantHistories(t.db, adopted.map((g) => g.id));
    for (const g of adopted) expect(histories.get(g.id)).toEqual([`Existing access, adopted on ${g.adoptedAt!.toISOString().slice(0, 10)}: held in the system before Gatehouse; nobody decided it here`]);
  });

  it("a second reconcile adopts nothing new; a group deleted in the target is marked removed, an out-of-band membership stays drift", async () => {
    const r = await fetch(`${scim.baseUrl}/Groups/${scimGroup.get("Billing")}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(204);
    // Out of band: Fay added to vpn directly in the directory.
    await dir.modify(`cn=vpn,ou=groups,${ldap.baseDn}`, [new Change({ operation: "add", modification: new Attribute({ type: "member", values: [`uid=fay,ou=people,${ldap.baseDn}`] }) })]);
    const out = await reconcileAll(t.db, { keys: ["chat", "dir"] });
    const chat = out.find((x) => x.application === "chat")!;
    const dirR = out.find((x) => x.application === "dir")!;
    if ("error" in chat || "error" in dirR) throw new Error("reconcile failed");
    expect(chat.discovery).toMatchObject({ created: 0, removed: 1 });
    expect(chat.adopted).toBe(0);
    expect(dirR.adopted).toBe(0);
    const [billing] = await t.db.select().from(entitlements).where(eq(entitlements.name, "Billing"));
    expect(billing!.removedAt).not.toBeNull();
    expect(await t.db.select().from(entitlements).where(isNotNull(entitlements.removedAt))).toHaveLength(1);
    // Fay's out-of-band vpn membership is not adopted: with "remediate" it is revoked (Gatehouse never granted it).
    const fayGrants = await t.db.select().from(grants).where(eq(grants.personId, person.get("Fay")!));
    expect(fayGrants).toEqual([]);
    const ops = await t.db.select().from(operations);
    expect(ops.map((o) => `${o.kind}:${nameOf(o.personId)}`)).toEqual(["revoke:Fay"]);
    function nameOf(id: string | null) {
      return [...person].find(([, v]) => v === id)?.[0];
    }
  });

  it("role edits and birthright re-syncs never revoke adopted grants; a rule covering one makes it rule-backed", async () => {
    const ents = new Map((await t.db.select().from(entitlements)).map((e) => [e.name, e.id]));
    const [role] = await t.db.insert(roleTemplates).values({ key: "eng", name: "Engineering", status: "published" }).returning();
    await t.db.insert(roleEntitlements).values({ roleId: role!.id, entitlementId: ents.get("Engineers")! });
    const [rule] = await t.db.insert(birthrightRules).values({ name: "Engineering dept", roleId: role!.id, conditions: [{ attribute: "department", op: "eq", value: "Sales" }] }).returning();
    const before = (await grantsOf("adopted")).length;

    // The rule now covers Engineering: Ada, Bob and Cy's adopted Engineers grants become rule-backed; nobody loses anything.
    const r1 = await applyRoleChange({ ctx: ctx(), input: { change: { kind: "rule.conditions", ruleId: rule!.id, conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] } } });
    expect(r1.scheduledForRemoval).toBe(0);
    const eng = await t.db.select().from(grants).where(and(eq(grants.entitlementId, ents.get("Engineers")!), eq(grants.status, "active")));
    expect(eng.filter((g) => g.source === "birthright" && g.adoptedAt)).toHaveLength(3);
    expect((await grantsOf("adopted")).length).toBe(before - 3);

    // Removing vpn-like access from a role, or re-syncing everyone, leaves the other adopted grants alone.
    await applyRoleChange({ ctx: ctx(), input: { change: { kind: "role.addEntitlement", roleId: role!.id, entitlementId: ents.get("vpn")! } } });
    await applyRoleChange({ ctx: ctx(), input: { change: { kind: "role.removeEntitlement", roleId: role!.id, entitlementId: ents.get("vpn")! } } });
    await t.db.transaction((tx) => syncBirthrightGrants(tx, [...person.values()], { now: new Date(), moverOverlapDays: 0 }));
    const adoptedNow = await grantsOf("adopted");
    expect(adoptedNow.length).toBe(before - 3);
    const revokes = await t.db.select().from(operations).where(eq(operations.kind, "revoke"));
    expect(revokes.filter((o) => o.personId !== person.get("Fay"))).toEqual([]);
  });
  it("dry runs count exactly what applying creates (role change, apply file, reconcile remediation)", async () => {
    const ents = new Map((await t.db.select().from(entitlements)).map((e) => [e.name, e]));
    const [role] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.key, "eng"));
    // Grants of every source: adopted and birthright exist; add a role grant (Cy: wiki) and a request grant (Fay: Admins).
    await t.db.insert(grants).values([
      { personId: person.get("Cy")!, entitlementId: ents.get("wiki")!.id, source: "role", reason: "test" },
      { personId: person.get("Fay")!, entitlementId: ents.get("Admins")!.id, source: "request", reason: "test" },
    ]);
    const counts = async () => ({
      ops: (await t.db.select().from(operations)).length,
      grants: (await t.db.select().from(grants).where(eq(grants.status, "active"))).length,
    });
    const change = { kind: "role.addEntitlement" as const, roleId: role!.id, entitlementId: ents.get("wiki")!.id };
    const c0 = await counts();
    const dry = await applyRoleChange({ ctx: ctx(), input: { change } }, { dryRun: true });
    expect(await counts()).toEqual(c0);
    const real = await applyRoleChange({ ctx: ctx(), input: { change } });
    const pick = (r: typeof dry) => ({ added: r.added, scheduledForRemoval: r.scheduledForRemoval, ruleBacked: r.ruleBacked, operations: r.operations, byKind: r.byKind, held: r.held });
    expect(pick(dry)).toEqual(pick(real));
    // Ada, Dee and Root (Engineering) gain wiki; Bob and Eve held it adopted: now rule-backed; Cy keeps his role grant.
    expect(real).toMatchObject({ added: 3, ruleBacked: 2, held: null });
    expect(real.operations).toBeGreaterThan(0);
    const c1 = await counts();
    expect(c1.ops - c0.ops).toBe(real.operations);
    expect(c1.grants - c0.grants).toBe(real.added);

    // The apply file: a Sales role giving wiki (Fay gains it; her request grant gets her a chat account too).
    const file = JSON.stringify({ roles: [{ key: "sales", name: "Sales", status: "published", entitlements: [`dir:cn=wiki,ou=groups,${ldap.baseDn}`], rules: [{ name: "Sales", conditions: [{ attribute: "department", op: "eq", value: "Sales" }] }] }] });
    const f0 = await counts();
    const fdry = await applyConfigFile({ ctx: ctx(), input: { text: file, environment: {}, dryRun: true } });
    expect(await counts()).toEqual(f0);
    const freal = await applyConfigFile({ ctx: ctx(), input: { text: file, environment: {} } });
    expect(fdry.access).toEqual(freal.access);
    expect(freal.access.byKind).toMatchObject({ create_account: 1, grant: 2 });
    const f1 = await counts();
    expect(f1.ops - f0.ops).toBe(freal.access.operations);

    // Reconcile remediation: Ada removed from vpn out of band; her adopted vpn grant is given back.
    await dir.modify(`cn=vpn,ou=groups,${ldap.baseDn}`, [new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [`uid=ada,ou=people,${ldap.baseDn}`] }) })]);
    const r0 = await counts();
    const [rdry] = await reconcileAll(t.db, { keys: ["dir"], dryRun: true });
    expect(await counts()).toEqual(r0);
    const [rreal] = await reconcileAll(t.db, { keys: ["dir"] });
    if (!rdry || !rreal || "error" in rdry || "error" in rreal) throw new Error("reconcile failed");
    // Drift findings are new rows in each run (their ids and first-seen times differ); everything else is identical.
    const same = (r: typeof rreal) => ({ ...r, dryRun: false, findings: r.findings.map(({ id: _id, firstSeenAt: _f, ...f }) => f) });
    expect(same(rdry)).toEqual(same(rreal));
    // Ada's vpn given back, and Cy's wiki grant inserted above without any plan: the re-plan covers everyone.
    expect(rreal.byKind).toEqual({ grant: 2 });
    expect((await counts()).ops - r0.ops).toBe(rreal.plannedOperations);
  });

  it("a big removal is held: nothing runs until an admin releases it (audited); a second release is refused", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { GATEHOUSE_GUARD_MAX_ACCOUNTS: "1", GATEHOUSE_GUARD_MIN_PEOPLE: "1", GATEHOUSE_GUARD_PEOPLE_PCT: "100" });
    resetEnvCache();
    try {
      const ents = new Map((await t.db.select().from(entitlements)).map((e) => [e.name, e]));
      const wiki = ents.get("wiki")!.id;
      const [role] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.key, "eng"));
      const wikiGrant = (n: string) => t.db.select().from(grants).where(and(eq(grants.personId, person.get(n)!), eq(grants.entitlementId, wiki), eq(grants.status, "active")));
      // Removing wiki from the Engineering role: Ada, Dee and Root (rule-given) would lose it: 3 > 1, held.
      const r = await applyRoleChange({ ctx: ctx(), input: { change: { kind: "role.removeEntitlement", roleId: role!.id, entitlementId: wiki } } });
      expect(r.held?.id).toBeTruthy();
      expect(r.held!.reasons.join()).toMatch(/3 accounts would lose access or memberships/);
      expect(await t.db.select().from(roleEntitlements).where(and(eq(roleEntitlements.roleId, role!.id), eq(roleEntitlements.entitlementId, wiki)))).toHaveLength(1);
      expect((await wikiGrant("Ada"))[0]!.expiresAt).toBeNull();
      const [held] = await t.db.select().from(heldRuns).where(eq(heldRuns.id, r.held!.id!));
      expect(held).toMatchObject({ kind: "role.change", status: "held" });
      expect(held!.changes.map((c) => `${c.kind}:${c.person}`).sort()).toEqual(["grant.scheduled:Ada Test", "grant.scheduled:Dee Test", "grant.scheduled:Root Test"]);
      expect((await listHeldRuns({ ctx: ctx(), input: { status: "held" } })).map((h) => h.id)).toContain(held!.id);

      const rel = await releaseHeldRun({ ctx: ctx(), input: { id: held!.id, note: "expected: wiki moves to request-only" } });
      expect(rel.result).toMatchObject({ scheduledForRemoval: 3 });
      expect(await t.db.select().from(roleEntitlements).where(and(eq(roleEntitlements.roleId, role!.id), eq(roleEntitlements.entitlementId, wiki)))).toHaveLength(0);
      expect((await wikiGrant("Ada"))[0]!.expiresAt).not.toBeNull();
      expect((await wikiGrant("Bob"))[0]!.source).toBe("adopted");
      await expect(releaseHeldRun({ ctx: ctx(), input: { id: held!.id } })).rejects.toThrow(/already released/);

      // Reconcile remediation: Bob and Cy added to Admins out of band; revoking both is held, then released.
      const sc = new ScimConnector({ baseUrl: scim.baseUrl, token: TOKEN });
      for (const n of ["Bob", "Cy"]) await sc.grant({ externalId: userId.get(n)!, userName: n.toLowerCase() }, scimGroup.get("Admins")!);
      const revokesOfAdmins = () => t.db.select().from(operations).where(and(eq(operations.kind, "revoke"), eq(operations.entitlementId, ents.get("Admins")!.id)));
      const [rec] = await reconcileAll(t.db, { keys: ["chat"] });
      if (!rec || "error" in rec) throw new Error("reconcile failed");
      expect(rec.held?.id).toBeTruthy();
      expect(rec.plannedOperations).toBe(0);
      expect(await revokesOfAdmins()).toEqual([]);
      const again = await releaseHeldRun({ ctx: ctx(), input: { id: rec.held!.id! } });
      expect(again.result).toMatchObject({ byKind: { revoke: 2 } });
      expect((await revokesOfAdmins()).map((o) => o.personId).sort()).toEqual([person.get("Bob"), person.get("Cy")].sort());

      // Cancelling: nothing runs, audited.
      const r2 = await applyRoleChange({ ctx: ctx(), input: { change: { kind: "rule.enabled", ruleId: (await t.db.select().from(birthrightRules).where(eq(birthrightRules.roleId, role!.id)))[0]!.id, enabled: false } } });
      expect(r2.held?.id).toBeTruthy();
      await cancelHeldRun({ ctx: ctx(), input: { id: r2.held!.id!, note: "not now" } });
      expect((await t.db.select().from(heldRuns).where(eq(heldRuns.id, r2.held!.id!)))[0]!.status).toBe("cancelled");
      expect((await t.db.select().from(birthrightRules).where(eq(birthrightRules.roleId, role!.id)))[0]!.enabled).toBe(true);
      const audit = (await t.db.select({ action: auditEvents.action }).from(auditEvents).where(inArray(auditEvents.action, ["run.held", "run.released", "run.cancelled"]))).map((a) => a.action).sort();
      expect(audit).toEqual(["run.cancelled", "run.held", "run.held", "run.held", "run.released", "run.released"]);
    } finally {
      process.env = saved;
      resetEnvCache();
    }
  });
  it("Sync now and entitlement metadata: admins only, validated, audited; the apply file describes discovered entitlements", async () => {
    const employee: Actor = { personId: person.get("Bob")!, name: "Bob", email: "bob@example.test", roles: ["employee"], ownedApplicationIds: [] };
    const [dirApp] = await t.db.select().from(applications).where(eq(applications.key, "dir"));
    await expect(syncApplication({ ctx: { actor: employee, db: t.db }, input: { id: dirApp!.id } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listHeldRuns({ ctx: { actor: employee, db: t.db } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(releaseHeldRun({ ctx: { actor: employee, db: t.db }, input: { id: randomUUID() } })).rejects.toBeInstanceOf(ForbiddenError);
    const r = await syncApplication({ ctx: ctx(), input: { id: dirApp!.id } });
    expect(r).toMatchObject({ application: "dir", targetAccounts: 4 });

    const [vpn] = await t.db.select().from(entitlements).where(eq(entitlements.name, "vpn"));
    await expect(updateEntitlement({ ctx: { actor: employee, db: t.db }, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
    const edit = { applicationId: dirApp!.id, entitlementId: vpn!.id, description: "Remote access", owner: "nobody@example.test", privileged: true, sensitivity: "high", requestable: false };
    await expect(updateEntitlement({ ctx: ctx(), input: edit })).rejects.toThrow(/unknown entitlement owner nobody@example.test/);
    await expect(updateEntitlement({ ctx: ctx(), input: { ...edit, sensitivity: "extreme" } })).rejects.toBeInstanceOf(ValidationError);
    const ok = await updateEntitlement({ ctx: ctx(), input: { ...edit, owner: "eve@example.test" } });
    expect(ok.changes[0]).toMatch(/privileged false → true/);
    const [after] = await t.db.select().from(entitlements).where(eq(entitlements.id, vpn!.id));
    expect(after).toMatchObject({ description: "Remote access", privileged: true, sensitivity: "high", requestable: false, ownerId: person.get("Eve") });
    // A later discovery does not overwrite what the admin wrote.
    await reconcileAll(t.db, { keys: ["dir"] });
    expect((await t.db.select().from(entitlements).where(eq(entitlements.id, vpn!.id)))[0]).toMatchObject({ description: "Remote access", privileged: true });

    const file = (ents: unknown) => JSON.stringify({ systems: [{ key: "dir", name: "Directory", connector: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, secrets: { bindPassword: "env:BIND" }, reconcilePolicy: "remediate", entitlements: ents }] });
    const environment = { BIND: ldap.bindPassword };
    const wikiDn = `cn=wiki,ou=groups,${ldap.baseDn}`;
    const plan = await applyConfigFile({ ctx: ctx(), input: { text: file([{ externalId: wikiDn, sensitivity: "critical" }]), environment, dryRun: true } });
    expect(plan.systems[0]!.changes).toEqual([`entitlement ${wikiDn}: sensitivity "low" → "critical"`]);
    expect((await t.db.select().from(entitlements).where(eq(entitlements.externalId, wikiDn)))[0]!.sensitivity).toBe("low");
    await applyConfigFile({ ctx: ctx(), input: { text: file([{ externalId: wikiDn, sensitivity: "critical" }]), environment } });
    expect((await t.db.select().from(entitlements).where(eq(entitlements.externalId, wikiDn)))[0]!.sensitivity).toBe("critical");
    await expect(applyConfigFile({ ctx: ctx(), input: { text: file([{ externalId: "cn=nope,ou=groups", privileged: true }]), environment } })).rejects.toThrow(/unknown entitlement "cn=nope,ou=groups".*reconcile/);
    const audit = await t.db.select({ action: auditEvents.action }).from(auditEvents).where(inArray(auditEvents.action, ["entitlement.updated", "application.sync_requested"]));
    expect(audit.map((a) => a.action).sort()).toEqual(["application.sync_requested", "entitlement.updated", "entitlement.updated"]);
  });
  it("an HR batch terminating many people is held (its dry run says so, with the same totals) and applied only on release", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { GATEHOUSE_GUARD_PEOPLE_PCT: "10", GATEHOUSE_GUARD_MIN_PEOPLE: "2" });
    resetEnvCache();
    try {
      const leavers = ["Dee", "Eve", "Fay"];
      const rows = await t.db.select().from(people).where(inArray(people.id, leavers.map((n) => person.get(n)!)));
      const records = rows.map((p, i) => ({
        line: i + 2, employeeId: p.employeeId, givenName: p.givenName, familyName: p.familyName, email: p.email, department: p.department, title: p.title,
        level: p.level ?? 1, location: p.location, managerEmployeeId: null, employmentType: p.employmentType, status: "terminated" as const,
        startDate: null, endDate: "2026-01-01", costCenter: null, attributes: {},
      }));
      const input = { source: "csv" as const, today: "2026-01-02" };
      const dry = await applyHrRecords({ ctx: ctx(), input: { ...input, dryRun: true }, records });
      expect(dry.held).toMatchObject({ id: null });
      expect(dry.held!.reasons.join()).toMatch(/3 of 7 active people would lose access/);
      const held = await applyHrRecords({ ctx: ctx(), input, records });
      expect(held).toMatchObject({ applied: false, operations: 0 });
      expect(held.held?.id).toBeTruthy();
      expect((await t.db.select().from(people).where(inArray(people.id, leavers.map((n) => person.get(n)!)))).map((p) => p.status)).toEqual(["active", "active", "active"]);
      const rel = await releaseHeldRun({ ctx: ctx(), input: { id: held.held!.id! } });
      expect(rel.result).toMatchObject({ operations: dry.operations, byKind: dry.operationsByKind, revoked: dry.access.revoked });
      expect(dry.operationsByKind).toMatchObject({ disable: expect.any(Number) });
      expect((await t.db.select().from(people).where(inArray(people.id, leavers.map((n) => person.get(n)!)))).map((p) => p.status)).toEqual(["terminated", "terminated", "terminated"]);
      expect((await t.db.select().from(grants).where(and(eq(grants.personId, person.get("Eve")!), eq(grants.status, "active"))))).toEqual([]);
    } finally {
      process.env = saved;
      resetEnvCache();
    }
  });
  it("a sweep expiring many grants is held, later sweeps wait, and the release runs it", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { GATEHOUSE_GUARD_MAX_ACCOUNTS: "1", GATEHOUSE_GUARD_PEOPLE_PCT: "100" });
    resetEnvCache();
    try {
      const later = new Date(Date.now() + 30 * 86_400_000);
      const expiring = () => t.db.select().from(grants).where(and(eq(grants.status, "active"), isNotNull(grants.expiresAt)));
      const before = (await expiring()).length;
      expect(before).toBeGreaterThan(1);
      const r = await runLifecycleSweep(t.db, later);
      expect(r).toMatchObject({ skipped: "held", operations: 0 });
      expect((await expiring()).length).toBe(before);
      const again = await runLifecycleSweep(t.db, later);
      expect(again.skipped).toBe("held");
      expect(again.held!.id).toBe(r.held!.id);
      const rel = await releaseHeldRun({ ctx: { ...ctx(), clock: () => later }, input: { id: r.held!.id } });
      expect(rel.result).toMatchObject({ expiredGrants: before });
      expect(await expiring()).toEqual([]);
    } finally {
      process.env = saved;
      resetEnvCache();
    }
  });
  it("an admin removes an adopted grant explicitly (reason required, planned, audited)", async () => {
    const [g] = await t.db.select().from(grants).where(and(eq(grants.personId, person.get("Bob")!), eq(grants.source, "adopted"), eq(grants.status, "active")));
    expect(g).toBeDefined();
    const employee: Actor = { personId: person.get("Cy")!, name: "Cy", email: "cy@example.test", roles: ["employee"], ownedApplicationIds: [] };
    await expect(removeGrant({ ctx: { actor: employee, db: t.db }, input: { grantId: g!.id, reason: "not needed" } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeGrant({ ctx: ctx(), input: { grantId: g!.id, reason: "" } })).rejects.toBeInstanceOf(ValidationError);
    const r = await removeGrant({ ctx: ctx(), input: { grantId: g!.id, reason: "left the VPN pilot" } });
    expect(r.operations).toBe(1);
    const [after] = await t.db.select().from(grants).where(eq(grants.id, g!.id));
    expect(after).toMatchObject({ status: "revoked", revokedById: adminId });
    const ops = await t.db.select().from(operations).where(and(eq(operations.personId, person.get("Bob")!), eq(operations.entitlementId, g!.entitlementId), eq(operations.kind, "revoke")));
    expect(ops).toHaveLength(1);
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "grant.removed"));
    expect(audit!.data).toMatchObject({ grantId: g!.id, source: "adopted", reason: "left the VPN pilot" });
    await expect(removeGrant({ ctx: ctx(), input: { grantId: g!.id, reason: "again" } })).rejects.toBeInstanceOf(NotFoundError);
  });
});
