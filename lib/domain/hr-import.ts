/**
 * HR snapshot files → validated person records, with one error per bad row.
 *
 * Input: CSV text. Header names are matched case- and punctuation-insensitively against the
 * alias table below (Gatehouse's own names, Workday-style and BambooHR-style exports); any
 * other column becomes an extra attribute. Output: records keyed by employee id and errors
 * naming row (file line) and column. A file with errors changes nothing unless the caller
 * chooses to apply only the valid rows. O(rows × columns).
 */
import { isSafeText, UNSAFE_TEXT_MESSAGE } from "./strict-input";
import { CsvError, parseCsvRecords } from "./csv";

export type HrRecord = {
  line: number;
  employeeId: string;
  givenName: string;
  familyName: string;
  email: string;
  department: string;
  title: string;
  level: number;
  location: string;
  managerEmployeeId: string | null;
  employmentType: "employee" | "contractor" | "intern";
  status: "pre_hire" | "active" | "on_leave" | "terminated";
  startDate: string | null;
  endDate: string | null;
  costCenter: string | null;
  attributes: Record<string, string>;
  /** When HR's statement is true (ISO-8601 UTC): an `as_of` column or the event's time. Absent: the caller's as-of. */
  effectiveAt?: string | null;
  /** False when HR left the status empty (it then defaults to active): such a row cannot rehire a leaver. */
  statusGiven?: boolean;
};

export type RowError = { line: number; column?: string; message: string };

type Field = keyof Omit<HrRecord, "line" | "attributes" | "statusGiven">;

/** Documented alias table (README): canonical field → accepted header names. */
export const HEADER_ALIASES: Record<Field, string[]> = {
  employeeId: ["employee_id", "employee id", "employeeid", "employee number", "employee #", "employee no", "worker id", "eid", "id"],
  givenName: ["given_name", "first_name", "first name", "legal first name", "preferred first name", "given name", "firstname"],
  familyName: ["family_name", "last_name", "last name", "legal last name", "surname", "family name", "lastname"],
  email: ["email", "work email", "work_email", "email address", "primary work email"],
  department: ["department", "dept", "supervisory organization", "organization", "division"],
  title: ["title", "job_title", "job title", "business title", "position", "job profile"],
  level: ["level", "job level", "grade", "management level", "job_level"],
  location: ["location", "work location", "office", "site"],
  managerEmployeeId: ["manager_employee_id", "manager_id", "manager id", "manager employee id", "supervisor eid", "supervisor id", "reports to id", "manager"],
  employmentType: ["employment_type", "employment type", "worker type", "employee type", "employment status", "worker_type"],
  status: ["status", "worker status", "employee status", "active status", "employment state"],
  startDate: ["start_date", "start date", "hire date", "original hire date", "hire_date"],
  endDate: ["end_date", "end date", "termination date", "contract end date", "term date", "termination_date"],
  costCenter: ["cost_center", "cost center", "cost centre", "cost_centre"],
  effectiveAt: ["as_of", "as of", "asof", "effective_at", "effective at", "effective date", "effective_date", "as of date", "snapshot time", "export time"],
};

/**
 * Attribute names that belong to Gatehouse, not to HR: no HR source (CSV column, webhook `attributes`) may write
 * them. Compared case- and punctuation-insensitively, so "Approval Delegate Id" is refused as well. The SCIM
 * mapping's own keys are reserved for the inbound SCIM source only (see reservedAttributesIn).
 */
export const RESERVED_ATTRIBUTES = ["approvalDelegateId", "approvalDelegateUntil", "demoPersona", "lastHrEffectiveAt"] as const;
export const SCIM_OWNED_ATTRIBUTES = ["scimExternalId", "scimUserName", "scimDisplayName", "scimUserType", "scimExtra", "scimDeleted"] as const;

const reservedSquashed = new Set<string>(RESERVED_ATTRIBUTES.map((a) => a.toLowerCase()));
const scimSquashed = new Set<string>(SCIM_OWNED_ATTRIBUTES.map((a) => a.toLowerCase()));

/** The attribute names in `names` that this HR source may not write. */
export function reservedAttributesIn(names: Iterable<string>, source: "csv" | "webhook" | "scim" | "admin"): string[] {
  const out: string[] = [];
  for (const n of names) {
    const k = n.toLowerCase().replace(/[^a-z0-9]+/g, "");
    if (reservedSquashed.has(k) || (source !== "scim" && scimSquashed.has(k))) out.push(n);
  }
  return out;
}

/**
 * An as-of time: an ISO date (the start of that day, UTC) or date-time (UTC unless it carries an offset).
 * Returns the ISO-8601 UTC string, null for empty, undefined when unreadable.
 */
export function parseAsOf(v: string): string | null | undefined {
  const s = v.trim();
  if (!s) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  if (parseDate(m[1]) !== m[1]) return undefined;
  const zone = m[3] ? (m[3] === "Z" ? "Z" : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3]) : "Z";
  const t = Date.parse(`${m[1]}T${m[2] ?? "00:00:00"}${zone}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9#]+/g, "");
const aliasIndex = new Map<string, Field>();
for (const [field, names] of Object.entries(HEADER_ALIASES) as Array<[Field, string[]]>) for (const n of names) aliasIndex.set(squash(n), field);

const REQUIRED: Field[] = ["employeeId", "givenName", "familyName", "email", "department", "title"];

function employmentType(v: string): HrRecord["employmentType"] | null {
  const s = v.toLowerCase();
  if (!s || /^(employee|full[- ]?time|part[- ]?time|regular|permanent|fte)$/.test(s)) return "employee";
  if (/contract|contingent|consultant|vendor|temp/.test(s)) return "contractor";
  if (/intern|trainee|apprentice|working student/.test(s)) return "intern";
  return null;
}

function status(v: string): HrRecord["status"] | null {
  const s = v.toLowerCase().replace(/[^a-z]/g, "");
  if (!s || s === "active" || s === "a") return "active";
  if (["terminated", "inactive", "t", "termed", "separated", "left"].includes(s)) return "terminated";
  if (["onleave", "leave", "leaveofabsence", "loa"].includes(s)) return "on_leave";
  if (["prehire", "pending", "prestart", "hired"].includes(s)) return "pre_hire";
  return null;
}

/** ISO dates and the US / European slash forms HR tools export (MM/DD/YYYY when ambiguous). */
export function parseDate(v: string): string | null | undefined {
  if (!v) return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(v);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v))) {
    const a = Number(m[1]), b = Number(m[2]);
    [mo, d] = a > 12 ? [b, a] : [a, b];
    y = Number(m[3]);
  } else return undefined;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

export function mapHeader(header: string[]): { fields: Array<Field | null>; missing: Field[] } {
  const fields = header.map((h) => aliasIndex.get(squash(h)) ?? null);
  const seen = new Set(fields.filter(Boolean));
  return { fields, missing: REQUIRED.filter((f) => !seen.has(f)) };
}

export function parseHrCsv(text: string): { records: HrRecord[]; errors: RowError[]; header: string[] } {
  let recs;
  try {
    recs = parseCsvRecords(text);
  } catch (e) {
    if (e instanceof CsvError) return { records: [], errors: [{ line: e.line, message: e.message }], header: [] };
    throw e;
  }
  if (recs.length === 0) return { records: [], errors: [{ line: 1, message: "The file is empty." }], header: [] };
  const header = recs[0].fields.map((h) => h.trim());
  if (!header.every(isSafeText)) return { records: [], errors: [{ line: 1, message: `The header ${UNSAFE_TEXT_MESSAGE}.` }], header: [] };
  const { fields, missing } = mapHeader(header);
  if (missing.length) {
    return { records: [], errors: [{ line: 1, message: `Missing required column(s): ${missing.join(", ")}. See the README for accepted header names.` }], header };
  }
  const reserved = reservedAttributesIn(header.filter((h, j) => h && !fields[j]), "csv");
  if (reserved.length) {
    return {
      records: [],
      errors: [{ line: 1, column: reserved[0], message: `Column(s) ${reserved.map((c) => `"${c}"`).join(", ")} name Gatehouse's own fields; HR data cannot set them. Remove the column(s).` }],
      header,
    };
  }
  const records: HrRecord[] = [];
  const errors: RowError[] = [];
  const seenIds = new Map<string, number>();
  const seenEmails = new Map<string, number>();
  for (const r of recs.slice(1)) {
    const get = (f: Field) => {
      const j = fields.indexOf(f);
      return j < 0 ? "" : (r.fields[j] ?? "").trim();
    };
    const colName = (f: Field) => header[fields.indexOf(f)] ?? f;
    const rowErrors: RowError[] = [];
    if (r.fields.length > header.length) rowErrors.push({ line: r.line, message: `has ${r.fields.length} fields, the header has ${header.length}` });
    r.fields.forEach((v, j) => {
      if (!isSafeText(v)) rowErrors.push({ line: r.line, column: header[j] ?? `column ${j + 1}`, message: UNSAFE_TEXT_MESSAGE });
    });
    for (const f of REQUIRED) if (!get(f)) rowErrors.push({ line: r.line, column: colName(f), message: "is required" });
    const email = get("email");
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) rowErrors.push({ line: r.line, column: colName("email"), message: `"${email}" is not an email address` });
    const levelRaw = get("level");
    const levelMatch = /^(?:[A-Za-z]+\s*)?(\d{1,2})$/.exec(levelRaw);
    const level = levelRaw ? (levelMatch ? Number(levelMatch[1]) : NaN) : 1;
    if (!Number.isInteger(level) || level > 20) rowErrors.push({ line: r.line, column: colName("level"), message: `"${levelRaw}" is not a level (a whole number, e.g. 3 or L3)` });
    const et = employmentType(get("employmentType"));
    if (!et) rowErrors.push({ line: r.line, column: colName("employmentType"), message: `"${get("employmentType")}" is not employee, contractor or intern` });
    const st = status(get("status"));
    if (!st) rowErrors.push({ line: r.line, column: colName("status"), message: `"${get("status")}" is not active, pre-hire, on leave or terminated` });
    const start = parseDate(get("startDate"));
    if (start === undefined) rowErrors.push({ line: r.line, column: colName("startDate"), message: `"${get("startDate")}" is not a date (YYYY-MM-DD)` });
    const end = parseDate(get("endDate"));
    if (end === undefined) rowErrors.push({ line: r.line, column: colName("endDate"), message: `"${get("endDate")}" is not a date (YYYY-MM-DD)` });
    const asOf = parseAsOf(get("effectiveAt"));
    if (asOf === undefined) rowErrors.push({ line: r.line, column: colName("effectiveAt"), message: `"${get("effectiveAt")}" is not an as-of time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])` });
    if (start && end && end < start) rowErrors.push({ line: r.line, column: colName("endDate"), message: "is before the start date" });
    const id = get("employeeId");
    if (id && seenIds.has(id)) rowErrors.push({ line: r.line, column: colName("employeeId"), message: `"${id}" also appears on line ${seenIds.get(id)}` });
    if (email && seenEmails.has(email.toLowerCase())) rowErrors.push({ line: r.line, column: colName("email"), message: `"${email}" also appears on line ${seenEmails.get(email.toLowerCase())}` });
    if (rowErrors.length) {
      errors.push(...rowErrors);
      continue;
    }
    seenIds.set(id, r.line);
    seenEmails.set(email.toLowerCase(), r.line);
    const attributes: Record<string, string> = {};
    header.forEach((h, j) => {
      if (!fields[j] && h && (r.fields[j] ?? "").trim()) attributes[h] = r.fields[j].trim();
    });
    records.push({
      line: r.line, employeeId: id, givenName: get("givenName"), familyName: get("familyName"), email, department: get("department"),
      title: get("title"), level, location: get("location") || "Unknown", managerEmployeeId: get("managerEmployeeId") || null,
      employmentType: et!, status: st!, startDate: start ?? null, endDate: end ?? null, costCenter: get("costCenter") || null, attributes,
      effectiveAt: asOf ?? null, statusGiven: get("status") !== "",
    });
  }
  // A manager must exist in the file or already in Gatehouse: the caller checks the latter.
  return { records, errors, header };
}
