import { sql, type SQL } from "drizzle-orm";
import { IDP_GROUP_ATTRIBUTE, type Condition } from "@/lib/domain/policy";

/**
 * Compile birthright conditions to a SQL predicate over `people p`, so "who does this rule
 * give the role to" runs in the database at any size. Mirrors lib/domain/policy.ts
 * conditionHolds (case-insensitive text, numeric comparisons for gte/lte).
 */
const COLUMNS: Record<string, string> = {
  department: "p.department", title: "p.title", level: "p.level", location: "p.location",
  employmentType: "p.employment_type::text", costCenter: "p.cost_center", status: "p.status::text",
};

function column(attribute: string): SQL {
  const col = COLUMNS[attribute];
  if (col) return sql.raw(col);
  const key = attribute.startsWith("attributes.") ? attribute.slice("attributes.".length) : attribute;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(key)) throw new Error(`Invalid attribute name: ${attribute}`);
  return sql`(p.attributes ->> ${key})`;
}

/** `idpGroup` conditions: membership of an IdP group named by id or displayName (lib/domain/policy.ts). */
function idpGroupSql(c: Condition): SQL {
  const member = (pred: SQL) => sql`EXISTS (SELECT 1 FROM idp_group_members m JOIN idp_groups g ON g.id = m.group_id WHERE m.person_id = p.id AND (${pred}))`;
  const named = (v: string | number) => sql`(m.group_id::text = ${String(v)} OR lower(g.display_name) = lower(${String(v).trim()}))`;
  switch (c.op) {
    case "eq":
      return Array.isArray(c.value) ? sql`false` : member(named(c.value));
    case "neq":
      return Array.isArray(c.value) ? sql`true` : sql`NOT ${member(named(c.value))}`;
    case "in": {
      const vals = Array.isArray(c.value) ? c.value : [];
      return vals.length ? member(sql.join(vals.map(named), sql` OR `)) : sql`false`;
    }
    case "startsWith":
      return member(sql`lower(g.display_name) LIKE ${String(c.value).toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`) + "%"}`);
    default:
      return sql`false`;
  }
}

export function conditionSql(c: Condition): SQL {
  if (c.attribute === IDP_GROUP_ATTRIBUTE) return idpGroupSql(c);
  const col = column(c.attribute);
  const text = sql`lower((${col})::text)`;
  const num = sql`(CASE WHEN (${col})::text ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN (${col})::text::numeric END)`;
  switch (c.op) {
    case "eq":
      return sql`${text} = lower(${String(c.value)})`;
    case "neq":
      return sql`${text} IS DISTINCT FROM lower(${String(c.value)})`;
    case "in": {
      const vals = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => String(v).toLowerCase());
      if (vals.length === 0) return sql`false`;
      return sql`${text} IN (${sql.join(vals.map((v) => sql`${v}`), sql`, `)})`;
    }
    case "gte":
      return sql`${num} >= ${Number(c.value)}`;
    case "lte":
      return sql`${num} <= ${Number(c.value)}`;
    case "startsWith":
      return sql`${text} LIKE ${String(c.value).toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`) + "%"}`;
  }
}

export function rulePredicate(conditions: Condition[]): SQL {
  if (conditions.length === 0) return sql`true`;
  return sql.join(conditions.map((c) => sql`(${conditionSql(c)})`), sql` AND `);
}
