/**
 * Blast-radius preview of a birthright rule or role template change: "+143 gain X, −12 lose Y, 3 new SoD
 * conflicts", computed in the database and changing nothing.
 *
 * Input: one proposed change (edit a rule's conditions, enable/disable a rule, add/remove an entitlement of a
 * template, publish a draft template optionally with a new rule). Output: per entitlement, how many people gain
 * and lose it (with a sample of names), the new separation-of-duties conflicts, and the ids of everyone affected
 * (what `applyRoleChange` re-syncs and re-plans).
 *
 * Method: the rule set is loaded, the change is applied to an in-memory copy, and only the entitlements of the
 * changed template (E) can change hands, so only rules whose template holds something in E are compiled
 * (db/queries/policy-sql.ts rulePredicate) into two sets of (person, entitlement) — before and after — and one
 * SQL statement diffs them: a gain is after∖before for someone not already holding an active grant of it; a loss
 * is before∖after for someone whose only active grant of it is an open-ended birthright one (other sources keep
 * the access; a birthright grant that was adopted first goes back to "adopted" and is kept). "Covered": after∖before
 * pairs held only through an adopted grant (it becomes rule-backed) and before∖after pairs of a rule-backed grant that
 * was adopted first (it goes back to "adopted"): nobody gains or loses access, but the person is re-synced. Terminated,
 * on-leave people and non-humans are out (sync leaves them alone).
 * Access given through the template itself (grants of source "role" whose sourceRef is the template) counts too:
 * adding an entitlement to a published template gives it to the template's holders (a role grant, unless they
 * hold it already or a rule gives it); removing one schedules their open-ended role grants of it for removal after
 * the overlap, unless the rules after the change still give it or another grant keeps it (adopted ones are never
 * touched). Those exact grants are listed in `templateBacked`, which applyRoleChange writes as is. SoD: the person's active grants
 * minus losses plus gains, against enabled sod_policies, minus the conflicts they already have.
 * Complexity: one scan of people per relevant rule, hash joins for the diff; no row is written.
 */
import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { rulePredicate } from "@/db/queries/policy-sql";
import { birthrightRules, roleEntitlements, roleTemplates } from "@/db/schema";
import { can } from "@/lib/auth/can";
import type { Condition } from "@/lib/domain/policy";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { rowsOf } from "@/db/client";
import { checkConditionAttributes } from "./condition-attributes";

export const conditionSchema = z.object({
  attribute: z.string().trim().min(1).max(80).regex(/^[A-Za-z0-9_.]+$/, "Attribute names are letters, digits, _ and ."),
  op: z.enum(["eq", "neq", "in", "gte", "lte", "startsWith"]),
  value: z.union([z.string().max(200), z.number(), z.array(z.union([z.string().max(200), z.number()])).max(200)]),
});

export const roleChangeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rule.conditions"), ruleId: z.string().uuid(), conditions: z.array(conditionSchema).max(20) }),
  z.object({ kind: z.literal("rule.enabled"), ruleId: z.string().uuid(), enabled: z.boolean() }),
  z.object({ kind: z.literal("role.addEntitlement"), roleId: z.string().uuid(), entitlementId: z.string().uuid() }),
  z.object({ kind: z.literal("role.removeEntitlement"), roleId: z.string().uuid(), entitlementId: z.string().uuid() }),
  z.object({
    kind: z.literal("role.publish"),
    roleId: z.string().uuid(),
    rule: z.object({ name: z.string().trim().min(1).max(120), conditions: z.array(conditionSchema).max(20) }).optional(),
  }),
]);
export type RoleChange = z.infer<typeof roleChangeSchema>;

export type EntitlementImpact = { entitlementId: string; name: string; application: string; gain: number; lose: number; sampleGain: string[]; sampleLose: string[] };
export type SodImpact = { policyId: string; name: string; severity: string; people: number; sample: string[] };
/**
 * Access given through the template itself (grants of source "role" whose sourceRef is the template: the template
 * was assigned, not derived from a rule): what applying does to it, exactly. Server-side only (ids, never shown).
 * `add`: (person, entitlement) pairs that get a new role grant; `schedule`: role grants scheduled for removal after
 * the overlap; `restore`: role grants whose scheduled removal is cancelled (the entitlement is back in the template).
 */
export type TemplateBacked = { add: Array<{ personId: string; entitlementId: string }>; schedule: string[]; restore: string[] };

export type RoleChangePreview = {
  change: RoleChange;
  /** Hash of the change (changeToken): the apply after a preview must carry the same one. */
  token: string;
  roleId: string;
  /** Name of the template (grant reasons). */
  roleName: string;
  summary: string;
  gain: number;
  lose: number;
  /** Adopted grants that become rule-backed, or go back to adopted (nobody gains or loses access). */
  covered: number;
  entitlements: EntitlementImpact[];
  sod: SodImpact[];
  affectedPersonIds: string[];
  templateBacked: TemplateBacked;
};

/** Canonical JSON (sorted keys) of a value. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** A short hash naming one change: a preview hands it out, the apply checks the change it receives still has it. */
export function changeToken(change: RoleChange): string {
  return createHash("sha256").update(canonical(change)).digest("base64url").slice(0, 32);
}

type RuleRow = { id: string; roleId: string; conditions: Condition[]; enabled: boolean; published: boolean };


/** The rule set before and after the change (in memory), and the template it concerns. */
async function loadSides(db: Queryable, change: RoleChange) {
  const rules: RuleRow[] = rowsOf<{ id: string; role_id: string; conditions: Condition[]; enabled: boolean; status: string }>(
    await db.execute(sql`SELECT r.id, r.role_id, r.conditions, r.enabled, t.status FROM birthright_rules r JOIN role_templates t ON t.id = r.role_id`),
  ).map((r) => ({ id: r.id, roleId: r.role_id, conditions: r.conditions ?? [], enabled: r.enabled, published: r.status === "published" }));
  const ents = new Map<string, Set<string>>();
  for (const re of await db.select({ roleId: roleEntitlements.roleId, entitlementId: roleEntitlements.entitlementId }).from(roleEntitlements)) {
    (ents.get(re.roleId) ?? ents.set(re.roleId, new Set()).get(re.roleId)!).add(re.entitlementId);
  }
  const after = rules.map((r) => ({ ...r }));
  const afterEnts = new Map([...ents].map(([k, v]) => [k, new Set(v)]));
  let roleId: string;
  if (change.kind === "rule.conditions" || change.kind === "rule.enabled") {
    const r = after.find((x) => x.id === change.ruleId);
    if (!r) throw new NotFoundError("No such rule.");
    roleId = r.roleId;
    if (change.kind === "rule.conditions") r.conditions = change.conditions as Condition[];
    else r.enabled = change.enabled;
  }
  else roleId = change.roleId;
  const [t] = await db.select({ id: roleTemplates.id, name: roleTemplates.name, status: roleTemplates.status }).from(roleTemplates).where(sql`${roleTemplates.id} = ${roleId}`);
  if (!t) throw new NotFoundError("No such role template.");
  if (change.kind !== "rule.conditions" && change.kind !== "rule.enabled") {
    const set = afterEnts.get(roleId) ?? afterEnts.set(roleId, new Set()).get(roleId)!;
    if (change.kind === "role.addEntitlement") set.add(change.entitlementId);
    else if (change.kind === "role.removeEntitlement") set.delete(change.entitlementId);
    else {
      if (t.status === "published") throw new ValidationError("This template is already published.");
      for (const r of after) if (r.roleId === roleId) r.published = true;
      if (change.rule) after.push({ id: "new", roleId, conditions: change.rule.conditions as Condition[], enabled: true, published: true });
    }
  }
  return { roleId, template: t, before: { rules, ents }, after: { rules: after, ents: afterEnts } };
}

/** (person, entitlement) pairs the given rules give, restricted to the entitlements in `scope`. */
function desiredSql(side: { rules: RuleRow[]; ents: Map<string, Set<string>> }, scope: Set<string>): SQL {
  const parts: SQL[] = [];
  for (const r of side.rules) {
    if (!r.enabled || !r.published) continue;
    const es = [...(side.ents.get(r.roleId) ?? [])].filter((e) => scope.has(e));
    if (es.length === 0) continue;
    parts.push(sql`SELECT p.id AS person_id, e.ent FROM people p CROSS JOIN (VALUES ${sql.join(es.map((x) => sql`(${x}::uuid)`), sql`, `)}) AS e(ent)
      WHERE p.status IN ('active', 'pre_hire') AND p.kind = 'human' AND (${rulePredicate(r.conditions)})`);
  }
  if (parts.length === 0) return sql`SELECT NULL::uuid AS person_id, NULL::uuid AS ent WHERE false`;
  return sql.join(parts, sql` UNION `);
}

/** Compute the blast radius in the caller's transaction or connection. Writes nothing. */
export async function computeRoleChangePreview(db: Queryable, change: RoleChange, sampleSize = 10): Promise<RoleChangePreview> {
  const { roleId, template, before, after } = await loadSides(db, change);
  const scope = new Set([...(before.ents.get(roleId) ?? []), ...(after.ents.get(roleId) ?? [])]);
  const templateBacked: TemplateBacked = { add: [], schedule: [], restore: [] };
  const empty: RoleChangePreview = {
    change, token: changeToken(change), roleId, roleName: template.name, summary: "No one gains or loses access.", gain: 0, lose: 0, covered: 0,
    entitlements: [], sod: [], affectedPersonIds: [], templateBacked,
  };
  if (scope.size === 0) return empty;
  // Access given through the template itself (source "role", sourceRef = the template) follows the template's
  // content: an entitlement added reaches its holders, one removed leaves them (after the overlap). Rules do not
  // touch it (the template was assigned, not derived), and a draft gives nothing to anyone.
  const tbEnt = (change.kind === "role.addEntitlement" || change.kind === "role.removeEntitlement") && template.status === "published" ? change.entitlementId : null;
  const tbAdd = tbEnt !== null && change.kind === "role.addEntitlement";
  const tbRemove = tbEnt !== null && change.kind === "role.removeEntitlement";
  const noPairs = sql`SELECT NULL::uuid AS person_id, NULL::uuid AS ent WHERE false`;
  const ofTemplate = (g: string) => sql`${sql.raw(g)}.source = 'role' AND ${sql.raw(g)}.source_ref = ${roleId} AND ${sql.raw(g)}.entitlement_id = ${tbEnt}::uuid AND ${sql.raw(g)}.adopted_at IS NULL`;
  const rows = rowsOf<{ side: "gain" | "lose" | "covered" | "restore" | "sod" | "tb_add" | "tb_schedule" | "tb_restore"; ent: string | null; person_id: string; policy_id: string | null; grant_id: string | null }>(
    await db.execute(sql`
      WITH b AS (${desiredSql(before, scope)}), a AS (${desiredSql(after, scope)}),
      holders AS (${tbEnt
        ? sql`SELECT DISTINCT g.person_id FROM grants g JOIN people p ON p.id = g.person_id
            WHERE g.status = 'active' AND g.source = 'role' AND g.source_ref = ${roleId} AND p.status IN ('active', 'pre_hire') AND p.kind = 'human'`
        : sql`SELECT NULL::uuid AS person_id WHERE false`}),
      rule_gain AS (
        SELECT d.person_id, d.ent FROM (SELECT person_id, ent FROM a EXCEPT SELECT person_id, ent FROM b) d
        WHERE NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active')),
      tb_gain AS (${tbAdd
        ? sql`SELECT h.person_id, ${tbEnt}::uuid AS ent FROM holders h
            WHERE NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = h.person_id AND g.entitlement_id = ${tbEnt}::uuid AND g.status = 'active')
            EXCEPT SELECT person_id, ent FROM rule_gain`
        : noPairs}),
      gain AS (SELECT person_id, ent FROM rule_gain UNION SELECT person_id, ent FROM tb_gain),
      tb_lose AS (${tbRemove
        ? sql`SELECT g.id AS grant_id, g.person_id, g.entitlement_id AS ent FROM grants g JOIN people p ON p.id = g.person_id
            WHERE g.status = 'active' AND ${ofTemplate("g")} AND g.expires_at IS NULL AND p.status IN ('active', 'pre_hire') AND p.kind = 'human'
              AND NOT EXISTS (SELECT 1 FROM a WHERE a.person_id = g.person_id AND a.ent = g.entitlement_id)
              AND NOT EXISTS (SELECT 1 FROM grants o WHERE o.person_id = g.person_id AND o.entitlement_id = g.entitlement_id AND o.status = 'active'
                AND NOT ((o.source = 'birthright' AND o.adopted_at IS NULL) OR (${ofTemplate("o")})))`
        : sql`SELECT NULL::uuid AS grant_id, NULL::uuid AS person_id, NULL::uuid AS ent WHERE false`}),
      tb_restore AS (${tbAdd
        ? sql`SELECT g.id AS grant_id, g.person_id FROM grants g JOIN holders h ON h.person_id = g.person_id
            WHERE g.status = 'active' AND ${ofTemplate("g")} AND g.expires_at IS NOT NULL AND g.reason LIKE 'Role template changed:%'`
        : sql`SELECT NULL::uuid AS grant_id, NULL::uuid AS person_id WHERE false`}),
      rule_restore AS (
        SELECT d.person_id, d.ent FROM (SELECT person_id, ent FROM a EXCEPT SELECT person_id, ent FROM b) d
        WHERE EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active' AND g.source = 'birthright' AND g.expires_at IS NOT NULL AND g.reason LIKE 'Mover:%')),
      rule_lose AS (
        SELECT d.person_id, d.ent FROM (SELECT person_id, ent FROM b EXCEPT SELECT person_id, ent FROM a) d
        WHERE EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active' AND g.source = 'birthright' AND g.expires_at IS NULL AND g.adopted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active' AND g.source <> 'birthright'
            AND NOT (${tbRemove ? ofTemplate("g") : sql`false`}))),
      lose AS (SELECT person_id, ent FROM rule_lose UNION SELECT person_id, ent FROM tb_lose),
      covered AS (
        SELECT d.person_id, d.ent FROM (SELECT person_id, ent FROM a EXCEPT SELECT person_id, ent FROM b) d
        WHERE EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active' AND g.source = 'adopted')
          AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active' AND g.source = 'birthright')
        UNION
        SELECT d.person_id, d.ent FROM (SELECT person_id, ent FROM b EXCEPT SELECT person_id, ent FROM a) d
        WHERE EXISTS (SELECT 1 FROM grants g WHERE g.person_id = d.person_id AND g.entitlement_id = d.ent AND g.status = 'active' AND g.source = 'birthright' AND g.adopted_at IS NOT NULL)),
      held AS (SELECT DISTINCT g.person_id, g.entitlement_id AS ent FROM grants g WHERE g.status = 'active' AND g.person_id IN (SELECT person_id FROM gain)),
      after_held AS ((SELECT person_id, ent FROM held EXCEPT SELECT person_id, ent FROM lose) UNION SELECT person_id, ent FROM gain),
      pol AS (
        SELECT s.id, sa.entitlement_id AS ea, sb.entitlement_id AS eb FROM sod_policies s
        JOIN sod_policy_entitlements sa ON sa.policy_id = s.id AND sa.side = 'a'
        JOIN sod_policy_entitlements sb ON sb.policy_id = s.id AND sb.side = 'b'
        WHERE s.enabled),
      conf_after AS (SELECT DISTINCT pol.id AS policy_id, x.person_id FROM pol JOIN after_held x ON x.ent = pol.ea JOIN after_held y ON y.person_id = x.person_id AND y.ent = pol.eb),
      conf_before AS (SELECT DISTINCT pol.id AS policy_id, x.person_id FROM pol JOIN held x ON x.ent = pol.ea JOIN held y ON y.person_id = x.person_id AND y.ent = pol.eb)
      SELECT 'gain' AS side, ent, person_id, NULL::uuid AS policy_id, NULL::uuid AS grant_id FROM gain
      UNION ALL SELECT 'lose', ent, person_id, NULL, NULL FROM lose
      UNION ALL SELECT 'covered', ent, person_id, NULL, NULL FROM covered
      UNION ALL SELECT 'tb_add', ent, person_id, NULL, NULL FROM tb_gain
      UNION ALL SELECT 'tb_schedule', ent, person_id, NULL, grant_id FROM tb_lose
      UNION ALL SELECT 'tb_restore', NULL, person_id, NULL, grant_id FROM tb_restore
      UNION ALL SELECT 'restore', ent, person_id, NULL, NULL FROM rule_restore
      UNION ALL SELECT 'sod', NULL, person_id, policy_id, NULL FROM (SELECT policy_id, person_id FROM conf_after EXCEPT SELECT policy_id, person_id FROM conf_before) n`),
  );
  for (const r of rows) {
    if (r.side === "tb_add") templateBacked.add.push({ personId: r.person_id, entitlementId: r.ent! });
    else if (r.side === "tb_schedule") templateBacked.schedule.push(r.grant_id!);
    else if (r.side === "tb_restore") templateBacked.restore.push(r.grant_id!);
  }
  // "restore": given again while a removal is pending: the re-sync cancels it (nobody gains or loses access).
  const restored = [...new Set(rows.filter((r) => r.side === "restore").map((r) => r.person_id))];
  if (!rows.some((r) => r.side === "gain" || r.side === "lose" || r.side === "covered" || r.side === "sod")) return { ...empty, affectedPersonIds: restored };

  const personIds = [...new Set(rows.filter((r) => r.side === "gain" || r.side === "lose" || r.side === "covered" || r.side === "restore").map((r) => r.person_id))];
  const entIds = [...new Set(rows.map((r) => r.ent).filter((x): x is string => Boolean(x)))];
  const policyIds = [...new Set(rows.map((r) => r.policy_id).filter((x): x is string => Boolean(x)))];
  const inList = (ids: string[]) => sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `);
  // Names only for the samples and the entitlements shown (small), never for everyone affected.
  const samplePeople = new Set<string>();
  const byEnt = new Map<string, { gain: string[]; lose: string[] }>();
  const bySod = new Map<string, string[]>();
  let covered = 0;
  for (const r of rows) {
    if (r.side === "covered") covered++;
    else if (r.side === "sod") (bySod.get(r.policy_id!) ?? bySod.set(r.policy_id!, []).get(r.policy_id!)!).push(r.person_id);
    else if (r.side === "gain" || r.side === "lose") {
      const e = byEnt.get(r.ent!) ?? byEnt.set(r.ent!, { gain: [], lose: [] }).get(r.ent!)!;
      e[r.side].push(r.person_id);
    }
  }
  for (const e of byEnt.values()) for (const l of [e.gain, e.lose]) l.slice(0, sampleSize).forEach((p) => samplePeople.add(p));
  for (const l of bySod.values()) l.slice(0, sampleSize).forEach((p) => samplePeople.add(p));
  const names = new Map(
    samplePeople.size
      ? rowsOf<{ id: string; display_name: string }>(await db.execute(sql`SELECT id, display_name FROM people WHERE id IN (${inList([...samplePeople])})`)).map((r) => [r.id, r.display_name])
      : [],
  );
  const entNames = new Map(
    entIds.length
      ? rowsOf<{ id: string; name: string; app: string }>(
          await db.execute(sql`SELECT e.id, e.name, a.name AS app FROM entitlements e JOIN applications a ON a.id = e.application_id WHERE e.id IN (${inList(entIds)})`),
        ).map((r) => [r.id, r])
      : [],
  );
  const pols = new Map(
    policyIds.length
      ? rowsOf<{ id: string; name: string; severity: string }>(await db.execute(sql`SELECT id, name, severity::text AS severity FROM sod_policies WHERE id IN (${inList(policyIds)})`)).map((r) => [r.id, r])
      : [],
  );
  const sample = (ids: string[]) => ids.slice(0, sampleSize).map((i) => names.get(i) ?? i);
  const entitlements: EntitlementImpact[] = [...byEnt].map(([id, e]) => ({
    entitlementId: id, name: entNames.get(id)?.name ?? id, application: entNames.get(id)?.app ?? "",
    gain: e.gain.length, lose: e.lose.length, sampleGain: sample(e.gain), sampleLose: sample(e.lose),
  })).sort((x, y) => y.gain + y.lose - (x.gain + x.lose));
  const sod: SodImpact[] = [...bySod].map(([id, ps]) => ({ policyId: id, name: pols.get(id)?.name ?? id, severity: pols.get(id)?.severity ?? "high", people: ps.length, sample: sample(ps) }));
  const gain = entitlements.reduce((s, e) => s + e.gain, 0);
  const lose = entitlements.reduce((s, e) => s + e.lose, 0);
  const summary = [
    ...entitlements.filter((e) => e.gain).map((e) => `+${e.gain} gain ${e.application} ${e.name}`),
    ...entitlements.filter((e) => e.lose).map((e) => `−${e.lose} lose ${e.application} ${e.name}`),
    ...(sod.length ? [`${sod.reduce((s, x) => s + x.people, 0)} new SoD conflicts`] : []),
  ].join(", ");
  return { ...empty, summary: summary || empty.summary, gain, lose, covered, entitlements, sod, affectedPersonIds: personIds };
}

/** The service verb: admins preview a change before saving it. */
export async function previewRoleChange({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RoleChangePreview> {
  if (!can(ctx.actor, "role.edit")) throw new ForbiddenError("Only admins can change roles and rules.");
  const parsed = roleChangeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid change");
  await checkChangeConditions(ctx.db, parsed.data);
  return computeRoleChangePreview(ctx.db, parsed.data);
}

/** Conditions a change introduces must name known HR attributes (a typo would silently match nobody). */
export async function checkChangeConditions(db: Queryable, change: RoleChange): Promise<void> {
  const conditions = change.kind === "rule.conditions" ? change.conditions : change.kind === "role.publish" ? (change.rule?.conditions ?? []) : [];
  if (conditions.length) await checkConditionAttributes(db, conditions as Condition[]);
}

/** Write the change itself (the caller holds the transaction). Used by applyRoleChange. */
export async function writeRoleChange(tx: Queryable, change: RoleChange, now: Date): Promise<{ ruleId?: string }> {
  switch (change.kind) {
    case "rule.conditions":
      await tx.update(birthrightRules).set({ conditions: change.conditions, updatedAt: now }).where(sql`${birthrightRules.id} = ${change.ruleId}`);
      return { ruleId: change.ruleId };
    case "rule.enabled":
      await tx.update(birthrightRules).set({ enabled: change.enabled, updatedAt: now }).where(sql`${birthrightRules.id} = ${change.ruleId}`);
      return { ruleId: change.ruleId };
    case "role.addEntitlement":
      await tx.insert(roleEntitlements).values({ roleId: change.roleId, entitlementId: change.entitlementId }).onConflictDoNothing();
      await tx.update(roleTemplates).set({ updatedAt: now }).where(sql`${roleTemplates.id} = ${change.roleId}`);
      return {};
    case "role.removeEntitlement":
      await tx.delete(roleEntitlements).where(sql`${roleEntitlements.roleId} = ${change.roleId} AND ${roleEntitlements.entitlementId} = ${change.entitlementId}`);
      await tx.update(roleTemplates).set({ updatedAt: now }).where(sql`${roleTemplates.id} = ${change.roleId}`);
      return {};
    case "role.publish": {
      await tx.update(roleTemplates).set({ status: "published", updatedAt: now }).where(sql`${roleTemplates.id} = ${change.roleId}`);
      if (!change.rule) return {};
      const [r] = await tx.insert(birthrightRules).values({ name: change.rule.name, roleId: change.roleId, conditions: change.rule.conditions }).returning({ id: birthrightRules.id });
      return { ruleId: r.id };
    }
  }
}
