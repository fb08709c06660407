/**
 * The HR lifecycle end to end against three REAL targets: an OpenLDAP slapd, a SCIM 2.0 application and a
 * PostgreSQL server (roles under a random prefix). HR CSV → applyHrRecords → outbox → ProvisioningWorker →
 * connectors → read back from each target: joiner (account + Sales groups), mover (overlap 0 days, the sweep
 * expires the old access → Engineering groups only), leaver (disabled everywhere).
 * slapd is required (CI fails without it); so is PostgreSQL (the target).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { Client } from "ldapts";
import postgres from "postgres";
import { eq } from "drizzle-orm";
import { applications, birthrightRules, entitlements, grants, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { encryptSecrets } from "@/lib/crypto";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { resetEnvCache } from "@/lib/env";
import { ProvisioningWorker, wakeDispatcher } from "@/lib/jobs/worker";
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
const row = (dept: string, status = "active", end = "") => `${header}E1,Ada,Lovelace,ada@example.test,${dept},Analyst,3,Remote,,employee,${status},2024-01-01,${end}\n`;
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

  it("joiner: the account and the Sales groups exist in LDAP, SCIM and PostgreSQL", async () => {
    const r = await hr(row("Sales"));
    expect(r.events.map((e) => e.kind)).toEqual(["joiner"]);
    await settle();
    expect(await ldapEntry("people")).toHaveLength(1);
    expect(await ldapGroupsOf()).toEqual(["sales"]);
    expect(scimUser()?.active).toBe(true);
    expect(scimGroupsOf()).toEqual(["sales"]);
    expect(await pgRole()).toMatchObject({ rolcanlogin: true });
    expect(await pgGroupsOf()).toEqual(["sales"]);
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
    const held = await t.db
      .select({ ext: entitlements.externalId, status: grants.status })
      .from(grants)
      .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId));
    expect(held.filter((g) => g.status === "active").map((g) => g.ext).sort()).toEqual(["eng", groupPrefix + "eng", scimGroups.eng!].sort());
    expect(held.filter((g) => g.status === "expired")).toHaveLength(3);
    expect(await ldapGroupsOf()).toEqual(["eng"]);
    expect(scimGroupsOf()).toEqual(["eng"]);
    expect(await pgGroupsOf()).toEqual(["eng"]);
  });

  it("leaver: disabled in all three (LDAP ou=disabled, SCIM active=false, PostgreSQL NOLOGIN)", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const r = await hr(row("Engineering", "terminated", today));
    expect(r.events.map((e) => e.kind)).toEqual(["leaver"]);
    await settle();
    expect(await ldapEntry("people")).toHaveLength(0);
    expect(await ldapEntry("disabled")).toHaveLength(1);
    expect(scimUser()?.active).toBe(false);
    expect(await pgRole()).toMatchObject({ rolcanlogin: false });
  });
});
