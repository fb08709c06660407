/**
 * Usage: when an account last signed in to its system, read from wherever the system keeps it.
 *
 *  - LDAP: OpenLDAP's lastbind overlay keeps `authTimestamp` (GeneralizedTime, RFC 4517 §3.3.13, e.g.
 *    "20261207151900Z"); Active Directory keeps `lastLogonTimestamp` (a Windows FILETIME: 100-nanosecond intervals
 *    since 1601-01-01T00:00:00Z, as a decimal string; 0 and 2^63-1 mean "never"). `parseLdapTime` reads either.
 *  - SCIM: no standard attribute; each application puts it somewhere else, so the system's config names an attribute
 *    path (RFC 7644 §3.10: `[schema URN ":"] attribute ["." sub-attribute]`, e.g.
 *    `urn:ietf:params:scim:schemas:extension:acme:2.0:User:lastLogin` or `meta.lastLogin`). `parseScimAttributePath`
 *    validates it; `readScimAttribute` reads it from a resource (attribute names are case-insensitive, §2.1).
 *  - A usage file per application: CSV `account, last_used` (`parseUsageCsv`), one row per account.
 *
 * Pure; O(input). Dates in the future (beyond a small clock-skew allowance) are refused: a system cannot have seen a
 * sign-in that has not happened yet, and a wrong date would hide dormant access.
 */
import { CsvError, parseCsvRecords } from "./csv";
import { isSafeText, parseDateOrDateTime } from "./strict-input";

/** Seconds between 1601-01-01 and 1970-01-01 (the FILETIME and Unix epochs). */
const EPOCH_DIFF_MS = 11_644_473_600_000n;
const FILETIME_NEVER = 9_223_372_036_854_775_807n;

/** A Windows FILETIME (AD `lastLogonTimestamp`, `lastLogon`, `pwdLastSet`) as a Date; null for 0/"never" or garbage. */
export function fileTimeToDate(value: string | number | bigint): Date | null {
  let ft: bigint;
  try {
    ft = typeof value === "bigint" ? value : BigInt(typeof value === "number" ? Math.trunc(value) : value.trim());
  } catch {
    return null;
  }
  if (ft <= 0n || ft >= FILETIME_NEVER) return null;
  const ms = ft / 10_000n - EPOCH_DIFF_MS;
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The FILETIME of a Date (the inverse of fileTimeToDate, to millisecond precision). */
export function dateToFileTime(d: Date): bigint {
  return (BigInt(d.getTime()) + EPOCH_DIFF_MS) * 10_000n;
}

const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/;

/** RFC 4517 GeneralizedTime ("20261207151900Z", "202612071519.5+0100") as a Date, or null. */
export function parseGeneralizedTime(s: string): Date | null {
  const m = GENERALIZED.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h] = [1, 2, 3, 4].map((i) => Number(m[i]));
  const mi = m[5] !== undefined ? Number(m[5]) : null;
  const sec = m[6] !== undefined ? Number(m[6]) : null;
  if (sec !== null && mi === null) return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || (mi ?? 0) > 59 || (sec ?? 0) > 60) return null;
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  // The fraction is of the last unit given (hour, minute or second).
  const frac = m[7] ? Number(`0.${m[7]}`) : 0;
  const unitMs = sec !== null ? 1000 : mi !== null ? 60_000 : 3_600_000;
  let t = Date.UTC(y, mo - 1, d, h, mi ?? 0, Math.min(sec ?? 0, 59)) + Math.floor(frac * unitMs);
  if (m[8] !== "Z") {
    const sign = m[8][0] === "-" ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = m[8].length > 3 ? Number(m[8].slice(3, 5)) : 0;
    if (oh > 23 || om > 59) return null;
    t -= sign * (oh * 60 + om) * 60_000;
  }
  return new Date(t);
}

/** An LDAP last-login value: GeneralizedTime (OpenLDAP authTimestamp) or a FILETIME (AD lastLogonTimestamp). */
export function parseLdapTime(value: string | null | undefined): Date | null {
  if (value == null) return null;
  const s = value.trim();
  if (/^\d{1,19}$/.test(s)) return fileTimeToDate(s);
  return parseGeneralizedTime(s);
}

// ------------------------------------------------------------------ SCIM attribute paths

export type ScimAttributePath = { schema: string | null; attribute: string; subAttribute: string | null };

const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_$-]*$/;

/**
 * Validate an attribute path (RFC 7644 §3.10): `[URN ":"] attrName ["." subAttr]`. The URN is everything before
 * the last ":" when the path starts with "urn:" (schema URNs contain dots, e.g. "2.0", so split on ":" first).
 * Returns the parts, or a message saying what is wrong.
 */
export function parseScimAttributePath(path: string): ScimAttributePath | { error: string } {
  const p = path.trim();
  if (!p) return { error: "the attribute path is empty" };
  if (p.length > 300) return { error: "the attribute path is longer than 300 characters" };
  let schema: string | null = null;
  let rest = p;
  if (/^urn:/i.test(p)) {
    const i = p.lastIndexOf(":");
    schema = p.slice(0, i);
    rest = p.slice(i + 1);
    if (!/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}(:[A-Za-z0-9()+,\-.=@;$_!*'%]+)+$/i.test(schema))
      return { error: `"${schema}" is not a schema URN such as urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` };
  } else if (p.includes(":")) return { error: 'only a schema URN (starting with "urn:") may contain ":"' };
  const parts = rest.split(".");
  if (parts.length > 2) return { error: `"${rest}" has more than one sub-attribute (SCIM allows attribute.subAttribute)` };
  for (const part of parts) if (!ATTR_NAME.test(part)) return { error: `"${part}" is not an attribute name (a letter, then letters, digits, _, $ or -)` };
  return { schema, attribute: parts[0]!, subAttribute: parts[1] ?? null };
}

const getCi = (o: unknown, key: string): unknown => {
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const rec = o as Record<string, unknown>;
  if (key in rec) return rec[key];
  const lk = key.toLowerCase();
  for (const k of Object.keys(rec)) if (k.toLowerCase() === lk) return rec[k];
  return undefined;
};

/** The value at an attribute path in a SCIM resource (undefined when absent). */
export function readScimAttribute(resource: Record<string, unknown>, path: ScimAttributePath): unknown {
  const holder = path.schema ? getCi(resource, path.schema) : resource;
  const v = getCi(holder, path.attribute);
  return path.subAttribute ? getCi(v, path.subAttribute) : v;
}

/**
 * A SCIM dateTime (xsd:dateTime, RFC 7643 §2.3.5) as a Date. Also tolerated, as real applications send them: a date
 * alone, and a number of seconds (or, above 10^11, milliseconds) since 1970.
 */
export function parseScimDateTime(v: unknown): Date | null {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return new Date(v > 1e11 ? v : v * 1000);
  if (typeof v !== "string") return null;
  return parseDateOrDateTime(v.trim());
}

// ------------------------------------------------------------------ usage file (CSV)

export type UsageRow = { line: number; account: string; lastUsed: Date };
export type UsageRowError = { line: number; column?: string; message: string };

const HEADER_ALIASES: Record<"account" | "lastUsed", string[]> = {
  account: ["account", "username", "user", "user name", "login", "account name", "userName", "uid"],
  lastUsed: ["last_used", "last used", "last_login", "last login", "lastLogin", "last_used_at", "last sign-in", "last_sign_in", "last seen", "last_seen"],
};
const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

/** Clock skew allowed between the system that wrote the file and Gatehouse. */
const FUTURE_SLACK_MS = 24 * 3_600_000;

/**
 * Parse a usage file: a header naming the account and last-used columns (aliases above; other columns are ignored),
 * then one row per account. Dates are YYYY-MM-DD (read as midnight UTC) or ISO date-times. Every problem is reported
 * with its row: an empty account, a missing or unreadable date, a date after `now`, an account listed twice.
 */
export function parseUsageCsv(text: string, now: Date): { rows: UsageRow[]; errors: UsageRowError[] } {
  let recs;
  try {
    recs = parseCsvRecords(text);
  } catch (e) {
    if (e instanceof CsvError) return { rows: [], errors: [{ line: e.line, message: e.message }] };
    throw e;
  }
  if (recs.length === 0) return { rows: [], errors: [{ line: 1, message: "the file is empty: expected a header line `account,last_used` and one row per account" }] };
  const header = recs[0]!.fields.map((h) => h.trim());
  const find = (names: string[]) => header.findIndex((h) => names.some((n) => squash(n) === squash(h)));
  const iAcc = find(HEADER_ALIASES.account);
  const iUsed = find(HEADER_ALIASES.lastUsed);
  const missing = [iAcc < 0 ? "account" : null, iUsed < 0 ? "last_used" : null].filter(Boolean);
  if (missing.length)
    return { rows: [], errors: [{ line: recs[0]!.line, message: `the header has no ${missing.join(" and no ")} column (found: ${header.join(", ") || "nothing"}); expected \`account,last_used\`` }] };
  const rows: UsageRow[] = [];
  const errors: UsageRowError[] = [];
  const firstLine = new Map<string, number>();
  for (const r of recs.slice(1)) {
    if (r.fields.every((f) => f.trim() === "")) continue;
    const account = (r.fields[iAcc] ?? "").trim();
    const used = (r.fields[iUsed] ?? "").trim();
    const accCol = header[iAcc]!;
    const usedCol = header[iUsed]!;
    if (!account) {
      errors.push({ line: r.line, column: accCol, message: "the account is empty" });
      continue;
    }
    if (!isSafeText(account) || account.length > 256) {
      errors.push({ line: r.line, column: accCol, message: "the account is not a readable name of at most 256 characters" });
      continue;
    }
    const prev = firstLine.get(account.toLowerCase());
    if (prev !== undefined) {
      errors.push({ line: r.line, column: accCol, message: `account "${account}" is already on row ${prev}` });
      continue;
    }
    firstLine.set(account.toLowerCase(), r.line);
    if (!used) {
      errors.push({ line: r.line, column: usedCol, message: `no date for "${account}" (leave out accounts without a recorded use)` });
      continue;
    }
    const d = parseDateOrDateTime(used);
    if (!d) {
      errors.push({ line: r.line, column: usedCol, message: `"${used}" is not a date (YYYY-MM-DD or an ISO date-time such as 2026-03-01T10:00:00Z)` });
      continue;
    }
    if (d.getTime() > now.getTime() + FUTURE_SLACK_MS) {
      errors.push({ line: r.line, column: usedCol, message: `"${used}" is in the future` });
      continue;
    }
    rows.push({ line: r.line, account, lastUsed: d });
  }
  return { rows, errors };
}
