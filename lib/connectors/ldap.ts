/**
 * LDAP connector (ldapts 8) for OpenLDAP-style directories.
 *
 * Layout (config): accounts are inetOrgPerson entries `uid=<userName>,<usersOu>,<baseDn>` (default ou=people);
 * entitlements are groupOfNames (member) or groupOfUniqueNames (uniqueMember) entries under `<groupsOu>,<baseDn>` (default ou=groups); disabled accounts live
 * under `<disabledOu>,<baseDn>` (default ou=disabled). The OUs are relative to baseDn (one already ending in baseDn
 * is used as it is). Missing ou=… containers are created on the first sync (organizationalUnit); what cannot be
 * created is named in the error. Every LDAP result code is reported in words with the DN it concerned. Attributes written: uid, cn, sn, givenName, displayName,
 * mail, employeeNumber, title, departmentNumber, manager, userPassword ({SSHA}, hashed here so no cleartext is stored).
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
 *   enableAccount (a return from leave, a rehire) moves the entry back, rewrites memberships again and sets a NEW
 *   random password (reported as credential "reset"): the person sets theirs through the directory's reset, like
 *   a joiner. Whether a leaver keeps memberships at all is the application's leaver policy (the planner revokes
 *   them right after the disable by default).
 * LAST LOGIN: listAccounts reads `authTimestamp` (OpenLDAP's lastbind overlay, GeneralizedTime) and
 * `lastLogonTimestamp` (Active Directory, a Windows FILETIME), or only the attribute named by config
 * lastLoginAttribute; the later value wins (lib/domain/usage.ts parses both forms).
 * MANAGER: `manager` holds the manager entry's DN (found in either OU, else the DN it will have under usersOu).
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
import { parseLdapTime } from "@/lib/domain/usage";
import {
  ConnectorError,
  type AccountRef,
  type AccountSpec,
  type Connector,
  type EnableResult,
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
  /** Attribute holding the last sign-in (default: authTimestamp and lastLogonTimestamp, whichever is there). */
  lastLoginAttribute?: string;
};

/** Where directories keep the last sign-in: OpenLDAP's lastbind overlay, Active Directory. */
export const LAST_LOGIN_ATTRIBUTES = ["authTimestamp", "lastLogonTimestamp"];

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

/** LDAP result codes (RFC 4511 §4.1.9) in words: [name, what it means for the entry named]. */
const RESULT_CODES: Record<number, [string, string]> = {
  1: ["operationsError", "the server could not perform the operation"],
  2: ["protocolError", "the server did not understand the request"],
  3: ["timeLimitExceeded", "the server's time limit ran out"],
  4: ["sizeLimitExceeded", "more entries matched than the server will return"],
  7: ["authMethodNotSupported", "the server does not accept this way of signing in"],
  8: ["strongerAuthRequired", "the server requires a stronger sign-in (e.g. TLS: use ldaps://)"],
  11: ["adminLimitExceeded", "an administrative limit of the server was exceeded"],
  12: ["unavailableCriticalExtension", "the server does not support a control the request needs"],
  13: ["confidentialityRequired", "the server requires an encrypted connection (use ldaps://)"],
  16: ["noSuchAttribute", "the entry does not have that attribute or value"],
  17: ["undefinedAttributeType", "the server's schema has no such attribute"],
  18: ["inappropriateMatching", "the attribute cannot be compared that way"],
  19: ["constraintViolation", "a value breaks a constraint of the server (e.g. a password policy)"],
  20: ["attributeOrValueExists", "the value is already there"],
  21: ["invalidAttributeSyntax", "a value has the wrong syntax for its attribute"],
  32: ["noSuchObject", "the entry does not exist"],
  33: ["aliasProblem", "an alias points nowhere"],
  34: ["invalidDNSyntax", "the DN is not well formed"],
  36: ["aliasDereferencingProblem", "an alias could not be followed"],
  48: ["inappropriateAuthentication", "this sign-in is not allowed (e.g. an anonymous or empty-password bind)"],
  49: ["invalidCredentials", "the bind DN or password was rejected"],
  50: ["insufficientAccessRights", "the bind DN is not allowed to do this"],
  51: ["busy", "the server is busy"],
  52: ["unavailable", "the server is unavailable"],
  53: ["unwillingToPerform", "the server refuses to do this"],
  54: ["loopDetect", "the server detected a referral or alias loop"],
  64: ["namingViolation", "the DN does not fit the server's naming rules"],
  65: ["objectClassViolation", "the entry would break its object class (a missing required attribute, or removing the last member of a group)"],
  66: ["notAllowedOnNonLeaf", "the entry still has entries below it"],
  67: ["notAllowedOnRDN", "the attribute of the entry's own name cannot be changed this way"],
  68: ["entryAlreadyExists", "an entry with this DN already exists"],
  69: ["objectClassModsProhibited", "the entry's object classes cannot be changed"],
  71: ["affectsMultipleDSAs", "the change would span several servers"],
  80: ["other", "the server reported an unspecified error"],
};

/** An LDAP result code in words, naming the entry: `noSuchObject (result code 32): the entry "ou=x,dc=y" does not exist`. */
export function describeLdapCode(code: number, dn: string | null): string {
  const [name, words] = RESULT_CODES[code] ?? ["unknown", "the server answered with an unknown result code"];
  const where = dn ? ` for "${dn}"` : "";
  if (code === 32 && dn) return `the entry "${dn}" does not exist (noSuchObject, result code 32)`;
  if (code === 68 && dn) return `an entry "${dn}" already exists (entryAlreadyExists, result code 68)`;
  return `${words}${where} (${name}, result code ${code})`;
}

/** The configured OU below baseDn; an OU already ending in baseDn is taken as it is (a common mistake). */
export function underBase(ou: string, baseDn: string): string {
  const o = normDn(ou);
  const b = normDn(baseDn);
  return o === b || o.endsWith("," + b) ? ou : `${ou},${baseDn}`;
}
const NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
const USER_ATTRS = ["uid", "cn", "sn", "givenName", "displayName", "mail", "employeeNumber", "title", "departmentNumber", "manager", "entryUUID"];

/** The groups an account can hold: groupOfNames (member) and groupOfUniqueNames (uniqueMember). */
const GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";

type Found = { dn: string; disabled: boolean; entry: Entry };

const DN_METHODS = new Set(["search", "add", "modify", "del", "modifyDN", "compare"]);
/** The client, with every error of a DN-taking call carrying that DN (`err.dn`), so messages can name the entry. */
function tagDns(c: Client): Client {
  return new Proxy(c, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown;
      if (typeof v !== "function") return v;
      const fn = (v as (...a: unknown[]) => unknown).bind(target);
      if (!DN_METHODS.has(String(prop))) return fn;
      return async (dn: string, ...rest: unknown[]) => {
        try {
          return await fn(dn, ...rest);
        } catch (e) {
          if (e && typeof e === "object" && !("dn" in e)) (e as { dn?: string }).dn = String(dn);
          throw e;
        }
      };
    },
  });
}

const first = (v: unknown): string | null => {
  if (v == null) return null;
  const x = Array.isArray(v) ? v[0] : v;
  return x == null ? null : Buffer.isBuffer(x) ? x.toString("utf8") : String(x);
};
const all = (v: unknown): string[] => (v == null ? [] : (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x))));

/** The latest parsable value among the login attributes of an entry (attribute names are case-insensitive). */
function lastLoginOf(e: Entry, attrs: string[]): { at: Date; attribute: string } | null {
  let best: { at: Date; attribute: string } | null = null;
  const keys = Object.keys(e);
  for (const a of attrs) {
    const k = keys.find((x) => x.toLowerCase() === a.toLowerCase());
    const at = k ? parseLdapTime(first(e[k])) : null;
    if (at && (!best || at > best.at)) best = { at, attribute: a };
  }
  return best;
}

export class LdapConnector implements Connector {
  readonly kind = "ldap";
  readonly usersBase: string;
  readonly groupsBase: string;
  readonly disabledBase: string;
  readonly placeholderDn: string;

  /** Whether this instance has made sure the three OUs exist (once per connector instance, i.e. per config). */
  private ousReady = false;

  constructor(private readonly config: LdapConfig) {
    this.usersBase = underBase(config.usersOu ?? "ou=people", config.baseDn);
    this.groupsBase = underBase(config.groupsOu ?? "ou=groups", config.baseDn);
    this.disabledBase = underBase(config.disabledOu ?? "ou=disabled", config.baseDn);
    this.placeholderDn = config.placeholderDn ?? `cn=gatehouse-placeholder,${config.baseDn}`;
  }

  private async withClient<T>(what: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const timeout = this.config.timeoutMs ?? 10_000;
    const c = new Client({ url: this.config.url, timeout, connectTimeout: timeout });
    try {
      await c.bind(this.config.bindDn, this.config.bindPassword);
      const tagged = tagDns(c);
      if (!this.ousReady) {
        await this.ensureOus(tagged);
        this.ousReady = true;
      }
      return await fn(tagged);
    } catch (e) {
      throw this.toConnectorError(what, e);
    } finally {
      await c.unbind().catch(() => {});
    }
  }

  /**
   * First sync: the users, groups and disabled OUs are created when missing (organizationalUnit entries directly
   * below an existing base DN). What cannot be created is named in the error.
   */
  private async ensureOus(c: Client): Promise<string[]> {
    const created: string[] = [];
    for (const dn of [this.usersBase, this.groupsBase, this.disabledBase]) {
      try {
        await c.search(dn, { scope: "base", attributes: ["1.1"] });
        continue;
      } catch (e) {
        if ((e as { code?: number }).code !== 32) throw e;
      }
      const m = /^\s*ou\s*=\s*((?:[^,\\]|\\.)+?)\s*,/i.exec(dn);
      if (!m) {
        throw new ConnectorError(`LDAP: the container "${dn}" does not exist and is not an ou=… entry Gatehouse can create; create it, or point the setting at an existing one`, false, 32);
      }
      try {
        await c.add(dn, { objectClass: ["top", "organizationalUnit"], ou: m[1].replace(/\\([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))) });
        created.push(dn);
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 68) continue; // created meanwhile by another worker
        const why = typeof code === "number" ? describeLdapCode(code, code === 32 ? this.config.baseDn : dn) : e instanceof Error ? e.message : String(e);
        throw new ConnectorError(`LDAP: "${dn}" does not exist and could not be created: ${why}. Create it, or check baseDn and usersOu/groupsOu/disabledOu (relative to baseDn, e.g. ou=people)`, false, code);
      }
    }
    return created;
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
      const dn = typeof (e as { dn?: unknown }).dn === "string" ? (e as { dn: string }).dn : null;
      const hint = code === 32 ? "; check baseDn, and that usersOu/groupsOu/disabledOu are relative to baseDn (e.g. ou=people)" : "";
      return new ConnectorError(`LDAP ${what}: ${this.redact(describeLdapCode(code, dn))}${hint}`, RETRYABLE_CODES.has(code), code);
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

  /** The manager's DN: their entry where it is (active or disabled), else where it will be created. */
  private async managerDn(c: Client, userName: string): Promise<string> {
    const found = await this.find(c, { userName });
    return found ? found.dn : this.userDn(userName);
  }

  private async groupsOf(c: Client, dn: string): Promise<string[]> {
    const v = escapeFilterValue(dn);
    const { searchEntries } = await c.search(this.groupsBase, {
      scope: "sub",
      filter: `(|(&(objectClass=groupOfNames)(member=${v}))(&(objectClass=groupOfUniqueNames)(uniqueMember=${v})))`,
      attributes: ["1.1"],
    });
    return searchEntries.map((e) => e.dn);
  }

  /** groupOfNames lists members in `member`, groupOfUniqueNames in `uniqueMember`; a missing group counts as the former. */
  private async memberAttr(c: Client, groupDn: string): Promise<"member" | "uniqueMember"> {
    try {
      const { searchEntries } = await c.search(groupDn, { scope: "base", filter: "(objectClass=*)", attributes: ["objectClass"] });
      return all(searchEntries[0]?.objectClass).some((o) => o.toLowerCase() === "groupofuniquenames") ? "uniqueMember" : "member";
    } catch {
      return "member";
    }
  }

  private async addMember(c: Client, groupDn: string, memberDn: string) {
    const type = await this.memberAttr(c, groupDn);
    try {
      await c.modify(groupDn, [new Change({ operation: "add", modification: new Attribute({ type, values: [memberDn] }) })]);
    } catch (e) {
      if ((e as { code?: number }).code !== 20) throw e; // 20 = attributeOrValueExists: already a member
    }
    // Drop the placeholder once a real member is present (ignore if it is not there).
    await c
      .modify(groupDn, [new Change({ operation: "delete", modification: new Attribute({ type, values: [this.placeholderDn] }) })])
      .catch(() => {});
  }

  private async removeMember(c: Client, groupDn: string, memberDn: string) {
    const type = await this.memberAttr(c, groupDn);
    try {
      await c.modify(groupDn, [new Change({ operation: "delete", modification: new Attribute({ type, values: [memberDn] }) })]);
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 16 || code === 32) return; // noSuchAttribute (not a member) / noSuchObject (no group)
      if (code !== 65) throw e; // 65 = objectClassViolation: it was the last member
      await c.modify(groupDn, [new Change({ operation: "replace", modification: new Attribute({ type, values: [this.placeholderDn] }) })]);
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
      if (missing.includes(this.config.baseDn)) return { ok: false, message: `Connected, but the base DN "${this.config.baseDn}" does not exist (noSuchObject). Check baseDn.` };
      const notOu = missing.filter((dn) => !/^\s*ou\s*=/i.test(dn));
      if (notOu.length) return { ok: false, message: `Connected, but these containers do not exist and are not ou=… entries Gatehouse can create: ${notOu.join("; ")}.` };
      if (missing.length) {
        return { ok: true, message: `Connected to ${this.config.url} as ${this.config.bindDn}. Not there yet, created on the first sync: ${missing.join("; ")}.` };
      }
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
      if (spec.manager) attrs.manager = await this.managerDn(c, spec.manager);
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
      if (changes.manager !== undefined) {
        if (changes.manager) mods.push(new Change({ operation: "replace", modification: new Attribute({ type: "manager", values: [await this.managerDn(c, changes.manager)] }) }));
        else if (all(found.entry.manager).length > 0) mods.push(new Change({ operation: "delete", modification: new Attribute({ type: "manager", values: [] }) }));
      }
      // A new password only takes effect on an active entry: a disabled one keeps its scrambled secret.
      if (changes.password && !found.disabled) {
        mods.push(new Change({ operation: "replace", modification: new Attribute({ type: "userPassword", values: [sshaHash(changes.password)] }) }));
      }
      if (mods.length) await c.modify(found.dn, mods);
      if (changes.active === false && !found.disabled) await this.disableWith(c, found);
      if (changes.active === true && found.disabled) await this.enableWith(c, found);
    });
  }

  /**
   * Back from ou=disabled with a NEW random password: the secret scrambled at disable time is replaced, so nobody
   * (not the previous holder, not an earlier copy of the entry) knows the password of the re-enabled account. The
   * person sets their own through the directory's password reset, as a joiner does.
   */
  private async enableWith(c: Client, found: Found) {
    await c.modify(found.dn, [
      new Change({ operation: "replace", modification: new Attribute({ type: "userPassword", values: [sshaHash(randomBytes(32).toString("base64"))] }) }),
    ]);
    await this.move(c, found, false);
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

  async enableAccount(ref: AccountRef): Promise<EnableResult> {
    return this.withClient("enableAccount", async (c) => {
      const found = await this.find(c, ref);
      if (!found) throw new ConnectorError(`LDAP: no account uid=${ref.userName}`, false, 32);
      if (!found.disabled) return { credential: "unchanged" as const };
      await this.enableWith(c, found);
      return { credential: "reset" as const };
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
        filter: GROUP_FILTER,
        attributes: ["member", "uniqueMember"],
        paged: { pageSize: 500 },
      });
      const memberOf = new Map<string, string[]>();
      for (const g of groups.searchEntries) {
        // uniqueMember values may carry an optional "#'0101'B" unique identifier after the DN (RFC 4519).
        for (const m of [...all(g.member), ...all(g.uniqueMember).map((u) => u.replace(/#'[01]*'B$/, ""))]) {
          const k = normDn(m);
          if (!memberOf.has(k)) memberOf.set(k, []);
          memberOf.get(k)!.push(g.dn);
        }
      }
      const out: TargetAccount[] = [];
      const loginAttrs = this.config.lastLoginAttribute ? [this.config.lastLoginAttribute] : LAST_LOGIN_ATTRIBUTES;
      for (const [base, active] of [[this.usersBase, true], [this.disabledBase, false]] as const) {
        const { searchEntries } = await c.search(base, {
          scope: "one",
          filter: "(objectClass=inetOrgPerson)",
          // Operational attributes (authTimestamp) are only returned when asked for by name.
          attributes: [...USER_ATTRS, ...loginAttrs],
          paged: { pageSize: 500 },
        });
        for (const e of searchEntries) {
          const raw: Record<string, unknown> = {};
          for (const k of Object.keys(e)) raw[k] = e[k];
          const login = lastLoginOf(e, loginAttrs);
          out.push({
            externalId: first(e.entryUUID) ?? e.dn,
            userName: first(e.uid) ?? "",
            email: first(e.mail),
            displayName: first(e.displayName) ?? first(e.cn),
            active,
            entitlements: [...(memberOf.get(normDn(e.dn)) ?? [])].sort(),
            lastLoginAt: login ? login.at.toISOString() : null,
            lastLoginSource: login ? `ldap:${login.attribute}` : null,
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
        filter: GROUP_FILTER,
        attributes: ["cn", "description"],
        paged: { pageSize: 500 },
      });
      return searchEntries.map((e) => ({ externalId: e.dn, name: first(e.cn) ?? e.dn, kind: "group" as const, description: first(e.description) }));
    });
  }
}
