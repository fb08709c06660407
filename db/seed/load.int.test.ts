import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq, isNull, sql } from "drizzle-orm";
import { migrate, openDb, type DbHandle } from "@/db/client";
import * as schema from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import { countRows, generateOrg, type PlantedProblem } from "./generate";
import { insertOrg, isSeeded, resetDatabase, seedDatabase, type SeedSummary } from "./load";

const PEOPLE = 300;
const SEED = 11;
const NOW = new Date("2025-06-15T10:00:00Z");

const tableOf: Record<string, unknown> = {
  people: schema.people,
  portalRoleAssignments: schema.portalRoleAssignments,
  applications: schema.applications,
  applicationOwners: schema.applicationOwners,
  entitlements: schema.entitlements,
  roleTemplates: schema.roleTemplates,
  roleEntitlements: schema.roleEntitlements,
  birthrightRules: schema.birthrightRules,
  sodPolicies: schema.sodPolicies,
  sodPolicyEntitlements: schema.sodPolicyEntitlements,
  accounts: schema.accounts,
  accountEntitlements: schema.accountEntitlements,
  grants: schema.grants,
  hrEvents: schema.hrEvents,
};

/** The same assertions against any freshly migrated database. */
function suite(name: string, open: () => Promise<{ handle: DbHandle; cleanup: () => Promise<void> } | null>) {
  describe(name, () => {
    let ctx: { handle: DbHandle; cleanup: () => Promise<void> } | null = null;
    let summary: SeedSummary;
    const expected = countRows(generateOrg({ people: PEOPLE, seed: SEED, now: NOW }));

    beforeAll(async () => {
      ctx = await open();
      if (!ctx) return;
      await migrate(ctx.handle);
      expect(await isSeeded(ctx.handle.db)).toBe(false);
      summary = await seedDatabase(ctx.handle.db, { people: PEOPLE, seed: SEED, now: NOW, actorKind: "cli" });
    });
    afterAll(async () => {
      await ctx?.cleanup();
    });

    it("reads back the generator's row counts", async (t) => {
      if (!ctx) return t.skip();
      const db = ctx.handle.db;
      expect(summary.counts).toEqual(expected);
      for (const [key, table] of Object.entries(tableOf)) {
        const [row] = await db.select({ n: count() }).from(table as typeof schema.people);
        expect(row!.n, key).toBe(expected[key]);
      }
      expect(await isSeeded(db)).toBe(true);
    });

    it("stores values faithfully (jsonb, dates, enums, nulls)", async (t) => {
      if (!ctx) return t.skip();
      const db = ctx.handle.db;
      const org = generateOrg({ people: PEOPLE, seed: SEED, now: NOW });
      const ceo = org.people[0]!;
      const [row] = await db.select().from(schema.people).where(eq(schema.people.id, ceo.id));
      expect(row).toMatchObject({ email: ceo.email, managerId: null, startDate: ceo.startDate, level: 7, status: "active" });
      expect(row!.attributes).toEqual(ceo.attributes);
      const g = org.grants.find((x) => x.lastUsedAt)!;
      const [gr] = await db.select().from(schema.grants).where(eq(schema.grants.id, g.id));
      expect(gr!.lastUsedAt!.toISOString()).toBe(g.lastUsedAt!.toISOString());
      expect(gr!.source).toBe(g.source);
      const rule = org.birthrightRules[0]!;
      const [br] = await db.select().from(schema.birthrightRules).where(eq(schema.birthrightRules.id, rule.id));
      expect(br!.conditions).toEqual(rule.conditions);
      expect(br!.enabled).toBe(true);
      const orphans = await db.select({ n: count() }).from(schema.accounts).where(isNull(schema.accounts.personId));
      expect(orphans[0]!.n).toBe(summary.planted.orphan_account);
    });

    it("writes one verifiable audit event summarising the seed", async (t) => {
      if (!ctx) return t.skip();
      const db = ctx.handle.db;
      const events = await db.select().from(schema.auditEvents);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "seed.completed", actorKind: "cli", targetKind: "job", targetId: summary.jobId });
      expect((events[0]!.data as { counts: Record<string, number> }).counts).toEqual(expected);
      const v = await verifyAuditChain(db);
      expect(v).toMatchObject({ ok: true, events: 1 });
    });

    it("stores the planted manifest and personas in a succeeded seed job", async (t) => {
      if (!ctx) return t.skip();
      const db = ctx.handle.db;
      const [job] = await db.select().from(schema.jobs).where(eq(schema.jobs.id, summary.jobId));
      expect(job).toMatchObject({ kind: "seed", status: "succeeded" });
      const result = job!.result as { planted: PlantedProblem[]; counts: Record<string, number>; personas: Record<string, { id: string }> };
      expect(result.counts).toEqual(expected);
      expect(result.planted.length).toBe(Object.values(summary.planted).reduce((a, b) => a + b, 0));
      for (const p of result.planted.filter((x) => x.personId)) {
        const [person] = await db.select({ id: schema.people.id }).from(schema.people).where(eq(schema.people.id, p.personId!));
        expect(person).toBeDefined();
      }
      const persona = await db.select().from(schema.people).where(eq(schema.people.id, result.personas.admin!.id));
      expect(persona[0]!.attributes.demoPersona).toBe("admin");
    });

    it("refuses to seed twice and leaves the first seed intact", async (t) => {
      if (!ctx) return t.skip();
      const db = ctx.handle.db;
      await expect(seedDatabase(db, { people: 50, seed: 1, now: NOW })).rejects.toThrow(/already holds people/);
      const [row] = await db.select({ n: count() }).from(schema.people);
      expect(row!.n).toBe(PEOPLE);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });

    it("reports a failed chunk briefly and rolls everything back", async (t) => {
      if (!ctx) return t.skip();
      const db = ctx.handle.db;
      const org = generateOrg({ people: PEOPLE, seed: SEED, now: NOW });
      const err = (await db.transaction((tx) => insertOrg(tx, org)).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/^Seeding table people failed: duplicate key/);
      expect(err.message.length).toBeLessThan(600);
      const [row] = await db.select({ n: count() }).from(schema.people);
      expect(row!.n).toBe(PEOPLE);
      // The secondary indexes dropped during the load came back with the rollback.
      const ix = await db.execute(sql.raw("SELECT indexname FROM pg_indexes WHERE tablename = 'grants' ORDER BY 1"));
      const names = (Array.isArray(ix) ? ix : (ix as { rows: unknown[] }).rows).map((r) => (r as { indexname: string }).indexname);
      expect(names).toEqual(expect.arrayContaining(["grants_person_idx", "grants_entitlement_idx", "grants_expires_idx"]));
    });

    it("reset drops everything so a fresh seed works", async (t) => {
      if (!ctx) return t.skip();
      await resetDatabase(ctx.handle.db);
      await migrate(ctx.handle);
      expect(await isSeeded(ctx.handle.db)).toBe(false);
      const s = await seedDatabase(ctx.handle.db, { people: 60, seed: 2, now: NOW });
      expect(s.counts.people).toBe(60);
      const v = await verifyAuditChain(ctx.handle.db);
      expect(v).toMatchObject({ ok: true, events: 1 });
    });
  });
}

suite("seed on PGlite (in memory)", async () => {
  const handle = await openDb({ pgliteDir: "memory", url: null });
  return { handle, cleanup: () => handle.close() };
});

const pgUrl = process.env.TEST_DATABASE_URL;
if (pgUrl) {
  suite("seed on PostgreSQL", async () => {
    const name = `gh_seed_test_${randomBytes(4).toString("hex")}`;
    const admin = await openDb({ url: pgUrl, max: 1 });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    const handle = await openDb({ url: u.toString(), max: 2 });
    return {
      handle,
      cleanup: async () => {
        await handle.close();
        await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name}`));
        await admin.close();
      },
    };
  });
}
