/**
 * Role mining over the live organisation, as a job (kind "mining") with visible progress.
 *
 * startMining (admin, security, auditor): records the job and an audit event in one transaction, then runs
 * runMining in the background (like launchCampaign) and returns the job id at once; `done` settles when the
 * job ends (actions do not await it; tests do). getMiningJob: the job by id (or the latest one) for polling.
 *
 * runMining phases (progress done/total = phase/6):
 *  1. bulk load: active grants of people who have not left (person × entitlement), their HR attributes,
 *     the catalogue (names), existing role templates with their entitlements;
 *  2. mineRoles (exact minimum-role cover with a lower bound, time-limited, default 8 s);
 *  3. explainRoles on department, title, level, location, employmentType, team;
 *  4. closest existing template per mined role: best Jaccard similarity of entitlement sets;
 *  5. coverage curve (roles sorted by assignments they cover; cumulative share of DISTINCT assignments, since
 *     roles of a cover may overlap) and role size distribution; peer outliers (top scores) for the chart;
 *  6. store the result in the job row.
 * Complexity: O(grants) load + mining budget + O(roles × templates × role size) for the matching.
 */
import { and, desc, eq, ne } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { applications, entitlements, grants, jobs, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { explainRoles, type Attributes } from "@/lib/domain/mining/attributes";
import { findOutliers } from "@/lib/domain/mining/peers";
import { mineRoles } from "@/lib/domain/mining/role-mining";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const MINING_ATTRIBUTES = ["department", "title", "level", "location", "employmentType", "team"] as const;
const PHASES = 6;

export const startMiningInput = z.object({ timeLimitMs: z.coerce.number().int().min(200).max(120_000).default(8000) });

export type MinedRoleRow = {
  id: string;
  members: number;
  memberIds: string[];
  entitlements: Array<{ id: string; name: string; application: string }>;
  assignments: number;
  conditions: Array<{ text: string; coverage: number; precision: number }>;
  closest: { id: string; name: string; status: string; similarity: number } | null;
};

export type MiningResult = {
  people: number;
  entitlements: number;
  assignments: number;
  roles: MinedRoleRow[];
  lowerBound: number;
  optimal: boolean;
  seconds: number;
  coverage: Array<{ roles: number; share: number }>;
  sizes: Array<{ size: number; roles: number }>;
  outliers: Array<{ personId: string; name: string; score: number }>;
};

export async function startMining({ ctx, input }: { ctx: Ctx; input?: unknown }) {
  if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError("Only admins, security and auditors can mine roles.");
  const p = startMiningInput.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid options");
  const jobId = await ctx.db.transaction(async (tx) => {
    const [j] = await tx
      .insert(jobs)
      .values({ kind: "mining", status: "running", input: p.data, createdById: ctx.actor.personId, startedAt: new Date(), total: PHASES, message: "Loading access" })
      .returning({ id: jobs.id });
    await recordAudit(tx, { actorId: ctx.actor.personId, actorKind: "person", action: "mining.started", targetKind: "job", targetId: j!.id, data: p.data });
    return j!.id;
  });
  const done = runMining(ctx.db, jobId, p.data.timeLimitMs).catch(() => undefined);
  return { jobId, done };
}

export async function getMiningJob({ ctx, input }: { ctx: Ctx; input?: { jobId?: string | null } }) {
  if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError();
  const id = input?.jobId ? z.string().uuid().safeParse(input.jobId) : null;
  if (id && !id.success) throw new NotFoundError("No such job.");
  const where = id?.success ? and(eq(jobs.id, id.data), eq(jobs.kind, "mining")) : eq(jobs.kind, "mining");
  const [j] = await ctx.db
    .select({ id: jobs.id, status: jobs.status, done: jobs.done, total: jobs.total, message: jobs.message, result: jobs.result, error: jobs.error, createdAt: jobs.createdAt, finishedAt: jobs.finishedAt })
    .from(jobs)
    .where(where)
    .orderBy(desc(jobs.createdAt))
    .limit(1);
  if (!j && id) throw new NotFoundError("No such job.");
  if (!j) return null;
  return { ...j, result: (j.result ?? null) as MiningResult | null };
}

const progress = (db: Queryable, jobId: string, done: number, message: string) => db.update(jobs).set({ done, message }).where(eq(jobs.id, jobId));

export async function runMining(db: Queryable, jobId: string, timeLimitMs = 8000): Promise<MiningResult> {
  try {
    const [held, persons, ents, tmpl, tmplEnts] = await Promise.all([
      db
        .select({ personId: grants.personId, entitlementId: grants.entitlementId })
        .from(grants)
        .innerJoin(people, eq(people.id, grants.personId))
        .where(and(eq(grants.status, "active"), ne(people.status, "terminated"))),
      db
        .select({ id: people.id, name: people.displayName, department: people.department, title: people.title, level: people.level, location: people.location, employmentType: people.employmentType, attributes: people.attributes })
        .from(people)
        .where(ne(people.status, "terminated")),
      db.select({ id: entitlements.id, name: entitlements.name, application: applications.name }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId)),
      db.select({ id: roleTemplates.id, name: roleTemplates.name, status: roleTemplates.status }).from(roleTemplates).where(ne(roleTemplates.status, "retired")),
      db.select({ roleId: roleEntitlements.roleId, entitlementId: roleEntitlements.entitlementId }).from(roleEntitlements),
    ]);
    await progress(db, jobId, 1, `Mining roles from ${held.length} assignments (up to ${Math.round(timeLimitMs / 1000)} s)`);

    const t0 = performance.now();
    const mined = mineRoles(held.map((g) => [g.personId, g.entitlementId] as const), { timeLimitMs });
    await progress(db, jobId, 2, `${mined.roles.length} roles found (lower bound ${mined.lowerBound}); explaining them with HR attributes`);

    const attrs = new Map<string, Attributes>();
    for (const p of persons) {
      const a = (p.attributes ?? {}) as Record<string, unknown>;
      attrs.set(p.id, { department: p.department, title: p.title, level: p.level, location: p.location, employmentType: p.employmentType, team: typeof a.team === "string" ? a.team : null });
    }
    const explanations = explainRoles(mined.roles, attrs, { attributes: [...MINING_ATTRIBUTES], maxConditions: 3 });
    await progress(db, jobId, 3, "Comparing with existing role templates");

    const tmplSets = new Map<string, Set<string>>();
    for (const r of tmplEnts) {
      let s = tmplSets.get(r.roleId);
      if (!s) tmplSets.set(r.roleId, (s = new Set()));
      s.add(r.entitlementId);
    }
    const entById = new Map(ents.map((e) => [e.id, e]));
    const closestOf = (perms: string[]): MinedRoleRow["closest"] => {
      let best: MinedRoleRow["closest"] = null;
      for (const t of tmpl) {
        const s = tmplSets.get(t.id);
        if (!s?.size) continue;
        let inter = 0;
        for (const p of perms) if (s.has(p)) inter += 1;
        const sim = inter / (perms.length + s.size - inter);
        if (inter > 0 && (!best || sim > best.similarity)) best = { id: t.id, name: t.name, status: t.status, similarity: Math.round(sim * 1000) / 1000 };
      }
      return best;
    };
    const roles: MinedRoleRow[] = mined.roles.map((r, i) => ({
      id: `R${i + 1}`,
      members: r.users.length,
      memberIds: r.users,
      entitlements: r.permissions
        .map((id) => ({ id, name: entById.get(id)?.name ?? id, application: entById.get(id)?.application ?? "" }))
        .sort((a, b) => a.application.localeCompare(b.application) || a.name.localeCompare(b.name)),
      assignments: r.users.length * r.permissions.length,
      conditions: (explanations[i]?.conditions ?? []).map((c) => ({
        text: c.conditions.map((x) => `${x.attribute} = ${x.value}`).join(" and "),
        coverage: Math.round(c.coverage * 1000) / 1000,
        precision: Math.round(c.precision * 1000) / 1000,
      })),
      closest: closestOf(r.permissions),
    }));
    roles.sort((a, b) => b.assignments - a.assignments || b.members - a.members);
    roles.forEach((r, i) => (r.id = `R${i + 1}`));
    await progress(db, jobId, 4, "Computing the coverage curve, role sizes and outliers");

    // Coverage: distinct assignments covered by the k largest roles (overlaps counted once).
    const seen = new Set<string>();
    const coverage: MiningResult["coverage"] = [{ roles: 0, share: 0 }];
    const total = held.length || 1;
    roles.forEach((r, k) => {
      for (const u of r.memberIds) for (const e of r.entitlements) seen.add(`${u}|${e.id}`);
      coverage.push({ roles: k + 1, share: Math.round((seen.size / total) * 10000) / 10000 });
    });
    const sizeCount = new Map<number, number>();
    for (const r of roles) sizeCount.set(r.entitlements.length, (sizeCount.get(r.entitlements.length) ?? 0) + 1);
    const sizes = [...sizeCount].map(([size, n]) => ({ size, roles: n })).sort((a, b) => a.size - b.size);

    const access = new Map<string, Set<string>>();
    for (const g of held) {
      let s = access.get(g.personId);
      if (!s) access.set(g.personId, (s = new Set()));
      s.add(g.entitlementId);
    }
    const nameOf = new Map(persons.map((p) => [p.id, p.name]));
    const outliers = findOutliers(persons, access)
      .slice(0, 15)
      .map((o) => ({ personId: o.person, name: nameOf.get(o.person) ?? o.person, score: Math.round(o.score * 100) / 100 }));

    const result: MiningResult = {
      people: new Set(held.map((g) => g.personId)).size,
      entitlements: mined.permissions,
      assignments: held.length,
      roles,
      lowerBound: mined.lowerBound,
      optimal: mined.optimal,
      seconds: Math.round((performance.now() - t0) / 10) / 100,
      coverage,
      sizes,
      outliers,
    };
    await db.transaction(async (tx) => {
      await tx
        .update(jobs)
        .set({ status: "succeeded", done: PHASES, finishedAt: new Date(), message: `${roles.length} roles cover ${held.length} assignments${mined.optimal ? " (proven minimal)" : ` (lower bound ${mined.lowerBound})`}`, result })
        .where(eq(jobs.id, jobId));
      await recordAudit(tx, { actorKind: "system", action: "mining.finished", targetKind: "job", targetId: jobId, data: { roles: roles.length, assignments: held.length, lowerBound: mined.lowerBound, optimal: mined.optimal } });
    });
    return result;
  } catch (err) {
    await db.update(jobs).set({ status: "failed", finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) }).where(eq(jobs.id, jobId));
    throw err;
  }
}
