/**
 * Role mining over the live organisation, as a job (kind "mining") with visible progress.
 *
 * startMining (admin, security, auditor): records the job and an audit event in one transaction, then runs
 * runMining in the background (like launchCampaign) and returns the job id at once; `done` settles when the
 * job ends (actions do not await it; tests do). getMiningJob: the job by id (or the latest one) for polling.
 * One mining at a time per person (a second start while one runs is refused, under an advisory lock);
 * cancelMining (the starter or an admin) stops it at once.
 *
 * The solver runs on a worker thread (lib/jobs/thread.ts): with a budget of up to 120 s it would otherwise hold
 * the web process's event loop and stall every other request. Cancellation terminates the thread; a job
 * cancelled from another process is noticed by polling its row every second.
 *
 * Two modes:
 *  - "exact" (default): the minimum-role cover that reproduces everyone's access exactly (mineRoles);
 *  - "approximate": fewer roles covering at least `coverage` (default 95 %) of the assignments, each role a set
 *    of entitlements held by everyone it names (so it never grants extra access); the assignments left over
 *    are listed as exceptions (person, entitlement), never dropped (lib/domain/mining/approximate.ts).
 *
 * runMining phases (progress done/total = phase/6):
 *  1. bulk load: active grants of people who have not left (person × entitlement), their HR attributes,
 *     the catalogue (names, levels), existing role templates with their entitlements;
 *  2. mineRoles or approximateRoles (time-limited, default 8 s);
 *  3. names from members' titles and departments (lib/domain/mining/naming.ts) and explainRoles on
 *     department, title, level, location, employmentType, team;
 *  4. closest existing template per mined role: best Jaccard similarity of entitlement sets;
 *  5. coverage curve (roles sorted by assignments they cover; cumulative share of DISTINCT assignments, since
 *     roles of a cover may overlap) and role size distribution; peer outliers (top scores) for the chart;
 *  6. store the result in the job row.
 * Complexity: O(grants) load + mining budget + O(roles × templates × role size) for the matching.
 */
import { and, desc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { applications, entitlements, grants, jobs, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { explainRoles, type Attributes } from "@/lib/domain/mining/attributes";
import { nameRoles, type RoleName } from "@/lib/domain/mining/naming";
import { findOutliers } from "@/lib/domain/mining/peers";
import { CancelledError, runAnalyticsInThread } from "@/lib/jobs/thread";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

export const MINING_ATTRIBUTES = ["department", "title", "level", "location", "employmentType", "team"] as const;
const PHASES = 6;

export const startMiningInput = z.object({
  timeLimitMs: z.coerce.number().int().min(200).max(120_000).default(8000),
  mode: z.enum(["exact", "approximate"]).default("exact"),
  /** Approximate mode: share of assignments the roles must cover (0.5 to 1). */
  coverage: z.coerce.number().min(0.5, "Coverage must be at least 50%").max(1, "Coverage cannot exceed 100%").default(0.95),
});
export type MiningOptions = z.infer<typeof startMiningInput>;

export type MinedRoleRow = {
  id: string;
  /** Name from the members' titles / departments, unique within the result. */
  name: string;
  naming: Pick<RoleName, "basis" | "matching" | "share" | "titles" | "departments" | "why">;
  members: number;
  memberIds: string[];
  entitlements: Array<{ id: string; name: string; application: string; level: string }>;
  assignments: number;
  /** Approximate mode: assignments this role covers that no larger role did; how its candidate was found. */
  gain?: number;
  origin?: string;
  conditions: Array<{ text: string; coverage: number; precision: number }>;
  closest: { id: string; name: string; status: string; similarity: number } | null;
};

export type MiningException = { personId: string; person: string; title: string | null; entitlementId: string; entitlement: string; application: string };

export type MiningResult = {
  mode: "exact" | "approximate";
  /** Approximate mode's target share (1 in exact mode). */
  target: number;
  /** Distinct assignments the roles cover, and their share of all assignments. */
  covered: number;
  coveredShare: number;
  /** Assignments no role covers (approximate mode), by person name; empty in exact mode. */
  exceptions: MiningException[];
  /** Approximate mode: the budget ran out before every candidate was weighed. */
  truncated?: boolean;
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

/** A running job older than this is considered dead (its process stopped): it no longer blocks a new start. */
const STALE_AFTER_MS = 120_000 + 5 * 60_000;
/** Mining jobs running in this process, by job id: cancelMining aborts them here. */
const running = new Map<string, AbortController>();

export async function startMining({ ctx, input }: { ctx: Ctx; input?: unknown }) {
  if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError("Only admins, security and auditors can mine roles.");
  const p = startMiningInput.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid options");
  const jobId = await ctx.db.transaction(async (tx) => {
    // One at a time per person: the lock makes two concurrent starts see each other.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`gatehouse.mining:${ctx.actor.personId}`}))`);
    const [busy] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.kind, "mining"), inArray(jobs.status, ["queued", "running"]), eq(jobs.createdById, ctx.actor.personId), gt(jobs.createdAt, new Date(Date.now() - STALE_AFTER_MS))))
      .limit(1);
    if (busy) throw new ConflictError("You already have a role mining running: wait for it to finish or cancel it first.");
    const [j] = await tx
      .insert(jobs)
      .values({ kind: "mining", status: "running", input: p.data, createdById: ctx.actor.personId, startedAt: new Date(), total: PHASES, message: "Loading access" })
      .returning({ id: jobs.id });
    await recordAudit(tx, { actorId: ctx.actor.personId, actorKind: "person", action: "mining.started", targetKind: "job", targetId: j!.id, data: p.data });
    return j!.id;
  });
  const abort = new AbortController();
  running.set(jobId, abort);
  const done = runMining(ctx.db, jobId, p.data, abort.signal)
    .catch(() => undefined)
    .finally(() => running.delete(jobId));
  return { jobId, done };
}

/** Cancel a queued or running mining job: its starter or an admin. Audited; the thread stops at once. */
export async function cancelMining({ ctx, input }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError("Only admins, security and auditors can mine roles.");
  const id = z.object({ jobId: z.string().uuid() }).safeParse(input);
  if (!id.success) throw new NotFoundError("No such job.");
  const jobId = id.data.jobId;
  await ctx.db.transaction(async (tx) => {
    const [j] = await tx.select({ status: jobs.status, createdById: jobs.createdById }).from(jobs).where(and(eq(jobs.id, jobId), eq(jobs.kind, "mining")));
    if (!j) throw new NotFoundError("No such job.");
    if (j.createdById !== ctx.actor.personId && !ctx.actor.roles.includes("admin")) throw new ForbiddenError("Only who started a mining (or an admin) can cancel it.");
    const [changed] = await tx
      .update(jobs)
      .set({ status: "cancelled", finishedAt: new Date(), message: `Cancelled by ${ctx.actor.name}` })
      .where(and(eq(jobs.id, jobId), inArray(jobs.status, ["queued", "running"])))
      .returning({ id: jobs.id });
    if (!changed) throw new ConflictError(`This mining has already ${j.status === "cancelled" ? "been cancelled" : "finished"}.`);
    await recordAudit(tx, { actorId: ctx.actor.personId, actorKind: "person", action: "mining.cancelled", targetKind: "job", targetId: jobId, data: {} });
  });
  running.get(jobId)?.abort();
  return { jobId, status: "cancelled" as const };
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

const progress = (db: Queryable, jobId: string, done: number, message: string) => db.update(jobs).set({ done, message }).where(and(eq(jobs.id, jobId), eq(jobs.status, "running")));

export async function runMining(db: Queryable, jobId: string, options: Partial<MiningOptions> = {}, signal?: AbortSignal): Promise<MiningResult> {
  const { timeLimitMs, mode, coverage: target } = startMiningInput.parse(options);
  // Cancellation from another process: the job row says "cancelled".
  const local = new AbortController();
  const onAbort = () => local.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) local.abort();
  const poll = setInterval(() => {
    void db
      .select({ status: jobs.status })
      .from(jobs)
      .where(eq(jobs.id, jobId))
      .then(([j]) => {
        if (j?.status === "cancelled") local.abort();
      })
      .catch(() => undefined);
  }, 1000);
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
      db.select({ id: entitlements.id, name: entitlements.name, application: applications.name, level: entitlements.level }).from(entitlements).innerJoin(applications, eq(applications.id, entitlements.applicationId)),
      db.select({ id: roleTemplates.id, name: roleTemplates.name, status: roleTemplates.status }).from(roleTemplates).where(ne(roleTemplates.status, "retired")),
      db.select({ roleId: roleEntitlements.roleId, entitlementId: roleEntitlements.entitlementId }).from(roleEntitlements),
    ]);
    await progress(db, jobId, 1, mode === "exact" ? `Mining roles from ${held.length} assignments (up to ${Math.round(timeLimitMs / 1000)} s)` : `Mining approximate roles covering ${Math.round(target * 100)}% of ${held.length} assignments (up to ${Math.round(timeLimitMs / 1000)} s)`);

    const t0 = performance.now();
    const pairs = held.map((g) => [g.personId, g.entitlementId] as const);
    // On a worker thread: the web process keeps serving while the solver uses its budget.
    const mined =
      mode === "exact"
        ? { ...(await runAnalyticsInThread("mineRoles", { pairs, options: { timeLimitMs } }, { signal: local.signal, timeoutMs: timeLimitMs + 60_000 })), approx: null }
        : await runAnalyticsInThread(
            "approximateRoles",
            { pairs, people: persons.map((p) => [p.id, { department: p.department, title: p.title }] as [string, { department: string | null; title: string | null }]), options: { coverage: target, timeLimitMs } },
            { signal: local.signal, timeoutMs: timeLimitMs + 60_000 },
          ).then((a) => ({ roles: a.roles, permissions: a.permissions, lowerBound: 0, optimal: false, approx: a }));
    if (local.signal.aborted) throw new CancelledError();
    await progress(
      db, jobId, 2,
      mined.approx
        ? `${mined.roles.length} roles cover ${Math.round(mined.approx.coverage * 1000) / 10}% of the assignments; ${mined.approx.exceptions.length} exceptions; naming them from titles`
        : `${mined.roles.length} roles found (lower bound ${mined.lowerBound}); naming and explaining them with HR attributes`,
    );

    const attrs = new Map<string, Attributes>();
    for (const p of persons) {
      const a = (p.attributes ?? {}) as Record<string, unknown>;
      attrs.set(p.id, { department: p.department, title: p.title, level: p.level, location: p.location, employmentType: p.employmentType, team: typeof a.team === "string" ? a.team : null });
    }
    const explanations = explainRoles(mined.roles, attrs, { attributes: [...MINING_ATTRIBUTES], maxConditions: 3 });
    const entById = new Map(ents.map((e) => [e.id, e]));
    const nameOf = new Map(persons.map((p) => [p.id, p.name]));
    const personById = new Map(persons.map((p) => [p.id, p]));
    await progress(db, jobId, 3, "Comparing with existing role templates");

    const tmplSets = new Map<string, Set<string>>();
    for (const r of tmplEnts) {
      let s = tmplSets.get(r.roleId);
      if (!s) tmplSets.set(r.roleId, (s = new Set()));
      s.add(r.entitlementId);
    }
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
      name: "",
      naming: { basis: "title", matching: 0, share: "", titles: [], departments: [], why: "" },
      members: r.users.length,
      memberIds: r.users,
      entitlements: r.permissions
        .map((id) => ({ id, name: entById.get(id)?.name ?? id, application: entById.get(id)?.application ?? "", level: entById.get(id)?.level ?? "read" }))
        .sort((a, b) => a.application.localeCompare(b.application) || a.name.localeCompare(b.name)),
      assignments: r.users.length * r.permissions.length,
      ...(mined.approx ? { gain: mined.approx.roles[i]!.gain, origin: originText(mined.approx.roles[i]!, entById) } : {}),
      conditions: (explanations[i]?.conditions ?? []).map((c) => ({
        text: c.conditions.map((x) => `${x.attribute} = ${x.value}`).join(" and "),
        coverage: Math.round(c.coverage * 1000) / 1000,
        precision: Math.round(c.precision * 1000) / 1000,
      })),
      closest: closestOf(r.permissions),
    }));
    // Deterministic order: most assignments first, then members, then the entitlement ids.
    const keyOf = (r: MinedRoleRow) => r.entitlements.map((e) => e.id).sort().join(",");
    roles.sort((a, b) => b.assignments - a.assignments || b.members - a.members || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    roles.forEach((r, i) => (r.id = `R${i + 1}`));
    // Names after the order is fixed, so the largest role keeps the plain name and namesakes get a qualifier.
    const names = nameRoles(
      roles.map((r) => ({ users: r.memberIds, permissions: r.entitlements.map((e) => e.id) })),
      new Map(persons.map((p) => [p.id, { department: p.department, title: p.title }])),
      new Map(ents.map((e) => [e.id, { application: e.application, name: e.name }])),
    );
    roles.forEach((r, i) => {
      const n = names[i]!;
      r.name = n.name;
      r.naming = { basis: n.basis, matching: n.matching, share: n.share, titles: n.titles, departments: n.departments, why: n.why };
    });
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
    const outliers = findOutliers(persons, access)
      .slice(0, 15)
      .map((o) => ({ personId: o.person, name: nameOf.get(o.person) ?? o.person, score: Math.round(o.score * 100) / 100 }));

    const exceptions: MiningException[] = (mined.approx?.exceptions ?? [])
      .map(([personId, entitlementId]) => ({
        personId,
        person: nameOf.get(personId) ?? personId,
        title: personById.get(personId)?.title ?? null,
        entitlementId,
        entitlement: entById.get(entitlementId)?.name ?? entitlementId,
        application: entById.get(entitlementId)?.application ?? "",
      }))
      .sort((a, b) => a.person.localeCompare(b.person) || a.personId.localeCompare(b.personId) || a.application.localeCompare(b.application) || a.entitlement.localeCompare(b.entitlement));
    const covered = seen.size;
    const result: MiningResult = {
      mode,
      target: mode === "exact" ? 1 : target,
      covered,
      coveredShare: held.length ? Math.round((covered / held.length) * 10000) / 10000 : 1,
      exceptions,
      ...(mined.approx ? { truncated: mined.approx.truncated } : {}),
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
    if (local.signal.aborted) throw new CancelledError();
    await db.transaction(async (tx) => {
      const [stored] = await tx
        .update(jobs)
        .set({ status: "succeeded", done: PHASES, finishedAt: new Date(), message: summaryOf(result), result })
        .where(and(eq(jobs.id, jobId), eq(jobs.status, "running")))
        .returning({ id: jobs.id });
      if (!stored) throw new CancelledError(); // cancelled meanwhile: the cancellation stands
      await recordAudit(tx, {
        actorKind: "system", action: "mining.finished", targetKind: "job", targetId: jobId,
        data: { mode, roles: roles.length, assignments: held.length, covered, exceptions: exceptions.length, target: result.target, lowerBound: mined.lowerBound, optimal: mined.optimal },
      });
    });
    return result;
  } catch (err) {
    if (!(err instanceof CancelledError)) {
      await db.update(jobs).set({ status: "failed", finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) }).where(and(eq(jobs.id, jobId), eq(jobs.status, "running")));
    }
    throw err;
  } finally {
    clearInterval(poll);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** One line for the job row: roles, coverage and exceptions (approximate) or the bound (exact). */
export function summaryOf(r: MiningResult): string {
  if (r.mode === "approximate") {
    return `${r.roles.length} approximate roles cover ${(r.coveredShare * 100).toFixed(1)}% of ${r.assignments} assignments (target ${Math.round(r.target * 100)}%); ${r.exceptions.length} exceptions listed${r.truncated ? " (time budget reached)" : ""}`;
  }
  return `${r.roles.length} roles cover ${r.assignments} assignments${r.optimal ? " (proven minimal)" : ` (lower bound ${r.lowerBound})`}`;
}

/** The candidate's origin in words, with the entitlement it was grown from named. */
function originText(r: { origin: string; originEntitlement?: string }, ents: Map<string, { name: string; application: string }>): string {
  if (!r.originEntitlement) return r.origin;
  const e = ents.get(r.originEntitlement);
  return r.origin.replace("{e}", e ? `${e.application} · ${e.name}` : r.originEntitlement);
}
