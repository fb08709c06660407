import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne } from "drizzle-orm";
import { activeBirthrightRules } from "@/db/queries/rules";
import { auditEvents, grants, jobs, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { explainOutlier, findDormant, findDrift, findOutliers } from "@/lib/domain/mining/peers";
import { resolveRoles } from "@/lib/domain/policy";
import { seedDatabase, type SeedSummary } from "@/db/seed/load";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { draftsFromMined } from "./drafts-from-mined";
import { listFindings, markFindingException } from "./list-findings";
import { cancelMining, getMiningJob, startMining, type MiningResult } from "./mine-organisation";

type Planted = { kind: string; personId: string | null; entitlementIds: string[] };
const NOW = new Date("2026-06-15T09:00:00Z"); // injected: the seed and every finding use it (no dependence on the day the test runs)

describe("role mining and findings over a seeded organisation", () => {
  let t: TestDb;
  let s: SeedSummary;
  let planted: Planted[];
  const actor = (id: string, roles: Actor["roles"]): Actor => ({ personId: id, name: "x", email: "x@x", roles: ["employee", ...roles], ownedApplicationIds: [] });
  let admin: Actor, auditor: Actor, employee: Actor;

  beforeAll(async () => {
    t = await pgliteTestDb();
    s = await seedDatabase(t.db, { people: 300, seed: 7, now: NOW });
    const [seedJob] = await t.db.select({ result: jobs.result }).from(jobs).where(eq(jobs.kind, "seed"));
    planted = (seedJob!.result as { planted: Planted[] }).planted;
    admin = actor(s.personas.admin.id, ["admin"]);
    auditor = actor(s.personas.auditor.id, ["auditor"]);
    employee = actor(s.personas.employee.id, []);
  }, 240_000);
  afterAll(async () => t?.close());

  it("mines an exact cover with explanations, progress and template matches", async () => {
    const { jobId, done } = await startMining({ ctx: { db: t.db, actor: auditor }, input: { timeLimitMs: 3000 } });
    await done;
    const job = await getMiningJob({ ctx: { db: t.db, actor: auditor }, input: { jobId } });
    expect(job?.status).toBe("succeeded");
    expect(job?.done).toBe(job?.total);
    const r = job!.result as MiningResult;
    // Exact cover: the pairs of the mined roles are exactly the active grants of people who have not left.
    const live = await t.db.select({ p: grants.personId, e: grants.entitlementId }).from(grants).innerJoin(people, eq(people.id, grants.personId)).where(and(eq(grants.status, "active"), ne(people.status, "terminated")));
    const want = new Set(live.map((g) => `${g.p}|${g.e}`));
    const got = new Set<string>();
    for (const role of r.roles) for (const u of role.memberIds) for (const e of role.entitlements) got.add(`${u}|${e.id}`);
    expect(got.size).toBe(want.size);
    for (const k of want) expect(got.has(k)).toBe(true);
    expect(r.assignments).toBe(want.size);
    expect(r.roles.length).toBeGreaterThanOrEqual(r.lowerBound);
    expect(r.roles.filter((x) => x.conditions.length > 0).length).toBeGreaterThan(r.roles.length / 2);
    expect(r.roles.some((x) => x.closest && x.closest.similarity > 0.5)).toBe(true);
    expect(r.coverage.at(-1)!.share).toBeCloseTo(1, 5);
    expect(r.sizes.reduce((a, b) => a + b.roles, 0)).toBe(r.roles.length);
    expect(r.outliers.length).toBeGreaterThan(0);
    // Drafts from the mined roles (admin only), by entitlement id.
    // Names from titles, unique within the result.
    expect(new Set(r.roles.map((x) => x.name)).size).toBe(r.roles.length);
    expect(r.roles.every((x) => x.naming.share.length > 0)).toBe(true);
    // Drafts from the mined roles (admin only), with exactly the mined entitlements read from the job.
    const pick = r.roles.slice(0, 2).map((x) => ({ roleId: x.id, name: `Mined ${x.id}` }));
    await expect(draftsFromMined({ ctx: { db: t.db, actor: auditor }, input: { jobId, roles: pick } })).rejects.toBeInstanceOf(ForbiddenError);
    const created = await draftsFromMined({ ctx: { db: t.db, actor: admin }, input: { jobId, roles: pick } });
    expect(created.map((c) => c.entitlements)).toEqual(r.roles.slice(0, 2).map((x) => x.entitlements.length));
    const [draft] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.id, created[0]!.id));
    expect(draft!.status).toBe("draft");
    const stored = (await t.db.select().from(roleEntitlements).where(eq(roleEntitlements.roleId, draft!.id))).map((x) => x.entitlementId).sort();
    expect(stored).toEqual(r.roles[0]!.entitlements.map((e) => e.id).sort());
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  }, 120_000);

  it("one mining at a time per person; its starter (or an admin) cancels it and the thread stops", async () => {
    const ctx = { db: t.db, actor: auditor };
    const first = await startMining({ ctx, input: { timeLimitMs: 120_000 } });
    await expect(startMining({ ctx, input: { timeLimitMs: 1000 } })).rejects.toBeInstanceOf(ConflictError);
    const otherAuditor = actor(s.personas.employee.id, ["auditor"]);
    await expect(cancelMining({ ctx: { db: t.db, actor: otherAuditor }, input: { jobId: first.jobId } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(cancelMining({ ctx: { db: t.db, actor: employee }, input: { jobId: first.jobId } })).rejects.toBeInstanceOf(ForbiddenError);
    const t0 = Date.now();
    expect(await cancelMining({ ctx, input: { jobId: first.jobId } })).toMatchObject({ status: "cancelled" });
    await first.done; // settles at once: the thread was terminated, not waited for (budget 120 s)
    expect(Date.now() - t0).toBeLessThan(10_000);
    const job = await getMiningJob({ ctx, input: { jobId: first.jobId } });
    expect(job).toMatchObject({ status: "cancelled", result: null });
    expect(job!.message).toMatch(/Cancelled by/);
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "mining.cancelled"), eq(auditEvents.targetId, first.jobId)));
    expect(audit).toHaveLength(1);
    await expect(cancelMining({ ctx, input: { jobId: first.jobId } })).rejects.toBeInstanceOf(ConflictError);
    // The slot is free again.
    const second = await startMining({ ctx, input: { timeLimitMs: 500 } });
    await second.done;
    expect((await getMiningJob({ ctx, input: { jobId: second.jobId } }))?.status).toBe("succeeded");
  }, 120_000);

  it("finds the planted dormant access and movers' drift, and outliers with reasons", async () => {
    const ctx = { db: t.db, actor: auditor };
    const dormant = await listFindings({ ctx, input: { kind: "dormant", pageSize: 200, days: 90 }, now: NOW });
    const allDormant = new Set<string>();
    for (let page = 1; page <= dormant.pages; page++)
      for (const it of (await listFindings({ ctx, input: { kind: "dormant", pageSize: 200, page }, now: NOW })).items) allDormant.add(`${it.personId}|${it.entitlements[0]!.entitlementId}`);
    const unused = planted.filter((p) => p.kind === "unused_access");
    expect(unused.length).toBeGreaterThan(0);
    for (const p of unused) for (const e of p.entitlementIds) expect(allDormant.has(`${p.personId}|${e}`)).toBe(true);
    expect(dormant.items[0]!.reasons[0]).toMatch(/days/);

    const drift = await listFindings({ ctx, input: { kind: "drift", pageSize: 200 }, now: NOW });
    const driftPairs = new Set(drift.items.flatMap((it) => it.entitlements.map((e) => `${it.personId}|${e.entitlementId}`)));
    const movers = planted.filter((p) => p.kind === "mover_kept_access");
    expect(movers.length).toBeGreaterThan(0);
    for (const p of movers) for (const e of p.entitlementIds) expect(driftPairs.has(`${p.personId}|${e}`)).toBe(true);

    const outliers = await listFindings({ ctx, input: { kind: "outliers", pageSize: 50 }, now: NOW });
    expect(outliers.total).toBeGreaterThan(0);
    expect(outliers.items[0]!.reasons.length).toBeGreaterThan(0);
    const priv = new Set(planted.filter((p) => p.kind === "privileged_outlier").map((p) => p.personId));
    const top = new Set(outliers.items.map((i) => i.personId));
    // The planted privileged outliers rank among the 50 strongest outliers.
    expect([...priv].filter((x) => top.has(x!)).length).toBe(priv.size);
  }, 120_000);

  it("findings read compactly equal the domain functions over every grant row (outliers, drift, dormant)", async () => {
    const ctx = { db: t.db, actor: auditor };
    const persons = (await t.db.select().from(people)).filter((p) => p.status !== "terminated");
    const live = await t.db.select({ id: grants.id, p: grants.personId, e: grants.entitlementId, source: grants.source, grantedAt: grants.grantedAt, lastUsedAt: grants.lastUsedAt })
      .from(grants).innerJoin(people, eq(people.id, grants.personId)).where(and(eq(grants.status, "active"), ne(people.status, "terminated")));
    const accessOf = (keep: (g: (typeof live)[number]) => boolean) => {
      const m = new Map<string, Set<string>>();
      for (const g of live) if (keep(g)) m.set(g.p, (m.get(g.p) ?? new Set()).add(g.e));
      return m;
    };
    const all = async (kind: "outliers" | "drift" | "dormant") => {
      const first = await listFindings({ ctx, input: { kind, pageSize: 200 }, now: NOW });
      const items = [...first.items];
      for (let page = 2; page <= first.pages; page++) items.push(...(await listFindings({ ctx, input: { kind, pageSize: 200, page }, now: NOW })).items);
      expect(items.length).toBe(first.total);
      return items;
    };
    // Outliers: same people, order, scores and unusual entitlements as findOutliers over every grant row.
    const want = findOutliers(persons, accessOf(() => true)).filter((f) => f.unusual.length > 0 && f.score > 0);
    const got = await all("outliers");
    expect(got.map((i) => [i.personId, i.score, i.entitlements.map((e) => e.entitlementId)])).toEqual(want.map((f) => [f.person, Math.round(f.score * 100) / 100, f.unusual.map((u) => u.entitlement)]));
    expect(got[0]!.reasons.length).toBe(explainOutlier(want[0]!).length);
    // Drift: same people and entitlements as findDrift over every grant row (request and review grants left out).
    const rules = await activeBirthrightRules(t.db);
    const roleEnts = await t.db.select().from(roleEntitlements);
    const expected = new Map(persons.map((x) => [x.id, new Set([...resolveRoles({ ...x, attributes: x.attributes ?? {} }, rules).keys()].flatMap((r) => roleEnts.filter((re) => re.roleId === r).map((re) => re.entitlementId)))]));
    const drift = findDrift(accessOf((g) => g.source !== "request" && g.source !== "review"), expected);
    expect((await all("drift")).map((i) => [i.personId, i.entitlements.map((e) => e.entitlementId)])).toEqual(drift.map((f) => [f.person, f.outside]));
    // Dormant: the same grants as findDormant over every grant row, longest unused first.
    const dormant = findDormant(live.map((g) => ({ person: g.p, entitlement: g.id, grantedAt: g.grantedAt, lastUsed: g.lastUsedAt })), { now: NOW, days: 90 });
    const gotDormant = await all("dormant");
    expect(new Set(gotDormant.map((i) => i.entitlements[0]!.grantId))).toEqual(new Set(dormant.map((f) => f.entitlement)));
    const key = (i: (typeof gotDormant)[number]) => i.entitlements[0]!.daysSinceUse ?? i.entitlements[0]!.daysSinceGrant ?? 0;
    for (let i = 1; i < gotDormant.length; i++) expect(key(gotDormant[i - 1]!)).toBeGreaterThanOrEqual(key(gotDormant[i]!));
  }, 120_000);

  it("a justified exception hides the finding until it expires", async () => {
    const ctx = { db: t.db, actor: admin };
    const before = await listFindings({ ctx, input: { kind: "dormant", pageSize: 200 }, now: NOW });
    const it0 = before.items[0]!;
    const ent = it0.entitlements[0]!.entitlementId;
    await expect(markFindingException({ ctx: { db: t.db, actor: auditor }, input: { kind: "dormant", personId: it0.personId, entitlementId: ent, reason: "Quarterly close", expiresAt: new Date(NOW.getTime() + 86_400_000) } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(markFindingException({ ctx, input: { kind: "dormant", personId: it0.personId, entitlementId: ent, reason: "Quarterly close", expiresAt: new Date(NOW.getTime() - 1000) }, now: NOW })).rejects.toBeInstanceOf(ValidationError);
    await markFindingException({ ctx, input: { kind: "dormant", personId: it0.personId, entitlementId: ent, reason: "Used at quarterly close only", expiresAt: new Date(NOW.getTime() + 7 * 86_400_000) }, now: NOW });
    const has = (r: Awaited<ReturnType<typeof listFindings>>) => r.items.some((i) => i.personId === it0.personId && i.entitlements[0]!.entitlementId === ent);
    const after = await listFindings({ ctx, input: { kind: "dormant", pageSize: 200 }, now: NOW });
    expect(after.total).toBe(before.total - 1);
    expect(has(after)).toBe(false);
    const later = await listFindings({ ctx, input: { kind: "dormant", pageSize: 200 }, now: new Date(NOW.getTime() + 8 * 86_400_000) });
    expect(later.items.some((i) => i.personId === it0.personId && i.entitlements[0]!.entitlementId === ent)).toBe(true);
  }, 120_000);

  it("an employee is refused", async () => {
    const ctx = { db: t.db, actor: employee };
    await expect(startMining({ ctx })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getMiningJob({ ctx })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listFindings({ ctx, input: { kind: "drift" } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(markFindingException({ ctx, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
