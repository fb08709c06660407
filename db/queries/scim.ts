/**
 * Reads and the few writes of the inbound SCIM server (queries take `db` first, no clients).
 *
 * Visibility: a person is a SCIM User unless the SCIM client DELETEd them, i.e. they are a leaver
 * (status terminated) carrying the `scimDeleted` attribute; a later rehire from any source makes
 * them visible again. Their row and history always stay.
 *
 * `filterToSql` translates a compiled SCIM filter into a WHERE clause for the attributes that map
 * onto columns (userName, externalId, name.*, displayName, title, userType, active, meta.created,
 * meta.lastModified, enterprise employeeNumber / department / costCenter / organization / division /
 * manager.value, id). The result is `exact` when the SQL means precisely what the in-memory
 * evaluator means (then the database pages and counts); otherwise it is a SUPERSET prefilter and the
 * caller evaluates the filter in memory on the bounded candidate set. Both honour the same rules:
 * case-insensitive strings unless caseExact, `ne` = not `eq`, absent values never `eq` anything.
 */
import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import { people, scimTokens } from "@/db/schema";
import type { FilterNode } from "@/lib/domain/scim/filter";
import { URN } from "@/lib/domain/scim/schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** People the SCIM client may see (not deleted through SCIM). */
// Agents and service accounts are governed in Gatehouse, not by the IdP: inbound SCIM neither sees nor changes them.
export const scimVisible: SQL = sql`(NOT (${people.status} = 'terminated' AND coalesce(${people.attributes}->>'scimDeleted', '') <> '') AND ${people.kind} = 'human')`;

const manager = alias(people, "scim_manager");
const personColumns = {
  id: people.id, employeeId: people.employeeId, givenName: people.givenName, familyName: people.familyName, displayName: people.displayName,
  email: people.email, department: people.department, title: people.title, level: people.level, location: people.location,
  costCenter: people.costCenter, managerId: people.managerId, employmentType: people.employmentType, status: people.status,
  startDate: people.startDate, endDate: people.endDate, attributes: people.attributes, createdAt: people.createdAt, updatedAt: people.updatedAt,
  managerDisplayName: manager.displayName, managerEmployeeId: manager.employeeId,
};
export type ScimPersonRow = {
  id: string; employeeId: string; givenName: string; familyName: string; displayName: string; email: string; department: string; title: string;
  level: number; location: string; costCenter: string | null; managerId: string | null; employmentType: "employee" | "contractor" | "intern";
  status: "pre_hire" | "active" | "on_leave" | "terminated"; startDate: string | null; endDate: string | null;
  attributes: Record<string, string | number | boolean | null>; createdAt: Date; updatedAt: Date; managerDisplayName: string | null; managerEmployeeId: string | null;
};

const selectPeople = (db: Queryable) => db.select(personColumns).from(people).leftJoin(manager, eq(manager.id, people.managerId));

/** One visible person by SCIM id; `forUpdate` locks the row for the rest of the transaction. */
export async function scimPersonById(db: Queryable, id: string, opts: { forUpdate?: boolean; includeDeleted?: boolean } = {}): Promise<ScimPersonRow | null> {
  if (!isUuid(id)) return null;
  if (opts.forUpdate) await db.execute(sql`SELECT 1 FROM people WHERE id = ${id} FOR UPDATE`);
  const [row] = await selectPeople(db).where(opts.includeDeleted ? eq(people.id, id) : and(eq(people.id, id), scimVisible));
  return (row as ScimPersonRow | undefined) ?? null;
}

export async function scimPersonByEmployeeId(db: Queryable, employeeId: string): Promise<ScimPersonRow | null> {
  const [row] = await selectPeople(db).where(eq(people.employeeId, employeeId));
  return (row as ScimPersonRow | undefined) ?? null;
}

/** Everyone (visible or not) who already holds this employee id, email or SCIM userName. */
export async function scimClaimants(db: Queryable, k: { employeeId: string | null; email: string; userName: string }) {
  const rows = await db
    .select({ id: people.id, employeeId: people.employeeId, visible: sql<boolean>`${scimVisible}` })
    .from(people)
    .where(
      sql`lower(${people.email}) = lower(${k.email}) OR lower(${people.email}) = lower(${k.userName})
        OR lower(coalesce(${people.attributes}->>'scimUserName', '')) IN (lower(${k.email}), lower(${k.userName}))
        ${k.employeeId ? sql`OR ${people.employeeId} = ${k.employeeId}` : sql``}`,
    );
  return rows.map((r) => ({ ...r, visible: Boolean(r.visible) }));
}

/** Resolve a manager reference: a SCIM id (person uuid) or, failing that, an employee id. */
export async function managerEmployeeIdFor(db: Queryable, ref: string): Promise<string | null> {
  if (isUuid(ref)) {
    const [m] = await db.select({ e: people.employeeId }).from(people).where(eq(people.id, ref));
    if (m) return m.e;
  }
  const [m] = await db.select({ e: people.employeeId }).from(people).where(eq(people.employeeId, ref));
  return m?.e ?? null;
}

/** Re-key a person to the employee number their HR system now states (same row, same history). */
export async function renameEmployeeId(db: Queryable, personId: string, employeeId: string) {
  await db.update(people).set({ employeeId }).where(eq(people.id, personId));
}

// ---------- filter → SQL ----------

type Col = { expr: SQL; kind: "string" | "boolean" | "dateTime"; caseExact: boolean };
const attr = (k: string) => sql`nullif(${people.attributes}->>${k}, '')`;
/** An attribute the SCIM client unassigned (mapping.ts `scimUnset`) is absent, whatever the person keeps. */
const unlessUnset = (key: string, e: SQL) => sql`(CASE WHEN position(${`,${key},`} in ',' || coalesce(${people.attributes}->>'scimUnset', '') || ',') > 0 THEN NULL ELSE ${e} END)`;
const E = URN.enterprise.toLowerCase();

/** Columns for the attributes the database can answer exactly (key: canonical lower-case path). */
const COLUMNS: Record<string, Col> = {
  id: { expr: sql`${people.id}::text`, kind: "string", caseExact: true },
  externalid: { expr: attr("scimExternalId"), kind: "string", caseExact: true },
  username: { expr: sql`coalesce(${attr("scimUserName")}, ${people.email})`, kind: "string", caseExact: false },
  displayname: { expr: unlessUnset("displayName", sql`coalesce(${attr("scimDisplayName")}, nullif(trim(${people.displayName}), ''))`), kind: "string", caseExact: false },
  "name.givenname": { expr: unlessUnset("name", unlessUnset("name.givenName", sql`nullif(${people.givenName}, '')`)), kind: "string", caseExact: false },
  "name.familyname": { expr: unlessUnset("name", unlessUnset("name.familyName", sql`nullif(${people.familyName}, '')`)), kind: "string", caseExact: false },
  title: { expr: sql`nullif(${people.title}, '')`, kind: "string", caseExact: false },
  usertype: {
    expr: unlessUnset("userType", sql`coalesce(${attr("scimUserType")}, CASE ${people.employmentType} WHEN 'contractor' THEN 'Contractor' WHEN 'intern' THEN 'Intern' ELSE 'Employee' END)`),
    kind: "string", caseExact: false,
  },
  active: { expr: unlessUnset("active", sql`(${people.status} <> 'terminated')`), kind: "boolean", caseExact: false },
  "meta.created": { expr: sql`date_trunc('milliseconds', ${people.createdAt})`, kind: "dateTime", caseExact: false },
  "meta.lastmodified": { expr: sql`date_trunc('milliseconds', ${people.updatedAt})`, kind: "dateTime", caseExact: false },
  [`${E}:employeenumber`]: { expr: unlessUnset("employeeNumber", sql`CASE WHEN ${people.employeeId} LIKE 'scim-%' THEN NULL ELSE ${people.employeeId} END`), kind: "string", caseExact: false },
  [`${E}:department`]: { expr: sql`nullif(${people.department}, '')`, kind: "string", caseExact: false },
  [`${E}:costcenter`]: { expr: sql`nullif(${people.costCenter}, '')`, kind: "string", caseExact: false },
  [`${E}:organization`]: { expr: attr("organization"), kind: "string", caseExact: false },
  [`${E}:division`]: { expr: attr("division"), kind: "string", caseExact: false },
  [`${E}:manager.value`]: { expr: sql`${people.managerId}::text`, kind: "string", caseExact: true },
};

/** Superset-only columns: a candidate test that never misses a match (the caller re-checks in memory). */
const SUPERSETS: Record<string, (v: string | null) => SQL> = {
  // The person's email is emails[primary]; extra addresses live in scimExtra (anyone with some is a candidate).
  "emails.value": (v) => (v === null ? sql`TRUE` : sql`(lower(${people.email}) = lower(${v}) OR ${people.attributes}->>'scimExtra' LIKE '%"emails"%')`),
};

type Compiled = { sql: SQL; exact: boolean };
const TRUE: Compiled = { sql: sql`TRUE`, exact: false };
const escLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function keyOf(n: Extract<FilterNode, { kind: "pr" | "cmp" }>): string {
  const r = n.resolved!;
  const p = `${r.attr.name}${r.sub ? "." + r.sub.name : ""}`.toLowerCase();
  return r.root ? p : `${r.schema.toLowerCase()}:${p}`;
}

function leaf(n: Extract<FilterNode, { kind: "pr" | "cmp" }>): Compiled {
  const key = keyOf(n);
  const col = COLUMNS[key];
  if (!col) {
    const sup = SUPERSETS[key];
    if (sup && n.kind === "cmp" && n.op === "eq") return { sql: sup(n.value === null ? null : String(n.value)), exact: false };
    return TRUE;
  }
  if (n.kind === "pr") return { sql: sql`(${col.expr} IS NOT NULL)`, exact: true };
  const v = n.value;
  if (v === null) return { sql: n.op === "eq" ? sql`(${col.expr} IS NULL)` : sql`(${col.expr} IS NOT NULL)`, exact: true };
  if (col.kind === "boolean") {
    const test = sql`coalesce(${col.expr} = ${v === true}, false)`;
    return { sql: n.op === "eq" ? test : sql`NOT ${test}`, exact: true };
  }
  if (col.kind === "dateTime") {
    const ts = new Date(String(v)).toISOString();
    const ops: Record<string, string> = { eq: "=", ne: "=", gt: ">", ge: ">=", lt: "<", le: "<=" };
    const test = sql`coalesce(${col.expr} ${sql.raw(ops[n.op])} ${ts}::timestamptz, false)`;
    return { sql: n.op === "ne" ? sql`NOT ${test}` : test, exact: true };
  }
  const lhs = col.caseExact ? col.expr : sql`lower(${col.expr})`;
  const s = col.caseExact ? String(v) : String(v).toLowerCase();
  let test: SQL;
  switch (n.op) {
    case "eq":
    case "ne":
      test = sql`coalesce(${lhs} = ${s}, false)`;
      break;
    case "co":
      test = sql`coalesce(${lhs} LIKE ${`%${escLike(s)}%`}, false)`;
      break;
    case "sw":
      test = sql`coalesce(${lhs} LIKE ${`${escLike(s)}%`}, false)`;
      break;
    case "ew":
      test = sql`coalesce(${lhs} LIKE ${`%${escLike(s)}`}, false)`;
      break;
    default: {
      const op = { gt: ">", ge: ">=", lt: "<", le: "<=" }[n.op];
      test = sql`coalesce((${lhs}) COLLATE "C" ${sql.raw(op)} ${s}, false)`;
    }
  }
  return { sql: n.op === "ne" ? sql`NOT ${test}` : test, exact: true };
}

export function filterToSql(n: FilterNode): Compiled {
  switch (n.kind) {
    case "and": {
      const l = filterToSql(n.left), r = filterToSql(n.right);
      return { sql: sql`(${l.sql} AND ${r.sql})`, exact: l.exact && r.exact };
    }
    case "or": {
      const l = filterToSql(n.left), r = filterToSql(n.right);
      return { sql: sql`(${l.sql} OR ${r.sql})`, exact: l.exact && r.exact };
    }
    case "not": {
      const e = filterToSql(n.expr);
      return e.exact ? { sql: sql`(NOT ${e.sql})`, exact: true } : TRUE;
    }
    case "valuePath": {
      // `emails[type eq "work" and value eq "x"]` / `emails[type eq "work"].value eq "x"` (Entra ID): the
      // `value eq` conjunct narrows to a superset like `emails.value eq "x"` does.
      const r = n.resolved;
      const sup = r && r.root ? SUPERSETS[`${r.attr.name.toLowerCase()}.value`] : undefined;
      if (!sup) return TRUE;
      const conjuncts = (f: FilterNode): FilterNode[] => (f.kind === "and" ? [...conjuncts(f.left), ...conjuncts(f.right)] : [f]);
      const eqValue = conjuncts(n.filter).find((c) => c.kind === "cmp" && c.op === "eq" && c.value !== null && c.resolved?.sub?.name === "value");
      return eqValue && eqValue.kind === "cmp" ? { sql: sup(String(eqValue.value)), exact: false } : TRUE;
    }
    default:
      return leaf(n);
  }
}

/** ORDER BY for a sortBy attribute, or null when the database cannot sort by it exactly. */
export function sortToSql(r: { root: boolean; schema: string; attr: { name: string }; sub?: { name: string } } | null, descending: boolean): SQL[] | null {
  const tie = [asc(people.createdAt), asc(people.id)];
  if (!r) return tie;
  const p = `${r.attr.name}${r.sub ? "." + r.sub.name : ""}`.toLowerCase();
  const col = COLUMNS[r.root ? p : `${r.schema.toLowerCase()}:${p}`];
  if (!col) return null;
  const e = col.kind === "string" && !col.caseExact ? sql`lower(${col.expr}) COLLATE "C"` : col.kind === "string" ? sql`${col.expr} COLLATE "C"` : col.expr;
  return [descending ? sql`${e} DESC NULLS FIRST` : sql`${e} ASC NULLS LAST`, ...tie];
}

export async function countScimPeople(db: Queryable, where: SQL | undefined): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(people).where(and(scimVisible, where));
  return Number(r.n);
}

export async function listScimPeople(db: Queryable, where: SQL | undefined, orderBy: SQL[], offset: number, limit: number): Promise<ScimPersonRow[]> {
  return (await selectPeople(db).where(and(scimVisible, where)).orderBy(...orderBy).offset(offset).limit(limit)) as ScimPersonRow[];
}

// ---------- Groups (departments) ----------

export async function scimDepartments(db: Queryable) {
  const rows = await db
    .select({ department: people.department, created: sql<string>`min(${people.createdAt})`, modified: sql<string>`max(${people.updatedAt})`, members: sql<number>`count(*)::int` })
    .from(people)
    .where(and(scimVisible, sql`${people.department} <> ''`))
    .groupBy(people.department)
    .orderBy(asc(people.department));
  return rows.map((r) => ({ department: r.department, created: new Date(r.created), modified: new Date(r.modified), members: Number(r.members) }));
}

export async function scimDepartmentMembers(db: Queryable, departments: string[]) {
  if (departments.length === 0) return [];
  return db
    .select({ id: people.id, displayName: people.displayName, department: people.department, attributes: people.attributes })
    .from(people)
    .where(and(scimVisible, inArray(people.department, departments)))
    .orderBy(asc(people.createdAt), asc(people.id));
}

// ---------- tokens ----------

export async function insertScimToken(db: Queryable, v: { name: string; tokenHash: string; createdById: string | null }) {
  const [row] = await db.insert(scimTokens).values(v).returning({ id: scimTokens.id, name: scimTokens.name, createdAt: scimTokens.createdAt });
  return row;
}

export async function listScimTokens(db: Queryable) {
  return db
    .select({ id: scimTokens.id, name: scimTokens.name, createdAt: scimTokens.createdAt, revokedAt: scimTokens.revokedAt, lastUsedAt: scimTokens.lastUsedAt, createdBy: people.displayName })
    .from(scimTokens)
    .leftJoin(people, eq(people.id, scimTokens.createdById))
    .orderBy(asc(scimTokens.createdAt));
}

export async function revokeScimTokenRow(db: Queryable, id: string, at: Date) {
  if (!isUuid(id)) return null;
  const [row] = await db.update(scimTokens).set({ revokedAt: at }).where(and(eq(scimTokens.id, id), isNull(scimTokens.revokedAt))).returning({ id: scimTokens.id, name: scimTokens.name });
  return row ?? null;
}

export async function activeScimTokenByHash(db: Queryable, tokenHash: string) {
  const [row] = await db
    .select({ id: scimTokens.id, name: scimTokens.name, lastUsedAt: scimTokens.lastUsedAt })
    .from(scimTokens)
    .where(and(eq(scimTokens.tokenHash, tokenHash), isNull(scimTokens.revokedAt)));
  return row ?? null;
}

export async function touchScimToken(db: Queryable, id: string, at: Date) {
  await db.update(scimTokens).set({ lastUsedAt: at }).where(eq(scimTokens.id, id));
}
