import { afterAll, beforeAll, expect, it } from "vitest";
import { Attribute, Change, Client } from "ldapts";
import { ConnectorError } from "@/lib/domain/connector";
import { createConnector } from "@/lib/connectors/index";
import type { LdapConnector } from "@/lib/connectors/ldap";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { freePort } from "@/lib/testing/free-port";
import { requireOrSkip } from "@/lib/testing/require-server";

const describeLdap = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);

const spec = (userName: string, password = "S3cret-" + userName) => ({
  userName,
  givenName: "Ada",
  familyName: "Lovelace",
  displayName: `Ada ${userName}`,
  email: `${userName}@example.test`,
  employeeNumber: "E-42",
  department: "R&D",
  title: "Engineer",
  password,
});

describeLdap("LDAP connector against a real slapd", () => {
  let srv: LdapServer;
  let conn: LdapConnector;
  let admin: Client;
  const people = () => `ou=people,${srv.baseDn}`;
  const groupDn = (cn: string) => `cn=${cn},ou=groups,${srv.baseDn}`;
  const placeholder = () => `cn=gatehouse-placeholder,${srv.baseDn}`;

  const search = async (base: string, filter: string, scope: "one" | "sub" | "base" = "one") =>
    (await admin.search(base, { scope, filter })).searchEntries;
  const members = async (cn: string) => {
    const [g] = await search(groupDn(cn), "(objectClass=*)", "base");
    return ([] as string[]).concat((g.member as string[] | string) ?? []).map((m) => m.toLowerCase());
  };
  const canBind = async (dn: string, pw: string) => {
    const c = new Client({ url: srv.url });
    try {
      await c.bind(dn, pw);
      return true;
    } catch {
      return false;
    } finally {
      await c.unbind().catch(() => {});
    }
  };
  const makeGroup = (cn: string) => admin.add(groupDn(cn), { objectClass: ["top", "groupOfNames"], cn, member: [placeholder()] });

  beforeAll(async () => {
    srv = await startLdap();
    admin = new Client({ url: srv.url });
    await admin.bind(srv.bindDn, srv.bindPassword);
    conn = createConnector("ldap", { url: srv.url, bindDn: srv.bindDn, baseDn: srv.baseDn, timeoutMs: 3000 }, { bindPassword: srv.bindPassword }) as LdapConnector;
    await makeGroup("eng");
    await makeGroup("ops");
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => {});
    await srv?.stop();
  });

  it("testConnection: ok; wrong password and unreachable host give clear messages without the password", async () => {
    expect(await conn.testConnection()).toMatchObject({ ok: true });
    const bad = createConnector("ldap", { url: srv.url, bindDn: srv.bindDn, baseDn: srv.baseDn }, { bindPassword: "not-the-pw-987" });
    const r = await bad.testConnection();
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/invalidCredentials/);
    expect(r.message).not.toContain("not-the-pw-987");
    const err = await bad.listAccounts().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.retryable).toBe(false);
    const port = await freePort();
    const down = createConnector("ldap", { url: `ldap://127.0.0.1:${port}`, bindDn: srv.bindDn, baseDn: srv.baseDn, timeoutMs: 1000 }, { bindPassword: srv.bindPassword });
    expect((await down.testConnection()).message).toMatch(/Cannot reach the LDAP server at ldap:\/\/127\.0\.0\.1:\d+/);
    const netErr = await down.grant({ userName: "x" }, "eng").catch((e) => e);
    expect(netErr).toBeInstanceOf(ConnectorError);
    expect(netErr.retryable).toBe(true);
    expect(() => createConnector("ldap", { url: "http://x", bindDn: "cn=a", baseDn: "dc=x" }, { bindPassword: "p" })).toThrow(/LDAP URL must be an ldap:\/\/ or ldaps:\/\/ URL/);
  });

  it("creates an inetOrgPerson (read back with ldapts), binds with its password; a second create links", async () => {
    const a = await conn.createAccount(spec("ada"));
    expect(a.linked).toBe(false);
    const [e] = await search(people(), "(uid=ada)");
    expect(e.dn.toLowerCase()).toBe(`uid=ada,${people()}`.toLowerCase());
    expect(e).toMatchObject({ cn: "Ada ada", sn: "Lovelace", givenName: "Ada", mail: "ada@example.test", employeeNumber: "E-42", title: "Engineer", departmentNumber: "R&D" });
    expect(String(e.userPassword)).toMatch(/^\{SSHA\}/);
    expect(await canBind(e.dn, "S3cret-ada")).toBe(true);
    const again = await conn.createAccount(spec("ada"));
    expect(again).toEqual({ externalId: a.externalId, userName: "ada", linked: true });
    expect(a.externalId).toMatch(/^[0-9a-f-]{36}$/); // entryUUID
  });

  it("escapes DN and filter values", async () => {
    const odd = "o'brien,+x=y\\z #";
    await conn.createAccount(spec(odd));
    const found = await search(people(), `(uid=o'brien,+x=y\\5cz #)`);
    expect(found).toHaveLength(1);
    await conn.grant({ userName: odd }, "eng");
    expect((await conn.listAccounts()).find((x) => x.userName === odd)!.entitlements).toEqual([groupDn("eng")]);
    // A wildcard in a userName is a literal, not a pattern.
    await conn.disableAccount({ userName: "a*" });
    expect(await search(people(), "(uid=ada)")).toHaveLength(1);
    await conn.deleteAccount({ userName: odd });
    expect(await search(people(), `(uid=o'brien,+x=y\\5cz #)`)).toHaveLength(0);
    expect(await members("eng")).toEqual([placeholder().toLowerCase()]);
  });

  it("grants and revokes (member visible in the group), keeps a placeholder for the last member", async () => {
    await conn.createAccount(spec("grace"));
    const dn = `uid=grace,${people()}`.toLowerCase();
    await conn.grant({ userName: "grace" }, groupDn("eng"));
    await conn.grant({ userName: "grace" }, "eng"); // bare cn, already a member
    await conn.grant({ userName: "grace" }, "ops");
    expect(await members("eng")).toEqual([dn]); // placeholder dropped
    const acct = (await conn.listAccounts()).find((x) => x.userName === "grace")!;
    expect(acct.entitlements).toEqual([groupDn("eng"), groupDn("ops")].sort());
    expect(acct.active).toBe(true);
    await conn.revoke({ userName: "grace" }, "eng");
    await conn.revoke({ userName: "grace" }, "eng"); // absent: no-op
    expect(await members("eng")).toEqual([placeholder().toLowerCase()]);
    expect(await members("ops")).toEqual([dn]);
    const ents = await conn.listEntitlements();
    expect(ents.map((x) => x.name).sort()).toEqual(["eng", "ops"]);
  });

  it("disable moves to ou=disabled, kills the password, keeps memberships; enable reverses it", async () => {
    await conn.createAccount(spec("linus"));
    const activeDn = `uid=linus,${people()}`;
    const disabledDn = `uid=linus,ou=disabled,${srv.baseDn}`;
    await conn.grant({ userName: "linus" }, "ops");
    await conn.disableAccount({ userName: "linus" });
    expect(await search(people(), "(uid=linus)")).toHaveLength(0);
    expect(await search(`ou=disabled,${srv.baseDn}`, "(uid=linus)")).toHaveLength(1);
    expect(await canBind(disabledDn, "S3cret-linus")).toBe(false);
    expect(await members("ops")).toContain(disabledDn.toLowerCase());
    expect(await members("ops")).not.toContain(activeDn.toLowerCase());
    const listed = (await conn.listAccounts()).find((x) => x.userName === "linus")!;
    expect(listed).toMatchObject({ active: false, entitlements: [groupDn("ops")] });
    await conn.disableAccount({ userName: "linus" }); // idempotent
    // Disabled, someone sets a password on the parked entry (an old backup, a helpdesk slip): enabling replaces it.
    await admin.modify(disabledDn, [new Change({ operation: "replace", modification: new Attribute({ type: "userPassword", values: ["Known-To-Someone-1"] }) })]);
    expect(await canBind(disabledDn, "Known-To-Someone-1")).toBe(true);
    expect(await conn.enableAccount({ userName: "linus" })).toEqual({ credential: "reset" });
    expect(await canBind(activeDn, "Known-To-Someone-1")).toBe(false); // a new random password was set
    const [back] = await search(people(), "(uid=linus)");
    expect(String(back.userPassword)).toMatch(/^\{SSHA\}/);
    expect(await conn.enableAccount({ userName: "linus" })).toEqual({ credential: "unchanged" });
    expect(await search(people(), "(uid=linus)")).toHaveLength(1);
    expect(await members("ops")).toContain(activeDn.toLowerCase());
    expect(await canBind(activeDn, "S3cret-linus")).toBe(false); // the old secret was destroyed
    await conn.updateAccount({ userName: "linus" }, { password: "NewPass-1", title: "Maintainer" });
    expect(await canBind(activeDn, "NewPass-1")).toBe(true);
    expect((await search(people(), "(uid=linus)"))[0].title).toBe("Maintainer");
    expect((await conn.listAccounts()).find((x) => x.userName === "linus")!.active).toBe(true);
  });

  it("writes the manager's DN to `manager` on create and update, and removes it", async () => {
    await conn.createAccount(spec("grace"));
    await conn.createAccount({ ...spec("alan"), manager: "grace" });
    const entry = async () => (await admin.search(people(), { scope: "one", filter: "(uid=alan)", attributes: ["manager"] })).searchEntries[0];
    expect(String((await entry()).manager).toLowerCase()).toBe(`uid=grace,${people()}`.toLowerCase());
    // The manager is parked in ou=disabled: the DN written is where their entry is.
    await conn.createAccount(spec("edsger"));
    await conn.disableAccount({ userName: "edsger" });
    await conn.updateAccount({ userName: "alan" }, { manager: "edsger" });
    expect(String((await entry()).manager).toLowerCase()).toBe(`uid=edsger,ou=disabled,${srv.baseDn}`.toLowerCase());
    await conn.updateAccount({ userName: "alan" }, { manager: "" });
    expect([(await entry()).manager ?? []].flat()).toEqual([]);
    await conn.updateAccount({ userName: "alan" }, { manager: null }); // already none: no error
  });

  it("first sync creates missing OUs; an OU given with the base DN already is used as it is", async () => {
    const cfg = { url: srv.url, bindDn: srv.bindDn, baseDn: srv.baseDn, usersOu: "ou=staff", groupsOu: `ou=teams,${srv.baseDn}`, disabledOu: "ou=parked", timeoutMs: 3000 };
    const fresh = createConnector("ldap", cfg, { bindPassword: srv.bindPassword }) as LdapConnector;
    expect(fresh.groupsBase).toBe(`ou=teams,${srv.baseDn}`);
    const t0 = await fresh.testConnection();
    expect(t0).toMatchObject({ ok: true });
    expect(t0.message).toContain(`created on the first sync: ou=staff,${srv.baseDn}`);
    await fresh.createAccount(spec("ken"));
    for (const ou of ["staff", "teams", "parked"]) expect(await search(srv.baseDn, `(ou=${ou})`)).toHaveLength(1);
    expect(await search(`ou=staff,${srv.baseDn}`, "(uid=ken)")).toHaveLength(1);
    await fresh.disableAccount({ userName: "ken" });
    expect(await search(`ou=parked,${srv.baseDn}`, "(uid=ken)")).toHaveLength(1);
  });

  it("an OU that cannot be created, and any result code, are reported in words naming the DN", async () => {
    const nowhere = createConnector("ldap", { url: srv.url, bindDn: srv.bindDn, baseDn: srv.baseDn, usersOu: "ou=staff,ou=nowhere", timeoutMs: 3000 }, { bindPassword: srv.bindPassword });
    const err = await nowhere.listAccounts().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toContain(`"ou=staff,ou=nowhere,${srv.baseDn}" does not exist and could not be created`);
    expect(err.message).not.toMatch(/Code: 0x/);
    await conn.createAccount(spec("dennis"));
    const g = await conn.grant({ userName: "dennis" }, "no-such-group").catch((e) => e);
    expect(g.message).toBe(`LDAP grant: the entry "${groupDn("no-such-group")}" does not exist (noSuchObject, result code 32); check baseDn, and that usersOu/groupsOu/disabledOu are relative to baseDn (e.g. ou=people)`);
    expect(g.retryable).toBe(false);
    const badBase = createConnector("ldap", { url: srv.url, bindDn: srv.bindDn, baseDn: "dc=elsewhere,dc=test", timeoutMs: 3000 }, { bindPassword: srv.bindPassword });
    expect((await badBase.testConnection()).message).toContain('the base DN "dc=elsewhere,dc=test" does not exist');
    const e2 = await badBase.listAccounts().catch((e) => e);
    expect(e2.message).toContain("does not exist");
    expect(e2.message).toContain("dc=elsewhere,dc=test");
  });

  it("delete removes the account from every group, then the entry; deleting again succeeds", async () => {
    await conn.createAccount(spec("margaret"));
    await conn.createAccount(spec("barbara"));
    await conn.grant({ userName: "margaret" }, "eng");
    await conn.grant({ userName: "barbara" }, "eng");
    await conn.grant({ userName: "margaret" }, "ops");
    await conn.disableAccount({ userName: "margaret" }); // delete must find it in ou=disabled too
    await conn.deleteAccount({ userName: "margaret" });
    expect(await search(srv.baseDn, "(uid=margaret)", "sub")).toHaveLength(0);
    expect((await members("eng")).some((m) => m.includes("margaret"))).toBe(false);
    expect((await members("ops")).some((m) => m.includes("margaret"))).toBe(false);
    expect(await members("eng")).toContain(`uid=barbara,${people()}`.toLowerCase());
    await conn.deleteAccount({ userName: "margaret" });
    await expect(conn.enableAccount({ userName: "margaret" })).rejects.toMatchObject({ retryable: false });
  });
  it("groupOfUniqueNames: listed as entitlements with their description, members read from uniqueMember, granted, revoked and left on delete", async () => {
    await admin.add(groupDn("auditors"), { objectClass: ["top", "groupOfUniqueNames"], cn: "auditors", description: "Read the books", uniqueMember: [placeholder()] });
    await conn.createAccount(spec("ida"));
    const dn = `uid=ida,${people()}`;
    const unique = async () => {
      const [g] = await search(groupDn("auditors"), "(objectClass=*)", "base");
      return ([] as string[]).concat((g.uniqueMember as string[] | string) ?? []).map((m) => m.toLowerCase());
    };
    const ents = await conn.listEntitlements();
    expect(ents.find((e) => e.name === "auditors")).toMatchObject({ externalId: groupDn("auditors"), description: "Read the books", kind: "group" });
    await conn.grant({ userName: "ida" }, "auditors");
    expect(await unique()).toEqual([dn.toLowerCase()]);
    expect((await conn.listAccounts()).find((x) => x.userName === "ida")!.entitlements).toEqual([groupDn("auditors")]);
    await conn.revoke({ userName: "ida" }, groupDn("auditors"));
    expect(await unique()).toEqual([placeholder().toLowerCase()]);
    await conn.grant({ userName: "ida" }, "auditors");
    await conn.deleteAccount({ userName: "ida" });
    expect(await unique()).toEqual([placeholder().toLowerCase()]);
  });
});
