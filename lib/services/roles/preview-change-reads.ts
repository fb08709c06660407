/**
 * Reads for the role administration pages (templates and birthright rules, drafts included), and the small
 * line syntax admins type rule conditions in:
 *
 *   department = Sales            eq          level >= 5      gte
 *   department != Legal           neq         level <= 3      lte
 *   location in Oslo, Austin      in          title ^= Eng    startsWith
 *
 * one condition per line (all must hold). Values that look like integers are numbers.
 */
import { sql } from "drizzle-orm";
import { can } from "@/lib/auth/can";
import type { Condition } from "@/lib/domain/policy";
import { z } from "zod";
import { text } from "@/lib/validation";
import { ForbiddenError, NotFoundError, ValidationError, validationErrorOf } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { rowsOf } from "@/db/client";


const OPS: Array<[string, Condition["op"]]> = [[">=", "gte"], ["<=", "lte"], ["!=", "neq"], ["^=", "startsWith"], ["=", "eq"]];
const SYMBOL: Record<Condition["op"], string> = { eq: "=", neq: "!=", gte: ">=", lte: "<=", startsWith: "^=", in: "in" };
const scalar = (v: string): string | number => (/^-?\d+$/.test(v) ? Number(v) : v);

export function parseConditionText(text: string): Condition[] {
  const out: Condition[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const inMatch = /^([A-Za-z0-9_.]+)\s+in\s+(.+)$/i.exec(line);
    if (inMatch) {
      out.push({ attribute: inMatch[1], op: "in", value: inMatch[2].split(",").map((s) => scalar(s.trim())).filter((s) => s !== "") });
      continue;
    }
    const op = OPS.find(([sym]) => line.includes(sym));
    const at = op ? line.indexOf(op[0]) : -1;
    const attribute = at > 0 ? line.slice(0, at).trim() : "";
    const value = op ? line.slice(at + op[0].length).trim() : "";
    if (!op || !/^[A-Za-z0-9_.]+$/.test(attribute) || !value) {
      throw new ValidationError(`Condition line ${i + 1} ("${line}") is not "attribute = value" (operators: =, !=, >=, <=, ^=, in).`, { conditions: `line ${i + 1}` });
    }
    out.push({ attribute, op: op[1], value: scalar(value) });
  }
  return out;
}

export function conditionText(conditions: Condition[]): string {
  return conditions.map((c) => `${c.attribute} ${SYMBOL[c.op]} ${Array.isArray(c.value) ? c.value.join(", ") : c.value}`).join("\n");
}

export type RoleTemplateRow = { id: string; key: string; name: string; status: string; origin: string; entitlements: number; rules: number; enabledRules: number; holders: number; updatedAt: string };

export const listRoleTemplatesInput = z.object({
  q: text(100).trim().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * One page of role templates (drafts first, then published, then the rest; by name), optionally those whose name or
 * key contains `q`, with the total. Counts are
 * read for the page's templates only: "people given it" walks each of them in grants_active_role_holders_idx
 * (index-only, in person order, no sort) and leaves out the holders who have left.
 */
export async function listRoleTemplates({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<{ rows: RoleTemplateRow[]; total: number; page: number; pageSize: number; pages: number }> {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins manage roles and rules.");
  const p = listRoleTemplatesInput.safeParse(input ?? {});
  if (!p.success) throw validationErrorOf(p.error, "Invalid page: ");
  const { page, pageSize } = p.data;
  const q = p.data.q ? `%${p.data.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const match = q ? sql`WHERE t.name ILIKE ${q} OR t.key ILIKE ${q}` : sql``;
  const [rows, total] = await Promise.all([
    ctx.db.execute(sql`
      WITH page AS (
        SELECT t.id, t.key, t.name, t.status, t.origin, t.updated_at FROM role_templates t ${match}
        ORDER BY CASE t.status WHEN 'draft' THEN 0 WHEN 'published' THEN 1 ELSE 2 END, t.name, t.id
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
      )
      SELECT t.id, t.key, t.name, t.status, t.origin, t.updated_at::text AS updated_at,
        (SELECT count(*)::int FROM role_entitlements re WHERE re.role_id = t.id) AS entitlements,
        (SELECT count(*)::int FROM birthright_rules r WHERE r.role_id = t.id) AS rules,
        (SELECT count(*)::int FROM birthright_rules r WHERE r.role_id = t.id AND r.enabled) AS enabled_rules,
        -- Distinct holders in index order (no sort), less those who have left (one hashed list of them per query).
        (SELECT count(*)::int FROM (SELECT DISTINCT g.person_id FROM grants g
           WHERE g.source_ref = t.id::text AND g.status = 'active' AND g.source IN ('birthright', 'role')) h
         WHERE h.person_id NOT IN (SELECT p.id FROM people p WHERE p.status = 'terminated')) AS holders
      FROM page t
      ORDER BY CASE t.status WHEN 'draft' THEN 0 WHEN 'published' THEN 1 ELSE 2 END, t.name, t.id`),
    ctx.db.execute(sql`SELECT count(*)::int AS n FROM role_templates t ${match}`),
  ]);
  const n = Number(rowsOf<{ n: number }>(total)[0]?.n ?? 0);
  return {
    rows: rowsOf<{ id: string; key: string; name: string; status: string; origin: string; entitlements: number; rules: number; enabled_rules: number; holders: number; updated_at: string }>(rows).map((r) => ({
      id: r.id, key: r.key, name: r.name, status: r.status, origin: r.origin, entitlements: r.entitlements, rules: r.rules, enabledRules: r.enabled_rules, holders: r.holders, updatedAt: r.updated_at,
    })),
    total: n, page, pageSize, pages: Math.max(1, Math.ceil(n / pageSize)),
  };
}

export type RoleTemplateDetail = {
  template: { id: string; key: string; name: string; description: string; status: string; origin: string };
  entitlements: Array<{ id: string; name: string; application: string; sensitivity: string }>;
  rules: Array<{ id: string; name: string; enabled: boolean; conditions: Condition[]; text: string; matches: number }>;
  catalog: Array<{ id: string; label: string }>;
  /** The attribute names conditions may use (condition-attributes.ts). */
  attributes: string[];
};

export async function getRoleTemplate({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<RoleTemplateDetail> {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins manage roles and rules.");
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) throw new NotFoundError("No such role template.");
  const [template] = rowsOf<RoleTemplateDetail["template"]>(
    await ctx.db.execute(sql`SELECT id, key, name, description, status, origin FROM role_templates WHERE id = ${input.id}::uuid`),
  );
  if (!template) throw new NotFoundError("No such role template.");
  const entitlements = rowsOf<RoleTemplateDetail["entitlements"][number]>(
    await ctx.db.execute(sql`
      SELECT e.id, e.name, a.name AS application, e.sensitivity::text AS sensitivity
      FROM role_entitlements re JOIN entitlements e ON e.id = re.entitlement_id JOIN applications a ON a.id = e.application_id
      WHERE re.role_id = ${input.id}::uuid ORDER BY a.name, e.name`),
  );
  const ruleRows = rowsOf<{ id: string; name: string; enabled: boolean; conditions: Condition[] }>(
    await ctx.db.execute(sql`SELECT id, name, enabled, conditions FROM birthright_rules WHERE role_id = ${input.id}::uuid ORDER BY priority, name`),
  );
  const { rulePredicate } = await import("@/db/queries/policy-sql");
  const rules: RoleTemplateDetail["rules"] = [];
  for (const r of ruleRows) {
    const [{ n }] = rowsOf<{ n: number }>(await ctx.db.execute(sql`SELECT count(*)::int AS n FROM people p WHERE p.status IN ('active','pre_hire') AND (${rulePredicate(r.conditions ?? [])})`));
    rules.push({ ...r, conditions: r.conditions ?? [], text: conditionText(r.conditions ?? []), matches: n });
  }
  const held = new Set(entitlements.map((e) => e.id));
  const catalog = rowsOf<{ id: string; label: string }>(
    await ctx.db.execute(sql`SELECT e.id, a.name || ' · ' || e.name AS label FROM entitlements e JOIN applications a ON a.id = e.application_id ORDER BY a.name, e.name LIMIT 2000`),
  ).filter((e) => !held.has(e.id));
  const { knownAttributes } = await import("./condition-attributes");
  return { template, entitlements, rules, catalog, attributes: await knownAttributes(ctx.db) };
}
