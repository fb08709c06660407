/**
 * The HR lifecycle end to end against three REAL targets: an OpenLDAP slapd, a SCIM 2.0 application and a
 * PostgreSQL server (roles under a random prefix). HR CSV → applyHrRecords → outbox → ProvisioningWorker →
 * connectors → read back from each target: joiner (account + Sales groups, the manager written to LDAP `manager` and
 * the SCIM enterprise `manager`), mover (overlap 0 days, the sweep expires the old access → Engineering groups only),
 * leaver (disabled everywhere; memberships removed where the leaver policy says so: LDAP and PostgreSQL by default,
 * the SCIM app is set to keep them), rehire (LDAP gets a new random password, SCIM none; both in the timeline).
 * slapd is required (CI fails without it); so is PostgreSQL (the target).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { Attribute, Change, Client } from "ldapts";
import postgres from "postgres";
import { eq } from "drizzle-orm";
import { personTimeline } from "@/db/queries/lifecycle";
import { applications, people, birthrightRules, entitlements, grants, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { encryptSecrets } from "@/lib/crypto";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { resetEnvCache } from "@/lib/env";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { createTestDatabase, pgAvailable, PG_INSTALL_HINT } from "@/lib/testing/postgres";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { applyHrRecords } from "./apply-hr-records";
import { runLifecycleSweep } from "./sweep";

process.env.GATEHOUSE_SECRET_KEY ??= "real-targets-int-test-key";
resetEnvCache();

const pgUp = await pgAvailable();
const describeTargets = requireOrSkip("OpenLDAP slapd and PostgreSQL", ldapAvailable() && pgUp, ldapAvailable() ? PG_INSTALL_HINT : LDAP_INSTALL_HINT);

const TOKEN = "real-targets-scim-token";
const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
const row = (dept: string, status = "active", end = "", start = "2024-01-01") => `${header}E1,Ada,Lovelace,ada@example.test,${dept},Analyst,3,Remote,M1,employee,${status},${start},${end}\n`;
const managerRow = `${header}M1,Grace,Hopper,grace@example.test,Management,Director,6,Remote,,employee,active,2020-01-01,\n`;
const fast = { concurrency: 8, maxAttempts: 3, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000, lifecycleSweepMs: 0, reminderIntervalMs: 0 };

describeTargets("HR lifecycle against real LDAP, SCIM and PostgreSQL targets", () => {
  const prefix = `gh${randomBytes(3).toString("hex")}_`;
  const groupPrefix = `${prefix}grp_`;
  let t: TestDb;
  let ldap: LdapServer;
  let ldapAdmin: Client;
  let scim: ScimApp;
  let target: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: postgres.Sql;
  let worker: ProvisioningWorker;
  const scimGroups: Record<string, string> = {};

  const hr = async (csv: string) => {
    const { records, errors } = parseHrCsv(csv);
    expect(errors).toEqual([]);
    const r = await applyHrRecords({ ctx: { db: t.db, actor: admin }, input: { source: "csv", moverOverlapDays: 0 }, records, rowErrors: errors });
    expect(r.applied).toBe(true);
    return r;
  };
  const settle = async () => {
    wakeDispatcher();
    await worker.runUntilIdle(30_000);
  };

  // Read back from each target.
  const ldapEntry = async (ou: string) => (await ldapAdmin.search(`ou=${ou},${ldap.baseDn}`, { scope: "one", filter: "(uid=ada)" })).searchEntries;
  const ldapGroupsOf = async () => {
    const out: string[] = [];
    for (const cn of ["sales", "eng"]) {
      const [g] = (await ldapAdmin.search(`cn=${cn},ou=groups,${ldap.baseDn}`, { scope: "base", filter: "(objectClass=*)" })).searchEntries;
      const members = ([] as string[]).concat((g!.member as string | string[]) ?? []).map((m) => m.toLowerCase());
      if (members.some((m) => m.startsWith("uid=ada,"))) out.push(cn);
    }
    return out;
  };
  const scimUser = () => scim.state().users.find((u) => String(u.userName).toLowerCase() === "ada");
  const scimGroupsOf = () => {
    const u = scimUser();
    return Object.entries(scimGroups)
      .filter(([, id]) => (scim.state().groups.find((g) => g.id === id)?.members ?? []).some((m: { value: string }) => m.value === u?.id))
      .map(([name]) => name);
  };
  const pgRole = async () => (await pg`select rolname, rolcanlogin from pg_roles where rolname = ${prefix + "ada"}`)[0];
  const pgGroupsOf = async () =>
    (await pg`select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = ${prefix + "ada"} order by 1`).map((r) =>
      String(r.rolname).slice(groupPrefix.length),
    );

  beforeAll(async () => {
    [t, ldap, scim, target] = await Promise.all([pgliteTestDb(), startLdap(), startScimApp({ token: TOKEN }), createTestDatabase()]);
    ldapAdmin = new Client({ url: ldap.url });
    await ldapAdmin.bind(ldap.bindDn, ldap.bindPassword);
    for (const cn of ["sales", "eng"]) {
      await ldapAdmin.add(`cn=${cn},ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfNames"], cn, member: [`cn=gatehouse-placeholder,${ldap.baseDn}`] });
    }
    for (const name of ["sales", "eng"]) {
      const r = await fetch(`${scim.baseUrl}/Groups`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: name, members: [] }),
      });
      expect(r.status).toBe(201);
      scimGroups[name] = String(((await r.json()) as { id: string }).id);
    }
    pg = postgres(target.url, { max: 2, onnotice: () => {} });
    for (const g of ["sales", "eng"]) await pg`CREATE ROLE ${pg(groupPrefix + g)} NOLOGIN`;

    const apps = await t.db
      .insert(applications)
      .values([
        { key: "directory", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn, timeoutMs: 5000 }, secretsEncrypted: encryptSecrets({ bindPassword: ldap.bindPassword }) },
        { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 5000 }, secretsEncrypted: encryptSecrets({ token: TOKEN }) },
        { key: "warehouse", name: "Warehouse", connectorKind: "postgres", config: { prefix, timeoutMs: 5000 }, secretsEncrypted: encryptSecrets({ url: target.url }) },
      ])
      .returning();
    const byKey = Object.fromEntries(apps.map((a) => [a.key, a.id]));
    for (const dept of ["sales", "eng"]) {
      const ents = await t.db
        .insert(entitlements)
        .values([
          { applicationId: byKey.directory!, externalId: dept, name: `LDAP ${dept}` },
          { applicationId: byKey.chat!, externalId: scimGroups[dept]!, name: `Chat ${dept}` },
          { applicationId: byKey.warehouse!, externalId: groupPrefix + dept, name: `Warehouse ${dept}` },
        ])
        .returning();
      const [role] = await t.db.insert(roleTemplates).values({ key: `${dept}-base`, name: `${dept} base`, status: "published" }).returning();
      await t.db.insert(roleEntitlements).values(ents.map((e) => ({ roleId: role!.id, entitlementId: e.id })));
      await t.db.insert(birthrightRules).values({ name: dept, roleId: role!.id, conditions: [{ attribute: "department", op: "eq", value: dept === "sales" ? "Sales" : "Engineering" }] as never });
    }
    worker = await new ProvisioningWorker(t, fast).start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await ldapAdmin?.unbind().catch(() => {});
    if (pg) {
      for (const r of await pg`select rolname from pg_roles where starts_with(rolname, ${prefix})`) {
        await pg`DROP OWNED BY ${pg(r.rolname)}`.catch(() => {});
        await pg`DROP ROLE IF EXISTS ${pg(r.rolname)}`;
      }
      await pg.end({ timeout: 5 });
    }
    await target?.drop();
    await scim?.stop();
    await ldap?.stop();
    await t?.close();
  });

  it("joiner: the account and the Sales groups exist in LDAP, SCIM and PostgreSQL; the manager is written", async () => {
    // The manager first (no birthright in Management: give Grace accounts through a Sales-like rule of her own).
    await hr(managerRow);
    const [grace] = await t.db.select().from(people).where(eq(people.employeeId, "M1"));
    const { planPeople } = await import("@/lib/services/provisioning/plan");
    const dirEnt = (await t.db.select().from(entitlements)).filter((e) => e.externalId === "sales" || e.externalId === scimGroups.sales);
    await t.db.insert(grants).values(dirEnt.map((e) => ({ personId: grace!.id, entitlementId: e.id, source: "manual" as const, reason: "test: the manager's accounts" })));
    await planPeople(t.db, [grace!.id], { kind: "test" });
    await settle();
    expect(await ldapAdmin.search(`ou=people,${ldap.baseDn}`, { scope: "one", filter: "(uid=grace)" }).then((r) => r.searchEntries.length)).toBe(1);
    const r = await hr(row("Sales"));
    expect(r.events.map((e) => e.kind)).toEqual(["joiner"]);
    await settle();
    expect(await ldapEntry("people")).toHaveLength(1);
    expect(await ldapGroupsOf()).toEqual(["sales"]);
    expect(scimUser()?.active).toBe(true);
    expect(scimGroupsOf()).toEqual(["sales"]);
    expect(await pgRole()).toMatchObject({ rolcanlogin: true });
    expect(await pgGroupsOf()).toEqual(["sales"]);
    const [entry] = (await ldapAdmin.search(`ou=people,${ldap.baseDn}`, { scope: "one", filter: "(uid=ada)", attributes: ["manager"] })).searchEntries;
    expect(String(entry!.manager).toLowerCase()).toBe(`uid=grace,ou=people,${ldap.baseDn}`.toLowerCase());
    const graceScim = scim.state().users.find((u) => u.userName === "grace");
    expect(scimUser()?.["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?.manager?.value).toBe(graceScim?.id);
  });

  it("mover (overlap 0 days, then the sweep): the groups change in all three", async () => {
    const r = await hr(row("Engineering"));
    expect(r.events.map((e) => e.kind)).toEqual(["mover"]);
    await settle();
    // New access at once. With a 0-day overlap the old grants are already past their expiry (the planner no
    // longer wants them); the sweep marks them expired and re-plans, which must not undo anything.
    expect(await ldapGroupsOf()).toContain("eng");
    await runLifecycleSweep(t.db, new Date(Date.now() + 1000));
    await settle();
    const [ada] = await t.db.select().from(people).where(eq(people.employeeId, "E1"));
    const held = await t.db
      .select({ ext: entitlements.externalId, status: grants.status })
      .from(grants)
      .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
      .where(eq(grants.personId, ada!.id));
    expect(held.filter((g) => g.status === "active").map((g) => g.ext).sort()).toEqual(["eng", groupPrefix + "eng", scimGroups.eng!].sort());
    expect(held.filter((g) => g.status === "expired")).toHaveLength(3);
    expect(await ldapGroupsOf()).toEqual(["eng"]);
    expect(scimGroupsOf()).toEqual(["eng"]);
    expect(await pgGroupsOf()).toEqual(["eng"]);
  });

  it("leaver: disabled in all three; memberships removed per policy (LDAP, PostgreSQL: removed; SCIM set to keep)", async () => {
    await t.db.update(applications).set({ leaverPolicy: "disable" }).where(eq(applications.key, "chat"));
    const today = new Date().toISOString().slice(0, 10);
    const r = await hr(row("Engineering", "terminated", today));
    expect(r.events.map((e) => e.kind)).toEqual(["leaver"]);
    await settle();
    expect(await ldapEntry("people")).toHaveLength(0);
    expect(await ldapEntry("disabled")).toHaveLength(1);
    expect(scimUser()?.active).toBe(false);
    expect(await pgRole()).toMatchObject({ rolcanlogin: false });
    // Read back from the targets: the default policy removed the memberships, the "disable" policy kept them.
    expect(await ldapGroupsOf()).toEqual([]);
    expect(await pgGroupsOf()).toEqual([]);
    expect(scimGroupsOf()).toEqual(["eng"]);
  });

  it("rehire: LDAP gets a new random password, SCIM stays password-less; the timeline says so", async () => {
    // Someone knows a password of the parked entry (say, restored from an old backup): the rehire must not revive it.
    const disabledDn = `uid=ada,ou=disabled,${ldap.baseDn}`;
    await ldapAdmin.modify(disabledDn, [new Change({ operation: "replace", modification: new Attribute({ type: "userPassword", values: ["Old-Known-Pw-1"] }) })]);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const r = await hr(row("Engineering", "active", "", tomorrow.toISOString().slice(0, 10)));
    expect(r.events.map((e) => e.kind)).toEqual(["rehire"]);
    await settle();
    // The start date arrives: the sweep makes Ada active and the planner enables her accounts.
    await runLifecycleSweep(t.db, new Date(tomorrow.getTime() + 3_600_000));
    await settle();
    expect(await ldapEntry("people")).toHaveLength(1);
    expect(await ldapGroupsOf()).toEqual(["eng"]);
    const c = new Client({ url: ldap.url });
    await expect(c.bind(`uid=ada,ou=people,${ldap.baseDn}`, "Old-Known-Pw-1")).rejects.toThrow();
    await c.unbind().catch(() => {});
    expect(scimUser()?.active).toBe(true);
    expect(scimUser()?.password).toBeUndefined();
    const [ada] = await t.db.select().from(people).where(eq(people.employeeId, "E1"));
    const enables = (await personTimeline(t.db, ada!.id)).flatMap((e) => e.operations).filter((o) => o.kind === "enable");
    expect(Object.fromEntries(enables.map((o) => [o.application, o.credential]))).toMatchObject({ Directory: "reset", Chat: "none" });
  });
});
