/**
 * Separation-of-duties policies, managed by admins: two sets of entitlements that one person must
 * not hold together (side A × side B), with what a request that would create the combination does:
 * "block" (refused) or "require_approval" (warned, and always routed to a person).
 *
 * Before saving, a preview names who violates the policy today (active, unexpired grants — the same
 * definition the request assessment and the person page use), so an admin sees the blast radius.
 * Saving never removes anyone's access: existing violations become findings to review.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Queryable } from "@/db/client";
import { entitlements, sodPolicies, sodPolicyEntitlements } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";

const ids = z.array(z.string().uuid("Unknown entitlement")).min(1).max(200);
export const sodSidesInput = z
  .object({ sideA: ids, sideB: ids })
  .refine((v) => !v.sideA.some((x) => v.sideB.includes(x)), { message: "An entitlement cannot be on both sides." });
export const saveSodPolicyInput = z
  .object({
    id: z.string().uuid().optional(),
    name: z.string().trim().min(1, "Give the policy a name").max(120),
    description: z.string().trim().max(1000).default(""),
    severity: z.enum(["low", "medium", "high", "critical"]).default("high"),
    action: z.enum(["block", "require_approval"]).default("require_approval"),
    enabled: z.boolean().default(true),
    sideA: ids,
    sideB: ids,
  })
  .refine((v) => !v.sideA.some((x) => v.sideB.includes(x)), { message: "An entitlement cannot be on both sides." });

export type SodViolator = { personId: string; displayName: string; department: string; status: string; sideA: string[]; sideB: string[] };
export type SodPolicyView = {
  id: string; name: string; description: string; severity: string; action: "block" | "require_approval"; enabled: boolean;
  sideA: Array<{ id: string; label: string }>; sideB: Array<{ id: string; label: string }>; violators: number;
};

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(r.error.issues[0]?.message ?? "Invalid policy");
  return r.data;
}

async function checkEntitlements(db: Queryable, list: string[]) {
  const found = await db.select({ id: entitlements.id }).from(entitlements).where(inArray(entitlements.id, list));
  if (found.length !== new Set(list).size) throw new ValidationError("Some entitlements do not exist (any more).");
}

/** People who hold at least one entitlement of each side now (limit for display; total counted). */
export async function sodViolators(db: Queryable, sideA: string[], sideB: string[], now: Date, limit = 50): Promise<{ total: number; people: SodViolator[] }> {
  const arr = (xs: string[]) => sql`ARRAY[${sql.join(xs.map((x) => sql`${x}::uuid`), sql`, `)}]`;
  const rows = rowsOf<{ person_id: string; display_name: string; department: string; status: string; a: string[]; b: string[]; total: string | number }>(
    await db.execute(sql`
      WITH held AS (
        SELECT g.person_id, g.entitlement_id FROM grants g
        WHERE g.status = 'active' AND (g.expires_at IS NULL OR g.expires_at > ${now.toISOString()}::timestamptz)
          AND g.entitlement_id = ANY(${arr([...sideA, ...sideB])})),
      v AS (
        SELECT h.person_id,
          array_agg(DISTINCT a.name || ' ' || e.name) FILTER (WHERE h.entitlement_id = ANY(${arr(sideA)})) AS a,
          array_agg(DISTINCT a.name || ' ' || e.name) FILTER (WHERE h.entitlement_id = ANY(${arr(sideB)})) AS b
        FROM held h JOIN entitlements e ON e.id = h.entitlement_id JOIN applications a ON a.id = e.application_id
        GROUP BY h.person_id
        HAVING bool_or(h.entitlement_id = ANY(${arr(sideA)})) AND bool_or(h.entitlement_id = ANY(${arr(sideB)})))
      SELECT v.person_id, p.display_name, p.department, p.status, v.a, v.b, count(*) OVER () AS total
      FROM v JOIN people p ON p.id = v.person_id
      ORDER BY p.display_name, p.id
      LIMIT ${limit}`),
  );
  return {
    total: rows.length ? Number(rows[0]!.total) : 0,
    people: rows.map((r) => ({ personId: r.person_id, displayName: r.display_name, department: r.department, status: r.status, sideA: r.a ?? [], sideB: r.b ?? [] })),
  };
}

export async function previewSodPolicy({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can edit separation-of-duties policies.");
  const { sideA, sideB } = parse(sodSidesInput, input);
  await checkEntitlements(ctx.db, [...sideA, ...sideB]);
  return sodViolators(ctx.db, sideA, sideB, nowOf(ctx));
}

export async function listSodPolicies({ ctx }: { ctx: Ctx; input?: unknown }): Promise<SodPolicyView[]> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only admins, security and auditors can see separation-of-duties policies.");
  const now = nowOf(ctx);
  const policies = await ctx.db.select().from(sodPolicies).orderBy(sodPolicies.name);
  if (!policies.length) return [];
  const sides = rowsOf<{ policy_id: string; side: "a" | "b"; id: string; label: string }>(
    await ctx.db.execute(sql`
      SELECT pe.policy_id, pe.side, e.id, a.name || ' · ' || e.name AS label
      FROM sod_policy_entitlements pe JOIN entitlements e ON e.id = pe.entitlement_id JOIN applications a ON a.id = e.application_id
      ORDER BY a.name, e.name`),
  );
  const out: SodPolicyView[] = [];
  for (const p of policies) {
    const mine = sides.filter((s) => s.policy_id === p.id);
    const sideA = mine.filter((s) => s.side === "a").map((s) => ({ id: s.id, label: s.label }));
    const sideB = mine.filter((s) => s.side === "b").map((s) => ({ id: s.id, label: s.label }));
    const violators = sideA.length && sideB.length ? (await sodViolators(ctx.db, sideA.map((x) => x.id), sideB.map((x) => x.id), now, 1)).total : 0;
    out.push({ id: p.id, name: p.name, description: p.description, severity: p.severity, action: p.action, enabled: p.enabled, sideA, sideB, violators });
  }
  return out;
}

/** Create or update a policy (admins), audited with the violators it has today. */
export async function saveSodPolicy({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can edit separation-of-duties policies.");
  const v = parse(saveSodPolicyInput, input);
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    await checkEntitlements(tx, [...v.sideA, ...v.sideB]);
    const dup = await tx.select({ id: sodPolicies.id }).from(sodPolicies).where(sql`lower(${sodPolicies.name}) = lower(${v.name})`);
    if (dup.some((d) => d.id !== v.id)) throw new ConflictError(`A policy named "${v.name}" already exists.`);
    let id = v.id;
    const values = { name: v.name, description: v.description, severity: v.severity, action: v.action, enabled: v.enabled };
    if (id) {
      const done = await tx.update(sodPolicies).set(values).where(eq(sodPolicies.id, id)).returning({ id: sodPolicies.id });
      if (!done.length) throw new NotFoundError("No such policy.");
      await tx.delete(sodPolicyEntitlements).where(eq(sodPolicyEntitlements.policyId, id));
    } else {
      const [row] = await tx.insert(sodPolicies).values(values).returning({ id: sodPolicies.id });
      id = row!.id;
    }
    await tx.insert(sodPolicyEntitlements).values([
      ...v.sideA.map((entitlementId) => ({ policyId: id!, entitlementId, side: "a" as const })),
      ...v.sideB.map((entitlementId) => ({ policyId: id!, entitlementId, side: "b" as const })),
    ]);
    const violators = await sodViolators(tx, v.sideA, v.sideB, now, 1);
    await recordAudit(tx, {
      actorId: ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId,
      actorKind: ctx.actor.personId === "system:cli" ? "cli" : ctx.actor.personId.startsWith("system:") ? "system" : "person",
      action: v.id ? "sod.policy.updated" : "sod.policy.created", targetKind: "sod_policy", targetId: id,
      data: { ...values, sideA: v.sideA, sideB: v.sideB, violatorsToday: violators.total },
    });
    return { id: id!, violatorsToday: violators.total };
  });
}

export async function deleteSodPolicy({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can edit separation-of-duties policies.");
  const { id } = parse(z.object({ id: z.string().uuid("Unknown policy") }), input);
  return ctx.db.transaction(async (tx) => {
    const [p] = await tx.delete(sodPolicies).where(and(eq(sodPolicies.id, id))).returning();
    if (!p) throw new NotFoundError("No such policy.");
    await recordAudit(tx, {
      actorId: ctx.actor.personId.startsWith("system:") ? null : ctx.actor.personId, actorKind: ctx.actor.personId.startsWith("system:") ? "system" : "person",
      action: "sod.policy.deleted", targetKind: "sod_policy", targetId: id, data: { name: p.name },
    });
    return { id, name: p.name };
  });
}

/** Entitlements to choose from, grouped by application (for the policy form). */
export async function sodEntitlementChoices({ ctx }: { ctx: Ctx }) {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError();
  return rowsOf<{ id: string; application: string; name: string; privileged: boolean }>(
    await ctx.db.execute(sql`
      SELECT e.id, a.name AS application, e.name, e.privileged FROM entitlements e JOIN applications a ON a.id = e.application_id
      ORDER BY a.name, e.name`),
  );
}
