/**
 * Access report from a CSV export (pure: text in, report object out).
 *
 * Inputs:  CSV text, in either of two formats (auto-detected from the header, names case-insensitive):
 *          - wide: Employee_Name, Department, Job_Title, then one column per application with
 *            yes/no/true/false/1/0/y/n (empty = no);
 *          - long: employee, application, entitlement[, level, last_used] (optionally department, title,
 *            seniority columns).
 * Outputs: (1) mined roles with their typical job titles, (2) the applications each role needs,
 *          (3) applications with inconsistent access within a (department, title) group (20-80 %),
 *          (4) suggested permission levels by seniority (or a note that the file has no level data),
 *          (5) people whose access does not match their job title (peer outliers).
 *          Errors: `CsvError` naming the row (1-based physical line) and column.
 * Complexity: parsing O(text); mining as `mineRoles` (bounded by `timeLimitMs`); the rest O(grants).
 * Method: bottom-up mining (./role-mining.ts), top-down templates (./attributes.ts), peer analysis (./peers.ts).
 */
import { CsvError, parseCsv, toCsv } from "./csv";
import { topDownTemplates, pct } from "./attributes";
import { findOutliers, normaliseLevel, type Grant, type Person } from "./peers";
import { mineRoles } from "./role-mining";
import { nameRoles } from "./naming";

export { CsvError };

export interface AccessRecord {
  employee: string;
  application: string;
  entitlement: string;
  level: string | null;
  lastUsed: string | null;
}

export interface ParsedAccess {
  format: "wide" | "long";
  people: Map<string, { department: string | null; title: string | null; seniority: number | null }>;
  records: AccessRecord[];
  hasLevels: boolean;
}

const WIDE_NAME = ["employee_name", "employee", "name", "employee name"];
const WIDE_DEPT = ["department", "dept"];
const WIDE_TITLE = ["job_title", "title", "job title", "jobtitle"];

const key = (h: string): string => h.trim().toLowerCase();
const findCol = (header: string[], names: string[]): number => header.findIndex((h) => names.includes(key(h)));

export function detectFormat(text: string): "wide" | "long" | "pairs" {
  const rows = parseCsv(text.slice(0, 65536).split(/\r?\n/)[0] ?? "");
  const header = rows[0]?.fields ?? [];
  if (header.length < 2) return "pairs";
  const hasApp = findCol(header, ["application", "app"]) >= 0;
  const hasEmp = findCol(header, ["employee", "employee_name", "user", "person"]) >= 0;
  if (hasApp && hasEmp) return "long";
  if (findCol(header, WIDE_NAME) >= 0) return "wide";
  return "pairs";
}

function parseYesNo(v: string, line: number, column: string): boolean {
  const s = v.trim().toLowerCase();
  if (s === "" || s === "no" || s === "n" || s === "false" || s === "0") return false;
  if (s === "yes" || s === "y" || s === "true" || s === "1") return true;
  throw new CsvError(`row ${line}, column "${column}": "${v}" is not yes/no (use yes, no, true, false, 1, 0, y, n or leave empty)`, line, column);
}

const SENIORITY: Array<[RegExp, number]> = [
  [/\b(intern|trainee|apprentice)\b/i, 0],
  [/\b(junior|jr\.?|associate|assistant)\b/i, 1],
  [/\b(chief|cto|ceo|cfo|ciso|vp|vice president|head)\b/i, 6],
  [/\bdirector\b/i, 5],
  [/\b(manager|lead|principal|staff|architect)\b/i, 4],
  [/\b(senior|sr\.?)\b/i, 3],
];

/** Seniority from a job title: intern 0, junior 1, (plain) 2, senior 3, lead/manager 4, director 5, VP/chief 6. */
export function seniorityFromTitle(title: string | null): number | null {
  if (!title) return null;
  for (const [re, v] of SENIORITY) if (re.test(title)) return v;
  return 2;
}

export function parseAccessCsv(text: string, format: "wide" | "long" | "auto" = "auto"): ParsedAccess {
  const rows = parseCsv(text);
  if (!rows.length) throw new CsvError("the file is empty", 1);
  const fmt = format === "auto" ? detectFormat(text) : format;
  const header = rows[0].fields.map((h) => h.trim());
  const people: ParsedAccess["people"] = new Map();
  const records: AccessRecord[] = [];
  if (fmt === "wide") {
    const iName = findCol(header, WIDE_NAME);
    const iDept = findCol(header, WIDE_DEPT);
    const iTitle = findCol(header, WIDE_TITLE);
    if (iName < 0) throw new CsvError(`row 1: no Employee_Name column in the header`, 1, "Employee_Name");
    const apps = header.map((h, i) => ({ h, i })).filter(({ i }) => i !== iName && i !== iDept && i !== iTitle);
    if (!apps.length) throw new CsvError("row 1: no application columns after Employee_Name, Department, Job_Title", 1);
    for (const row of rows.slice(1)) {
      const f = row.fields;
      if (f.length > header.length && f.slice(header.length).some((x) => x.trim() !== ""))
        throw new CsvError(`row ${row.line}: ${f.length} fields but the header has ${header.length}`, row.line);
      const name = (f[iName] ?? "").trim();
      if (!name) throw new CsvError(`row ${row.line}, column "${header[iName]}": empty employee name`, row.line, header[iName]);
      if (people.has(name)) throw new CsvError(`row ${row.line}, column "${header[iName]}": employee "${name}" appears twice`, row.line, header[iName]);
      const title = iTitle >= 0 ? (f[iTitle] ?? "").trim() || null : null;
      people.set(name, {
        department: iDept >= 0 ? (f[iDept] ?? "").trim() || null : null,
        title,
        seniority: seniorityFromTitle(title),
      });
      for (const { h, i } of apps)
        if (parseYesNo(f[i] ?? "", row.line, h)) records.push({ employee: name, application: h, entitlement: "", level: null, lastUsed: null });
    }
    return { format: "wide", people, records, hasLevels: false };
  }
  if (fmt !== "long") throw new CsvError("row 1: header not recognised (expected a wide or a long access export)", 1);
  const col = (names: string[]): number => findCol(header, names);
  const iEmp = col(["employee", "employee_name", "user", "person"]);
  const iApp = col(["application", "app"]);
  const iEnt = col(["entitlement", "permission", "access"]);
  const iLvl = col(["level", "access_level", "permission_level"]);
  const iUsed = col(["last_used", "lastused", "last used", "last_login"]);
  const iDept = col(["department", "dept"]);
  const iTitle = col(["title", "job_title", "job title"]);
  const iSen = col(["seniority", "grade", "seniority_level"]);
  if (iEmp < 0) throw new CsvError(`row 1: no "employee" column`, 1, "employee");
  if (iApp < 0) throw new CsvError(`row 1: no "application" column`, 1, "application");
  let hasLevels = false;
  for (const row of rows.slice(1)) {
    const f = row.fields;
    const emp = (f[iEmp] ?? "").trim();
    const app = (f[iApp] ?? "").trim();
    if (!emp) throw new CsvError(`row ${row.line}, column "${header[iEmp]}": empty employee`, row.line, header[iEmp]);
    if (!app) throw new CsvError(`row ${row.line}, column "${header[iApp]}": empty application`, row.line, header[iApp]);
    const level = iLvl >= 0 ? (f[iLvl] ?? "").trim() || null : null;
    if (level !== null) {
      if (!normaliseLevel(level))
        throw new CsvError(`row ${row.line}, column "${header[iLvl]}": "${level}" is not a permission level (read, edit or admin)`, row.line, header[iLvl]);
      hasLevels = true;
    }
    const lastUsed = iUsed >= 0 ? (f[iUsed] ?? "").trim() || null : null;
    if (lastUsed !== null && !Number.isFinite(Date.parse(lastUsed)))
      throw new CsvError(`row ${row.line}, column "${header[iUsed]}": "${lastUsed}" is not a date`, row.line, header[iUsed]);
    const title = iTitle >= 0 ? (f[iTitle] ?? "").trim() || null : null;
    let seniority: number | null = null;
    if (iSen >= 0 && (f[iSen] ?? "").trim() !== "") {
      seniority = Number((f[iSen] ?? "").trim());
      if (!Number.isFinite(seniority))
        throw new CsvError(`row ${row.line}, column "${header[iSen]}": "${f[iSen]}" is not a number`, row.line, header[iSen]);
    } else seniority = seniorityFromTitle(title);
    const prev = people.get(emp);
    if (!prev) people.set(emp, { department: iDept >= 0 ? (f[iDept] ?? "").trim() || null : null, title, seniority });
    records.push({ employee: emp, application: app, entitlement: iEnt >= 0 ? (f[iEnt] ?? "").trim() : "", level, lastUsed });
  }
  return { format: "long", people, records, hasLevels };
}

/** The permission id used for mining: the application, or application:entitlement. */
export const permissionOf = (r: AccessRecord): string => (r.entitlement ? `${r.application}:${r.entitlement}` : r.application);

export interface AccessReport {
  format: "wide" | "long";
  people: number;
  applications: number;
  assignments: number;
  roles: Array<{
    id: string;
    /** Name from the members' most common title (or department + title family), unique in the report. */
    name: string;
    /** What the name rests on, e.g. "18 of 20 members", and why (members' titles and departments). */
    nameShare: string;
    nameWhy: string;
    members: string[];
    /** (2) applications (or application:entitlement) every member of the role holds */
    applications: string[];
    /** (1) most frequent job titles among members */
    typicalTitles: Array<{ title: string; members: number; share: number }>;
  }>;
  /** (3) */
  inconsistentAccess: Array<{ department: string; title: string; application: string; holders: number; groupSize: number; share: number; reason: string }>;
  /** (4) */
  permissionLevels: {
    available: boolean;
    note: string;
    bySeniority: Array<{ application: string; seniority: number; suggested: string; share: number; peers: number; reason: string }>;
  };
  /** (5) */
  mismatches: Array<{ employee: string; title: string | null; extra: string[]; missing: string[]; reasons: string[] }>;
  lowerBound: number;
}

export function buildAccessReport(
  text: string,
  opts: { format?: "wide" | "long" | "auto"; timeLimitMs?: number; threshold?: number; low?: number } = {},
): AccessReport {
  const parsed = parseAccessCsv(text, opts.format ?? "auto");
  const pairs: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const r of parsed.records) {
    const p = permissionOf(r);
    const k = `${r.employee}\u0000${p}`;
    if (seen.has(k)) continue;
    seen.add(k);
    pairs.push([r.employee, p]);
  }
  const mined = mineRoles(pairs, { timeLimitMs: opts.timeLimitMs ?? 5000 });
  const access = new Map<string, Set<string>>();
  for (const id of parsed.people.keys()) access.set(id, new Set());
  for (const [u, p] of pairs) access.get(u)!.add(p);

  const roles: AccessReport["roles"] = mined.roles
    .map((role, i) => {
      const t = new Map<string, number>();
      for (const u of role.users) {
        const title = parsed.people.get(u)?.title ?? "(no title)";
        t.set(title, (t.get(title) ?? 0) + 1);
      }
      const typicalTitles = [...t]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 3)
        .map(([title, members]) => ({ title, members, share: members / role.users.length }));
      return { id: `R${i + 1}`, name: "", nameShare: "", nameWhy: "", members: [...role.users].sort(), applications: [...role.permissions].sort(), typicalTitles };
    })
    .sort((a, b) => b.members.length * b.applications.length - a.members.length * a.applications.length || (a.applications.join() < b.applications.join() ? -1 : a.applications.join() > b.applications.join() ? 1 : 0))
    .map((r, i) => ({ ...r, id: `R${i + 1}` }));
  const names = nameRoles(
    roles.map((r) => ({ users: r.members, permissions: r.applications })),
    new Map([...parsed.people].map(([id, p]) => [id, { department: p.department, title: p.title }])),
    new Map(pairs.map(([, p]) => [p, { application: p.includes(":") ? p.slice(0, p.indexOf(":")) : p, name: p }])),
  );
  roles.forEach((r, i) => {
    r.name = names[i]!.name;
    r.nameShare = names[i]!.share;
    r.nameWhy = names[i]!.why;
  });

  const attrs = new Map([...parsed.people].map(([id, p]) => [id, { department: p.department, title: p.title }]));
  const templates = topDownTemplates(attrs, access, { threshold: opts.threshold ?? 0.8, low: opts.low ?? 0.2 });
  const inconsistentAccess: AccessReport["inconsistentAccess"] = [];
  for (const g of templates)
    for (const inc of g.inconsistent)
      inconsistentAccess.push({
        department: g.group.department,
        title: g.group.title,
        application: inc.entitlement,
        holders: inc.holders.length,
        groupSize: g.members.length,
        share: inc.share,
        reason: inc.reason,
      });

  // (4) permission levels by seniority
  const permissionLevels: AccessReport["permissionLevels"] = { available: parsed.hasLevels, note: "", bySeniority: [] };
  if (!parsed.hasLevels) {
    permissionLevels.note =
      parsed.format === "wide"
        ? "No permission level data: the wide format only says whether each person has each application. Add a long export with a level column (read/edit/admin) to get suggestions."
        : "No permission level data: the file has no level column (or it is empty).";
  } else {
    const table = new Map<string, number[]>();
    for (const r of parsed.records) {
      const lv = normaliseLevel(r.level);
      const s = parsed.people.get(r.employee)?.seniority;
      if (!lv || s === null || s === undefined) continue;
      const k = `${r.application}\u0000${s}`;
      let c = table.get(k);
      if (!c) table.set(k, (c = [0, 0, 0]));
      c[["read", "edit", "admin"].indexOf(lv)]++;
    }
    for (const [k, c] of table) {
      const [application, s] = k.split("\u0000");
      const total = c[0] + c[1] + c[2];
      let best = 0;
      for (let i = 1; i < 3; i++) if (c[i] > c[best]) best = i;
      const suggested = ["read", "edit", "admin"][best];
      permissionLevels.bySeniority.push({
        application,
        seniority: Number(s),
        suggested,
        share: c[best] / total,
        peers: total,
        reason: `${c[best]} of ${total} grants on ${application} at seniority ${s} are ${suggested} (${pct(c[best] / total)})`,
      });
    }
    permissionLevels.bySeniority.sort((a, b) => (a.application < b.application ? -1 : a.application > b.application ? 1 : a.seniority - b.seniority));
    permissionLevels.note = `Suggested level = the most common level among grants at the same seniority (seniority from a seniority column, else from the job title).`;
  }

  // (5) people whose access does not match their title
  const persons: Person[] = [...parsed.people].map(([id, p]) => ({ id, department: p.department, title: p.title, level: p.seniority }));
  const outliers = findOutliers(persons, access, { rareBelow: opts.low ?? 0.2, commonAbove: opts.threshold ?? 0.8 });
  const mismatches: AccessReport["mismatches"] = outliers
    .filter((o) => o.unusual.length || o.missing.length)
    .map((o) => ({
      employee: o.person,
      title: parsed.people.get(o.person)?.title ?? null,
      extra: o.unusual.map((u) => u.entitlement),
      missing: o.missing.map((m) => m.entitlement),
      reasons: o.reasons,
    }));

  const apps = new Set(parsed.records.map((r) => r.application));
  return {
    format: parsed.format,
    people: parsed.people.size,
    applications: apps.size,
    assignments: pairs.length,
    roles,
    inconsistentAccess,
    permissionLevels,
    mismatches,
    lowerBound: mined.lowerBound,
  };
}

/** One CSV with a `section` column, so the five parts open in any spreadsheet. */
export function reportToCsv(report: AccessReport): string {
  const rows: Array<Array<string | number>> = [["section", "id", "subject", "detail", "value", "reason"]];
  for (const r of report.roles) {
    rows.push(["role", `${r.id} ${r.name}`, `${r.members.length} members (${r.nameShare})`, r.typicalTitles.map((t) => `${t.title} (${pct(t.share)})`).join("; "), r.members.join("; "), "typical job titles"]);
    for (const a of r.applications) rows.push(["role_application", r.id, a, "needed by every member", r.members.length, ""]);
  }
  for (const i of report.inconsistentAccess)
    rows.push(["inconsistent_access", `${i.department} / ${i.title}`, i.application, `${i.holders} of ${i.groupSize}`, i.share.toFixed(2), i.reason]);
  if (!report.permissionLevels.available) rows.push(["permission_level", "", "", report.permissionLevels.note, "", ""]);
  for (const l of report.permissionLevels.bySeniority)
    rows.push(["permission_level", `seniority ${l.seniority}`, l.application, l.suggested, l.share.toFixed(2), l.reason]);
  for (const m of report.mismatches)
    rows.push(["mismatch", m.employee, m.title ?? "", `extra: ${m.extra.join("; ")} | missing: ${m.missing.join("; ")}`, m.extra.length + m.missing.length, m.reasons.join(" | ")]);
  return toCsv(rows);
}

export function reportToJson(report: AccessReport): string {
  return JSON.stringify(report, null, 2);
}

/** Grants for peer analytics (dormant access etc.) from a parsed long file. */
export function grantsOf(parsed: ParsedAccess): Grant[] {
  return parsed.records.map((r) => ({ person: r.employee, entitlement: permissionOf(r), lastUsed: r.lastUsed, level: r.level }));
}
