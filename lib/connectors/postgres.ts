/**
 * PostgreSQL connector (postgres.js): database login roles are accounts, group roles are entitlements.
 *
 * Namespace (the safety rule): every role this connector reads or changes has a name starting with
 * `prefix` (e.g. "gh_"). Accounts are `<prefix><userName>`; entitlements are the roles whose names start with
 * `groupPrefix` (default `<prefix>grp_`, which must itself start with `prefix`); an account name may not fall
 * into the group namespace. Every name is validated (assertManaged) before any statement and quoted with
 * postgres.js' identifier helper `sql(name)`. A role outside the prefix, e.g. "postgres", is refused with a
 * non-retryable ConnectorError before anything is sent.
 *
 * Operations:
 *   createAccount  CREATE ROLE <name> LOGIN PASSWORD '<SCRAM-SHA-256 verifier>' [VALID UNTIL '<ts>']
 *                  (the verifier is computed here so the cleartext never reaches the server or its logs; without
 *                  a password, a random one nobody knows). An existing role links (linked: true, unchanged).
 *   disable        ALTER ROLE … NOLOGIN, then revokeSessions (pg_terminate_backend of its sessions)
 *   enable         ALTER ROLE … LOGIN
 *   delete         in one transaction: REVOKE each managed group, REASSIGN OWNED BY … TO CURRENT_USER,
 *                  DROP OWNED BY …, DROP ROLE. REASSIGN/DROP OWNED act in the configured database only: if the
 *                  role owns objects in another database, DROP ROLE fails with a clear non-retryable error.
 *   grant/revoke   GRANT <group> TO <user> / REVOKE <group> FROM <user> (both idempotent in PostgreSQL)
 *   listAccounts   pg_roles + pg_auth_members filtered by the prefixes; active = rolcanlogin and not expired.
 * Optional extra AccountSpec field for this connector: validUntil (ISO timestamp or null = no expiry).
 * Errors: connection failures and SQLSTATE classes 08/53/57P, 40001/40P01 → retryable; the rest → not.
 * Messages name host:port/database, never the URL (it may hold a password) or a password.
 */
import postgres from "postgres";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import {
  ConnectorError,
  type AccountRef,
  type AccountSpec,
  type Connector,
  type TargetAccount,
  type TargetEntitlement,
  type TestResult,
} from "@/lib/domain/connector";

export type PostgresConfig = {
  /** Secret: may hold a password. */
  url: string;
  prefix: string;
  groupPrefix?: string;
  timeoutMs?: number;
};

export type PostgresAccountSpec = AccountSpec & { validUntil?: string | Date | null };

const NAME_RE = /^[A-Za-z0-9_.@-]+$/;
const NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"]);

/** SCRAM-SHA-256 verifier as PostgreSQL stores it (RFC 5802/7677; ASCII/NFKC passwords). */
export function scramVerifier(password: string, iterations = 4096, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** A SQL string literal safe whatever standard_conforming_strings is (E'' form). */
function literal(v: string): string {
  if (v.includes("\0")) throw new ConnectorError("PostgreSQL: value contains a NUL character", false);
  return "E'" + v.replace(/\\/g, "\\\\").replace(/'/g, "''") + "'";
}

export class PostgresConnector implements Connector {
  readonly kind = "postgres";
  readonly prefix: string;
  readonly groupPrefix: string;
  private readonly sql: postgres.Sql;
  private readonly where: string;

  constructor(config: PostgresConfig) {
    if (!/^[a-z][a-z0-9_]{1,30}$/.test(config.prefix) || config.prefix.startsWith("pg_")) {
      throw new ConnectorError(`PostgreSQL: invalid role prefix "${config.prefix}" (lower-case letters, digits, _; not pg_)`, false);
    }
    this.prefix = config.prefix;
    this.groupPrefix = config.groupPrefix ?? `${config.prefix}grp_`;
    if (!this.groupPrefix.startsWith(this.prefix) || this.groupPrefix === this.prefix || !NAME_RE.test(this.groupPrefix)) {
      throw new ConnectorError(`PostgreSQL: groupPrefix must start with the prefix "${this.prefix}" and be longer`, false);
    }
    const u = new URL(config.url);
    this.where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
    this.sql = postgres(config.url, {
      max: 2,
      idle_timeout: 10,
      connect_timeout: Math.max(1, Math.ceil((config.timeoutMs ?? 10_000) / 1000)),
      onnotice: () => {},
    });
  }

  // ---------------------------------------------------------------- names
  /** Throws unless `name` is inside the managed namespace. */
  assertManaged(name: string, kind: "account" | "group" | "any" = "any"): string {
    const ok =
      typeof name === "string" &&
      name.startsWith(this.prefix) &&
      name.length > this.prefix.length &&
      Buffer.byteLength(name) <= 63 &&
      NAME_RE.test(name) &&
      (kind === "any" ||
        (kind === "group" ? name.startsWith(this.groupPrefix) && name.length > this.groupPrefix.length : !name.startsWith(this.groupPrefix)));
    if (!ok) {
      const what = kind === "group" ? `a group role starting with "${this.groupPrefix}"` : kind === "account" ? `an account role starting with "${this.prefix}" (and not "${this.groupPrefix}")` : `a role starting with "${this.prefix}"`;
      throw new ConnectorError(`PostgreSQL: refusing to touch role "${String(name).slice(0, 80)}": it is not ${what} (letters, digits, _ . @ -; ≤ 63 bytes)`, false);
    }
    return name;
  }

  roleFor(ref: AccountRef): string {
    // The externalId is the role name itself; one outside the namespace is refused, never ignored.
    const name = ref.externalId ? ref.externalId : this.prefix + ref.userName;
    return this.assertManaged(name, "account");
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.toConnectorError(what, e);
    }
  }

  private toConnectorError(what: string, e: unknown): ConnectorError {
    if (e instanceof ConnectorError) return e;
    const code = String((e as { code?: unknown })?.code ?? "");
    const msg = e instanceof Error ? e.message : String(e);
    if (NET_CODES.has(code) || /^(08|53|57P)/.test(code) || code === "40001" || code === "40P01") {
      return new ConnectorError(`PostgreSQL ${what}: cannot reach or use ${this.where} (${code || msg})`, true);
    }
    if (code === "28P01" || code === "28000") return new ConnectorError(`PostgreSQL ${what}: authentication failed for ${this.where} (${code})`, false);
    return new ConnectorError(`PostgreSQL ${what}: ${msg}${code ? ` (SQLSTATE ${code})` : ""}`, false);
  }

  private async exists(name: string): Promise<{ rolcanlogin: boolean } | null> {
    const rows = await this.sql<{ rolcanlogin: boolean }[]>`select rolcanlogin from pg_roles where rolname = ${name}`;
    return rows[0] ?? null;
  }

  // ---------------------------------------------------------------- Connector
  async testConnection(): Promise<TestResult> {
    try {
      const [me] = await this.sql<{ user: string; super: boolean; createrole: boolean }[]>`
        select current_user as user, rolsuper as super, rolcreaterole as createrole from pg_roles where rolname = current_user`;
      if (!me.super && !me.createrole) {
        return { ok: false, message: `Connected to ${this.where} as ${me.user}, but that role lacks CREATEROLE: it cannot manage roles.` };
      }
      return { ok: true, message: `Connected to ${this.where} as ${me.user}; managing roles prefixed "${this.prefix}".` };
    } catch (e) {
      const code = String((e as { code?: unknown })?.code ?? "");
      if (code === "28P01") return { ok: false, message: `PostgreSQL at ${this.where} rejected the password (28P01).` };
      if (code === "28000") return { ok: false, message: `PostgreSQL at ${this.where} refused the login (28000: no such role, or not allowed by pg_hba.conf).` };
      if (code === "3D000") return { ok: false, message: `The database in the URL does not exist on ${this.where.split("/")[0]}.` };
      if (NET_CODES.has(code)) return { ok: false, message: `Cannot reach PostgreSQL at ${this.where.split("/")[0]} (${code}).` };
      return { ok: false, message: this.toConnectorError("test", e).message };
    }
  }

  async createAccount(spec: PostgresAccountSpec): Promise<{ externalId: string; userName: string; linked: boolean }> {
    const name = this.assertManaged(this.prefix + spec.userName, "account");
    return this.run("createAccount", async () => {
      if (await this.exists(name)) return { externalId: name, userName: spec.userName, linked: true };
      const verifier = scramVerifier(spec.password ?? randomBytes(24).toString("base64"));
      let until = "";
      if (spec.validUntil) {
        const d = new Date(spec.validUntil);
        if (Number.isNaN(d.getTime())) throw new ConnectorError(`PostgreSQL: validUntil is not a date`, false);
        until = ` VALID UNTIL ${literal(d.toISOString())}`;
      }
      const login = spec.active === false ? "NOLOGIN" : "LOGIN";
      try {
        await this.sql`CREATE ROLE ${this.sql(name)} ${this.sql.unsafe(`${login} PASSWORD ${literal(verifier)}${until}`)}`;
      } catch (e) {
        if ((e as { code?: string }).code === "42710") return { externalId: name, userName: spec.userName, linked: true }; // created concurrently
        throw e;
      }
      return { externalId: name, userName: spec.userName, linked: false };
    });
  }

  async updateAccount(ref: AccountRef, changes: Partial<PostgresAccountSpec>): Promise<void> {
    const name = this.roleFor(ref);
    await this.run("updateAccount", async () => {
      if (!(await this.exists(name))) throw new ConnectorError(`PostgreSQL: no role "${name}"`, false, 404);
      const parts: string[] = [];
      if (changes.password) parts.push(`PASSWORD ${literal(scramVerifier(changes.password))}`);
      if (changes.validUntil !== undefined) {
        if (changes.validUntil === null) parts.push(`VALID UNTIL 'infinity'`);
        else {
          const d = new Date(changes.validUntil);
          if (Number.isNaN(d.getTime())) throw new ConnectorError(`PostgreSQL: validUntil is not a date`, false);
          parts.push(`VALID UNTIL ${literal(d.toISOString())}`);
        }
      }
      if (changes.active !== undefined) parts.push(changes.active ? "LOGIN" : "NOLOGIN");
      if (parts.length) await this.sql`ALTER ROLE ${this.sql(name)} ${this.sql.unsafe(parts.join(" "))}`;
      if (changes.active === false) await this.terminate(name);
    });
  }

  private async terminate(name: string) {
    await this.sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${name} and pid <> pg_backend_pid()`;
  }

  async disableAccount(ref: AccountRef): Promise<void> {
    const name = this.roleFor(ref);
    await this.run("disableAccount", async () => {
      const r = await this.exists(name);
      if (!r) return;
      if (r.rolcanlogin) await this.sql`ALTER ROLE ${this.sql(name)} NOLOGIN`;
      await this.terminate(name);
    });
  }

  async enableAccount(ref: AccountRef): Promise<void> {
    const name = this.roleFor(ref);
    await this.run("enableAccount", async () => {
      const r = await this.exists(name);
      if (!r) throw new ConnectorError(`PostgreSQL: no role "${name}"`, false, 404);
      if (!r.rolcanlogin) await this.sql`ALTER ROLE ${this.sql(name)} LOGIN`;
    });
  }

  async revokeSessions(ref: AccountRef): Promise<void> {
    const name = this.roleFor(ref);
    await this.run("revokeSessions", () => this.terminate(name));
  }

  async deleteAccount(ref: AccountRef): Promise<void> {
    const name = this.roleFor(ref);
    await this.run("deleteAccount", async () => {
      if (!(await this.exists(name))) return;
      await this.terminate(name);
      await this.sql.begin(async (tx) => {
        const groups = await tx<{ rolname: string }[]>`
          select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member
          where u.rolname = ${name} and starts_with(g.rolname, ${this.groupPrefix})`;
        for (const g of groups) await tx`REVOKE ${tx(this.assertManaged(g.rolname, "group"))} FROM ${tx(name)}`;
        await tx`REASSIGN OWNED BY ${tx(name)} TO CURRENT_USER`;
        await tx`DROP OWNED BY ${tx(name)}`;
        await tx`DROP ROLE ${tx(name)}`;
      });
    });
  }

  async grant(ref: AccountRef, entitlementExternalId: string): Promise<void> {
    const user = this.roleFor(ref);
    const group = this.assertManaged(entitlementExternalId, "group");
    await this.run("grant", async () => {
      await this.sql`GRANT ${this.sql(group)} TO ${this.sql(user)}`;
    });
  }

  async revoke(ref: AccountRef, entitlementExternalId: string): Promise<void> {
    const user = this.roleFor(ref);
    const group = this.assertManaged(entitlementExternalId, "group");
    await this.run("revoke", async () => {
      try {
        await this.sql`REVOKE ${this.sql(group)} FROM ${this.sql(user)}`;
      } catch (e) {
        if ((e as { code?: string }).code === "42704") return; // user or group does not exist: nothing held
        throw e;
      }
    });
  }

  async listAccounts(): Promise<TargetAccount[]> {
    return this.run("listAccounts", async () => {
      const rows = await this.sql<{ rolname: string; rolcanlogin: boolean; rolvaliduntil: Date | null; groups: string[] }[]>`
        select r.rolname, r.rolcanlogin, r.rolvaliduntil,
               coalesce(array_agg(g.rolname order by g.rolname) filter (where g.rolname is not null), '{}') as groups
        from pg_roles r
        left join pg_auth_members m on m.member = r.oid
        left join pg_roles g on g.oid = m.roleid and starts_with(g.rolname, ${this.groupPrefix})
        where starts_with(r.rolname, ${this.prefix}) and not starts_with(r.rolname, ${this.groupPrefix})
        group by r.rolname, r.rolcanlogin, r.rolvaliduntil
        order by r.rolname`;
      const now = Date.now();
      return rows.map((r) => {
        const until = r.rolvaliduntil ? new Date(r.rolvaliduntil) : null;
        const expired = !!until && Number.isFinite(until.getTime()) && until.getTime() <= now;
        return {
          externalId: r.rolname,
          userName: r.rolname.slice(this.prefix.length),
          email: null,
          displayName: null,
          active: r.rolcanlogin && !expired,
          entitlements: r.groups,
          lastLoginAt: null,
          raw: { rolcanlogin: r.rolcanlogin, rolvaliduntil: until && Number.isFinite(until.getTime()) ? until.toISOString() : null },
        };
      });
    });
  }

  async listEntitlements(): Promise<TargetEntitlement[]> {
    return this.run("listEntitlements", async () => {
      const rows = await this.sql<{ rolname: string }[]>`
        select rolname from pg_roles where starts_with(rolname, ${this.groupPrefix}) order by rolname`;
      return rows.map((r) => ({ externalId: r.rolname, name: r.rolname.slice(this.groupPrefix.length), kind: "role" as const }));
    });
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
