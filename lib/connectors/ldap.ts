/**
 * LDAP connector (ldapts 8) for OpenLDAP-style directories.
 *
 * Layout (config): accounts are inetOrgPerson entries `uid=<userName>,<usersOu>,<baseDn>` (default ou=people);
 * entitlements are groupOfNames entries under `<groupsOu>,<baseDn>` (default ou=groups); disabled accounts live
 * under `<disabledOu>,<baseDn>` (default ou=disabled). Attributes written: uid, cn, sn, givenName, displayName,
 * mail, employeeNumber, title, departmentNumber, userPassword ({SSHA}, hashed here so no cleartext is stored).
 *
 * Ids: account externalId = the entry's entryUUID (stable across the disable/enable moves); lookups use uid in
 * both OUs (falling back to entryUUID). Entitlement externalId = the group's DN (a bare cn is also accepted).
 *
 * DISABLE CONVENTION (there is no standard LDAP "disabled" attribute without ppolicy):
 *   1. userPassword is replaced with the {SSHA} hash of 32 random bytes nobody knows → simple binds fail at once;
 *   2. the entry is moved (modifyDN) to ou=disabled, so DN-scoped applications and searches under ou=people
 *      stop seeing it;
 *   3. group memberships are KEPT and rewritten to the new DN (what refint would do), so reconciliation still
 *      sees what the account holds (listAccounts reports active=false with its entitlements).
 *   enableAccount moves the entry back and rewrites memberships again. The password stays scrambled: the person
 *   needs a new one (updateAccount({ password })), since the old secret was deliberately destroyed.
 *
 * LAST GROUP MEMBER: groupOfNames requires ≥ 1 member. When a revoke would remove the last one, the member
 * value is replaced by a placeholder DN (config placeholderDn, default `cn=gatehouse-placeholder,<baseDn>`,
 * which need not exist); a later grant removes the placeholder again. The placeholder is never reported.
 *
 * DELETE: no refint overlay is assumed: the account's DN is removed from every group first, then the entry.
 * Escaping: DN values with RFC 4514 hex escapes, filter values with RFC 4515 escapes.
 * Errors: network failures, busy/unavailable/timeLimit/other → retryable; everything else (e.g. invalid
 * credentials, schema violations) → not retryable. Messages never contain the bind password.
 */
import { createHash, randomBytes } from "node:crypto";
import { Attribute, Change, Client, InvalidCredentialsError, type Entry } from "ldapts";
import {
  ConnectorError,
  type AccountRef,
  type AccountSpec,
  type Connector,
  type TargetAccount,
  type TargetEntitlement,
  type TestResult,
} from "@/lib/domain/connector";

export type LdapConfig = {
  url: string;
  bindDn: string;
  /** Secret. */
  bindPassword: string;
  baseDn: string;
  usersOu?: string;
  groupsOu?: string;
  disabledOu?: string;
  placeholderDn?: string;
  timeoutMs?: number;
};

/** RFC 4514 attribute-value escaping (hex form, so the value never contains a literal "\,"). */
export function escapeDnValue(v: string): string {
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    const special = `"+,;<>\\=`.includes(ch) || ch === "\0" || (i === 0 && (ch === " " || ch === "#")) || (i === v.length - 1 && ch === " ");
    out += special ? "\\" + ch.charCodeAt(0).toString(16).padStart(2, "0") : ch;
  }
  return out;
}

/** RFC 4515 filter-value escaping. */
export function escapeFilterValue(v: string): string {
  return v.replace(/[\\*()\0]/g, (c) => "\\" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

/** Loose DN normalisation for comparisons (case and spaces around separators). */
export function normDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, "=").toLowerCase())
    .join(",");
}

export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash("sha1").update(password, "utf8").update(salt).digest();
  return "{SSHA}" + Buffer.concat([digest, salt]).toString("base64");
}

const RETRYABLE_CODES = new Set([3, 51, 52, 80]); // timeLimitExceeded, busy, unavailable, other
const NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
const USER_ATTRS = ["uid", "cn", "sn", "givenName", "displayName", "mail", "employeeNumber", "title", "departmentNumber", "entryUUID"];

type Found = { dn: string; disabled: boolean; entry: Entry };

const first = (v: unknown): string | null => {
  if (v == null) return null;
  const x = Array.isArray(v) ? v[0] : v;
  return x == null ? null : Buffer.isBuffer(x) ? x.toString("utf8") : String(x);
};
const all = (v: unknown): string[] => (v == null ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x))));

export class LdapConnector implements Connector {
  readonly kind = "ldap";
  readonly usersBase: string;
  readonly groupsBase: string;
  readonly disabledBase: string;
  readonly placeholderDn: string;

  constructor(private readonly config: LdapConfig) {
    this.usersBase = `${config.usersOu ?? "ou=people"},${config.baseDn}`;
    this.groupsBase = `${config.groupsOu ?? "ou=groups"},${config.baseDn}`;
    this.disabledBase = `${config.disabledOu ?? "ou=disabled"},${config.baseDn}`;
    this.placeholderDn = config.placeholderDn ?? `cn=gatehouse-placeholder,${config.baseDn}`;
  }

  private async withClient<T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const timeout = this.config.timeoutMs ?? 10_000;
    const c = new Client({ url: this.config.url, timeout, connectTimeout: timeout });
    try {
      await c.bind(this.config.bindDn, this.config.bindPassword);
      return await fn(c);
    } catch (e) {
      throw this.toConnectorError(what, e);
    } finally {
      await c.unbind().catch(() => {});
    }
  }

  private redact(msg: string): string {
    const pw = this.config.bindPassword;
    return pw ? msg.split(pw).join("***") : msg;
  }

  private toConnectorError(what: string, e: unknown): ConnectorError {
    if (e instanceof ConnectorError) return e;
    const code = (e as { code?: unknown })?.code;
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof InvalidCredentialsError) {
      return new ConnectorError(`LDAP ${what}: the server rejected the bind DN or password (invalidCredentials)`, false, 49);
    }
    if (typeof code === "number") {
      return new ConnectorError(`LDAP ${what}: ${this.redact(msg)} (result code ${code})`, RETRYABLE_CODES.has(code), code);
    }
    const netCode = typeof code === "string" ? code : undefined;
    if ((netCode && NET_CODES.has(netCode)) || /timeout|timed out|socket|connection|closed/i.test(msg)) {
      return new ConnectorError(`LDAP ${what}: cannot reach ${this.config.url} (${netCode ?? this.redact(msg)})`, true);
    }
    return new ConnectorError(`LDAP ${what}: ${this.redact(msg)}`, false);
  }

  private userDn(userName: string, disabled = false): string {
    return `uid=${escapeDnValue(userName)},${disabled ? this.disabledBase : this.usersBase}`;
  }

  private groupDn(entitlementExternalId: string): string {
    return entitlementExternalId.includes("=") ? entitlementExternalId : `cn=${escapeDnValue(entitlementExternalId)},${this.groupsBase}`;
  }

  private async find(c: Client, ref: AccountRef): Promise<Found | null> {
    const byUid = `(&(objectClass=inetOrgPerson)(uid=${escapeFilterValue(ref.userName)}))`;
    const byUuid = ref.externalId && /^[0-9a-f-]{36}$/i.test(ref.externalId) ? `(&(objectClass=inetOrgPerson)(entryUUID=${ref.externalId}))` : null;
    for (const filter of byUuid ? [byUid, byUuid] : [byUid]) {
      for (const [base, disabled] of [[this.usersBase, false], [this.disabledBase, true]] as const) {
        const { searchEntries } = await c.search(base, { scope: "one", filter, attributes: USER_ATTRS });
        if (searchEntries.length) return { dn: searchEntries[0].dn, disabled, entry: searchEntries[0] };
      }
    }
    return null;
  }

  private async groupsOf(c: Client, dn: string): Promise<string[]> {
    const { searchEntries } = await c.search(this.groupsBase, {
      scope: "sub",
      filter: `(&(objectClass=groupOfNames)(member=${escapeFilterValue(dn)}))`,
      attributes: ["1.1"],
    });
    return searchEntries.map((e) => e.dn);
  }

  private async addMember(c: Client, groupDn: string, memberDn: string) {
    try {
      await c.modify(groupDn, [new Change({ operation: "add", modification: new Attribute({ type: "member", values: [memberDn] }) })]);
    } catch (e) {
      if ((e as { code?: number }).code !== 20) throw e; // 20 = attributeOrValueExists: already a member
    }
    // Drop the placeholder once a real member is present (ignore if it is not there).
    await c
      .modify(groupDn, [new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [this.placeholderDn] }) })])
      .catch(() => {});
  }

  private async removeMember(c: Client, groupDn: string, memberDn: string) {
    try {
      await c.modify(groupDn, [new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [memberDn] }) })]);
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 16 || code === 32) return; // noSuchAttribute (not a member) / noSuchObject (no group)
      if (code !== 65) throw e; // 65 = objectClassViolation: it was the last member
      await c.modify(groupDn, [new Change({ operation: "replace", modification: new Attribute({ type: "member", values: [this.placeholderDn] }) })]);
    }
  }

  /** Move an entry and rewrite its memberships to the new DN (there is no refint overlay to do it). */
  private async move(c: Client, found: Found, toDisabled: boolean) {
    const uid = first(found.entry.uid) ?? "";
    const newDn = this.userDn(uid, toDisabled);
    const groups = await this.groupsOf(c, found.dn);
    await c.modifyDN(found.dn, newDn);
    for (const g of groups) {
      await this.addMember(c, g, newDn);
      await this.removeMember(c, g, found.dn);
    }
  }

  async testConnection(): Promise<TestResult> {
    const timeout = this.config.timeoutMs ?? 10_000;
    const c = new Client({ url: this.config.url, timeout, connectTimeout: Math.min(timeout, 5000) });
    try {
      await c.bind(this.config.bindDn, this.config.bindPassword);
    } catch (e) {
      await c.unbind().catch(() => {});
      if (e instanceof InvalidCredentialsError) {
        return { ok: false, message: `The LDAP server rejected the bind DN "${this.config.bindDn}" or its password (invalidCredentials).` };
      }
      const err = this.toConnectorError("bind", e);
      return {
        ok: false,
        message: err.retryable ? `Cannot reach the LDAP server at ${this.config.url}. Check the host, port and firewall.` : err.message,
      };
    }
    try {
      const missing: string[] = [];
      for (const base of [this.config.baseDn, this.usersBase, this.groupsBase, this.disabledBase]) {
        try {
          await c.search(base, { scope: "base", attributes: ["1.1"] });
        } catch (e) {
          if ((e as { code?: number }).code === 32) missing.push(base);
          else throw e;
        }
      }
      if (missing.length) return { ok: false, message: `Connected, but these entries do not exist: ${missing.join("; ")}.` };
      return { ok: true, message: `Connected to ${this.config.url} as ${this.config.bindDn}.` };
    } catch (e) {
      return { ok: false, message: this.toConnectorError("search", e).message };
    } finally {
      await c.unbind().catch(() => {});
    }
  }

  async createAccount(spec: AccountSpec): Promise<{ externalId: string; userName: string; linked: boolean }> {
    return this.withClient("createAccount", async (c) => {
      const existing = await this.find(c, { userName: spec.userName });
      if (existing) return { externalId: first(existing.entry.entryUUID) ?? existing.dn, userName: spec.userName, linked: true };
      const disabled = spec.active === false;
      const dn = this.userDn(spec.userName, disabled);
      const attrs: Record<string, string | string[]> = {
        objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"],
        uid: spec.userName,
        cn: spec.displayName || `${spec.givenName} ${spec.familyName}`.trim() || spec.userName,
        sn: spec.familyName || spec.userName,
        userPassword: sshaHash(disabled || !spec.password ? randomBytes(32).toString("base64") : spec.password),
      };
      const opt: [string, string | undefined | null][] = [
        ["givenName", spec.givenName],
        ["displayName", spec.displayName],
        ["mail", spec.email],
        ["employeeNumber", spec.employeeNumber],
        ["title", spec.title],
        ["departmentNumber", spec.department],
      ];
      for (const [k, v] of opt) if (v) attrs[k] = v;
      try {
        await c.add(dn, attrs);
      } catch (e) {
        if ((e as { code?: number }).code !== 68) throw e; // 68 = entryAlreadyExists (a concurrent create): link
        const again = await this.find(c, { userName: spec.userName });
        if (!again) throw e;
        return { externalId: first(again.entry.entryUUID) ?? again.dn, userName: spec.userName, linked: true };
      }
      const created = await this.find(c, { userName: spec.userName });
      return { externalId: first(created?.entry.entryUUID) ?? dn, userName: spec.userName, linked: false };
    });
  }

  async updateAccount(ref: AccountRef, changes: Partial<AccountSpec>): Promise<void> {
    await this.withClient("updateAccount", async (c) => {
      const found = await this.find(c, ref);
      if (!found) throw new ConnectorError(`LDAP: no account uid=${ref.userName}`, false, 32);
      const map: [string, string | undefined | null][] = [
        ["givenName", changes.givenName],
        ["sn", changes.familyName],
        ["displayName", changes.displayName],
        ["cn", changes.displayName],
        ["mail", changes.email],
        ["employeeNumber", changes.employeeNumber],
        ["title", changes.title],
        ["departmentNumber", changes.department],
      ];
      const mods: Change[] = [];
      for (const [type, v] of map) {
        if (v === undefined) continue;
        if (v === null || v === "") {
          if (type === "sn" || type === "cn") continue; // MUST attributes of person
          if (found.entry[type] !== undefined) mods.push(new Change({ operation: "delete", modification: new Attribute({ type, values: [] }) }));
        } else mods.push(new Change({ operation: "replace", modification: new Attribute({ type, values: [v] }) }));
      }
      // A new password only takes effect on an active entry: a disabled one keeps its scrambled secret.
      if (changes.password && !found.disabled) {
        mods.push(new Change({ operation: "replace", modification: new Attribute({ type: "userPassword", values: [sshaHash(changes.password)] }) }));
      }
      if (mods.length) await c.modify(found.dn, mods);
      if (changes.active === false && !found.disabled) await this.disableWith(c, found);
      if (changes.active === true && found.disabled) await this.move(c, found, false);
    });
  }

  private async disableWith(c: Client, found: Found) {
    await c.modify(found.dn, [
      new Change({ operation: "replace", modification: new Attribute({ type: "userPassword", values: [sshaHash(randomBytes(32).toString("base64"))] }) }),
    ]);
    await this.move(c, found, true);
  }

  async disableAccount(ref: AccountRef): Promise<void> {
    await this.withClient("disableAccount", async (c) => {
      const found = await this.find(c, ref);
      if (!found || found.disabled) return;
      await this.disableWith(c, found);
    });
  }

  async enableAccount(ref: AccountRef): Promise<void> {
    await this.withClient("enableAccount", async (c) => {
      const found = await this.find(c, ref);
      if (!found) throw new ConnectorError(`LDAP: no account uid=${ref.userName}`, false, 32);
      if (!found.disabled) return;
      await this.move(c, found, false);
    });
  }

  async deleteAccount(ref: AccountRef): Promise<void> {
    await this.withClient("deleteAccount", async (c) => {
      const found = await this.find(c, ref);
      if (!found) return;
      for (const g of await this.groupsOf(c, found.dn)) await this.removeMember(c, g, found.dn);
      try {
        await c.del(found.dn);
      } catch (e) {
        if ((e as { code?: number }).code !== 32) throw e;
      }
    });
  }

  async grant(ref: AccountRef, entitlementExternalId: string): Promise<void> {
    await this.withClient("grant", async (c) => {
      const found = await this.find(c, ref);
      if (!found) throw new ConnectorError(`LDAP: no account uid=${ref.userName}`, false, 32);
      await this.addMember(c, this.groupDn(entitlementExternalId), found.dn);
    });
  }

  async revoke(ref: AccountRef, entitlementExternalId: string): Promise<void> {
    await this.withClient("revoke", async (c) => {
      const found = await this.find(c, ref);
      if (!found) return;
      await this.removeMember(c, this.groupDn(entitlementExternalId), found.dn);
    });
  }

  async listAccounts(): Promise<TargetAccount[]> {
    return this.withClient("listAccounts", async (c) => {
      const groups = await c.search(this.groupsBase, {
        scope: "sub",
        filter: "(objectClass=groupOfNames)",
        attributes: ["member"],
        paged: { pageSize: 500 },
      });
      const memberOf = new Map<string, string[]>();
      for (const g of groups.searchEntries) {
        for (const m of all(g.member)) {
          const k = normDn(m);
          if (!memberOf.has(k)) memberOf.set(k, []);
          memberOf.get(k)!.push(g.dn);
        }
      }
      const out: TargetAccount[] = [];
      for (const [base, active] of [[this.usersBase, true], [this.disabledBase, false]] as const) {
        const { searchEntries } = await c.search(base, {
          scope: "one",
          filter: "(objectClass=inetOrgPerson)",
          attributes: USER_ATTRS,
          paged: { pageSize: 500 },
        });
        for (const e of searchEntries) {
          const raw: Record<string, unknown> = {};
          for (const k of Object.keys(e)) raw[k] = e[k];
          out.push({
            externalId: first(e.entryUUID) ?? e.dn,
            userName: first(e.uid) ?? "",
            email: first(e.mail),
            displayName: first(e.displayName) ?? first(e.cn),
            active,
            entitlements: [...(memberOf.get(normDn(e.dn)) ?? [])].sort(),
            lastLoginAt: null,
            raw,
          });
        }
      }
      return out;
    });
  }

  async listEntitlements(): Promise<TargetEntitlement[]> {
    return this.withClient("listEntitlements", async (c) => {
      const { searchEntries } = await c.search(this.groupsBase, {
        scope: "sub",
        filter: "(objectClass=groupOfNames)",
        attributes: ["cn", "description"],
        paged: { pageSize: 500 },
      });
      return searchEntries.map((e) => ({ externalId: e.dn, name: first(e.cn) ?? e.dn, kind: "group" as const }));
    });
  }
}
