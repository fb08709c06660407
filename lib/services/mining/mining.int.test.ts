import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne } from "drizzle-orm";
import { grants, jobs, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { seedDatabase, type SeedSummary } from "@/db/seed/load";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { draftsFromMined } from "./drafts-from-mined";
import { listFindings, markFindingException } from "./list-findings";
import { getMiningJob, startMining, type MiningResult } from "./mine-organisation";

type Planted = { kind: string; personId: string | null; entitlementIds: string[] };
const NOW = new Date();

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
    const pick = r.roles.slice(0, 2).map((x) => ({ name: `Mined ${x.id}`, entitlementIds: x.entitlements.map((e) => e.id) }));
    await expect(draftsFromMined({ ctx: { db: t.db, actor: auditor }, input: { roles: pick } })).rejects.toBeInstanceOf(ForbiddenError);
    const created = await draftsFromMined({ ctx: { db: t.db, actor: admin }, input: { jobId, roles: pick } });
    expect(created.map((c) => c.entitlements)).toEqual(pick.map((p) => p.entitlementIds.length));
    const [draft] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.id, created[0]!.id));
    expect(draft!.status).toBe("draft");
    expect((await t.db.select().from(roleEntitlements).where(eq(roleEntitlements.roleId, draft!.id))).length).toBe(pick[0]!.entitlementIds.length);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
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
