import { afterAll, beforeAll, expect, it } from "vitest";
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { ConnectorError } from "@/lib/domain/connector";
import { createConnector } from "@/lib/connectors/index";
import { PostgresConnector, scramVerifier } from "@/lib/connectors/postgres";
import { createTestDatabase, pgAvailable, PG_INSTALL_HINT } from "@/lib/testing/postgres";
import { freePort } from "@/lib/testing/free-port";
import { requireOrSkip } from "@/lib/testing/require-server";

const describePg = requireOrSkip("PostgreSQL", await pgAvailable(), PG_INSTALL_HINT);

const spec = (userName: string) => ({
  userName,
  givenName: "Ada",
  familyName: "Lovelace",
  displayName: "Ada Lovelace",
  email: `${userName}@example.test`,
  password: "Pw-" + userName + "-'quote\\back",
});

describePg("PostgreSQL connector against the real server", () => {
  // Roles are cluster-wide: a random prefix per run keeps runs (and the portal's own roles) apart.
  const prefix = `gh${randomBytes(3).toString("hex")}_`;
  const groupPrefix = `${prefix}grp_`;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: postgres.Sql;
  let conn: PostgresConnector;
  const roleUrl = (role: string) => {
    const u = new URL(db.url);
    u.username = role;
    u.password = "";
    return u.toString();
  };
  const canLogin = async (role: string) => {
    const c = postgres(roleUrl(role), { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await c`select 1`;
      return true;
    } catch (e) {
      return String((e as { code?: string }).code ?? e);
    } finally {
      await c.end({ timeout: 1 }).catch(() => {});
    }
  };
  const role = async (name: string) => (await sql`select rolname, rolcanlogin, rolvaliduntil, rolpassword from pg_authid where rolname = ${name}`)[0];
  const memberships = async (name: string) =>
    (await sql`select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = ${name} order by 1`).map((r) => r.rolname);

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 2, onnotice: () => {} });
    await sql`CREATE ROLE ${sql(groupPrefix + "readers")} NOLOGIN`;
    await sql`CREATE ROLE ${sql(groupPrefix + "writers")} NOLOGIN`;
    conn = createConnector("postgres", { prefix }, { url: db.url }) as PostgresConnector;
  });
  afterAll(async () => {
    await conn?.close();
    if (sql) {
      const left = await sql`select rolname from pg_roles where starts_with(rolname, ${prefix})`;
      for (const r of left) {
        await sql`DROP OWNED BY ${sql(r.rolname)}`.catch(() => {});
        await sql`DROP ROLE IF EXISTS ${sql(r.rolname)}`;
      }
      await sql.end({ timeout: 5 });
    }
    await db?.drop();
  });

  it("testConnection: ok; an unreachable server gives a clear message without the URL's password", async () => {
    expect(await conn.testConnection()).toMatchObject({ ok: true });
    const port = await freePort();
    const down = createConnector("postgres", { prefix, timeoutMs: 1000 }, { url: `postgres://postgres:hunter2-secret@127.0.0.1:${port}/x` });
    const r = await down.testConnection();
    expect(r).toMatchObject({ ok: false });
    expect(r.message).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(r.message).not.toContain("hunter2");
    const err = await down.listAccounts().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain("hunter2");
    await down.close?.();
    expect(() => createConnector("postgres", { prefix: "pg_x" }, { url: db.url })).toThrow(/must not start with pg_/);
    expect(() => createConnector("postgres", {}, { url: db.url })).toThrow(/Role prefix is required/);
  });

  it("creates a LOGIN role with a SCRAM password and VALID UNTIL (read back from pg_authid); a second create links", async () => {
    const until = new Date(Date.now() + 86_400_000);
    const a = await conn.createAccount({ ...spec("ada"), validUntil: until });
    expect(a).toEqual({ externalId: `${prefix}ada`, userName: "ada", linked: false });
    const r = await role(`${prefix}ada`);
    expect(r.rolcanlogin).toBe(true);
    expect(r.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(new Date(r.rolvaliduntil).getTime()).toBe(Math.floor(until.getTime()));
    expect(await canLogin(`${prefix}ada`)).toBe(true);
    expect(await conn.createAccount(spec("ada"))).toEqual({ externalId: `${prefix}ada`, userName: "ada", linked: true });
  });

  it("computes SCRAM-SHA-256 verifiers exactly as PostgreSQL does (same salt → same keys)", async () => {
    // Trust auth is configured here, so a password login proves nothing: instead let PostgreSQL hash a password
    // itself and recompute the verifier with its salt and iteration count.
    const pw = "Pw-ada-'quote\\back";
    const probe = `${prefix}scramprobe`;
    await sql.unsafe(`SET password_encryption = 'scram-sha-256'`);
    await sql`CREATE ROLE ${sql(probe)} NOLOGIN`;
    await sql.unsafe(`ALTER ROLE "${probe}" PASSWORD E'${pw.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`);
    const theirs = (await role(probe)).rolpassword as string;
    const [, iterSalt] = theirs.split("$");
    const [iter, salt] = iterSalt.split(":");
    expect(scramVerifier(pw, Number(iter), Buffer.from(salt, "base64"))).toBe(theirs);
    await sql`DROP ROLE ${sql(probe)}`;
    // And the connector stores such a verifier (salted per role), never the cleartext.
    await conn.createAccount(spec("bob"));
    const b = (await role(`${prefix}bob`)).rolpassword as string;
    expect(b).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(b.split("$")[1]).not.toBe(((await role(`${prefix}ada`)).rolpassword as string).split("$")[1]);
  });

  it("grants and revokes group roles (pg_auth_members), idempotently; listAccounts shows them", async () => {
    const ref = { userName: "ada" };
    await conn.grant(ref, `${groupPrefix}readers`);
    await conn.grant(ref, `${groupPrefix}readers`);
    await conn.grant({ externalId: `${prefix}ada`, userName: "ada" }, `${groupPrefix}writers`);
    expect(await memberships(`${prefix}ada`)).toEqual([`${groupPrefix}readers`, `${groupPrefix}writers`]);
    const acct = (await conn.listAccounts()).find((x) => x.userName === "ada")!;
    expect(acct).toMatchObject({ externalId: `${prefix}ada`, active: true, entitlements: [`${groupPrefix}readers`, `${groupPrefix}writers`] });
    expect((await conn.listAccounts()).map((x) => x.externalId)).not.toContain(`${groupPrefix}readers`);
    await conn.revoke(ref, `${groupPrefix}writers`);
    await conn.revoke(ref, `${groupPrefix}writers`);
    await conn.revoke(ref, `${groupPrefix}missing`);
    expect(await memberships(`${prefix}ada`)).toEqual([`${groupPrefix}readers`]);
    expect((await conn.listEntitlements()).map((e) => e.externalId)).toEqual([`${groupPrefix}readers`, `${groupPrefix}writers`]);
  });

  it("disable = NOLOGIN and its sessions are terminated; login fails; enable restores", async () => {
    const name = `${prefix}ada`;
    const session = postgres(roleUrl(name), { max: 1, onnotice: () => {} });
    await session`select 1`;
    await conn.disableAccount({ userName: "ada" });
    expect((await role(name)).rolcanlogin).toBe(false);
    expect(await canLogin(name)).toBe("28000"); // role is not permitted to log in
    const stillThere = await session`select 1`.then(
      () => true,
      () => false,
    );
    expect(stillThere).toBe(false); // its open session was terminated
    await session.end({ timeout: 1 }).catch(() => {});
    expect((await conn.listAccounts()).find((x) => x.userName === "ada")!.active).toBe(false);
    await conn.disableAccount({ userName: "ada" });
    await conn.enableAccount({ userName: "ada" });
    expect((await role(name)).rolcanlogin).toBe(true);
    expect(await canLogin(name)).toBe(true);
  });

  it("delete revokes memberships, reassigns owned objects and drops the role; deleting again succeeds", async () => {
    await conn.createAccount(spec("owner"));
    const name = `${prefix}owner`;
    await conn.grant({ userName: "owner" }, `${groupPrefix}readers`);
    await sql`CREATE TABLE ${sql("t_" + prefix)} (id int)`;
    await sql`ALTER TABLE ${sql("t_" + prefix)} OWNER TO ${sql(name)}`;
    await conn.deleteAccount({ userName: "owner" });
    expect(await role(name)).toBeUndefined();
    const [t] = await sql`select tableowner from pg_tables where tablename = ${"t_" + prefix}`;
    expect(t.tableowner).toBe("postgres");
    await conn.deleteAccount({ userName: "owner" });
    await expect(conn.enableAccount({ userName: "owner" })).rejects.toMatchObject({ retryable: false });
  });

  it("refuses any role outside the prefix and never touches postgres", async () => {
    const before = await role("postgres");
    const attempts: (() => Promise<unknown>)[] = [
      () => conn.disableAccount({ userName: "x", externalId: "postgres" }),
      () => conn.grant({ userName: "ada" }, "postgres"),
      () => conn.grant({ userName: "ada" }, `${prefix}ada`), // an account is not a group
      () => conn.revoke({ userName: "ada" }, "pg_read_all_data"),
      () => conn.createAccount(spec("grp_evil")), // would land in the group namespace
      () => conn.createAccount(spec('bad"name')),
      () => conn.deleteAccount({ userName: "x".repeat(80) }),
    ];
    for (const attempt of attempts) {
      const err = await attempt().then(
        () => null,
        (e) => e,
      );
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/refusing to touch role/);
    }
    // A userName of "postgres" maps to <prefix>postgres, never to postgres itself.
    await conn.disableAccount({ userName: "postgres" });
    const after = await role("postgres");
    expect(after.rolcanlogin).toBe(before.rolcanlogin);
    expect(await memberships("postgres")).toEqual([]);
  });
});
