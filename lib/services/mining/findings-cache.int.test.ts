import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne, sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { grants, people } from "@/db/schema";
import { seedDatabase, type SeedSummary } from "@/db/seed/load";
import type { Actor } from "@/lib/auth/can";
import { explainOutlier, findOutliers } from "@/lib/domain/mining/peers";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { listFindings, markFindingException } from "./list-findings";

// The findings cache: pages read from it equal the computation without it (reasons included), it is recomputed
// exactly when an input changes (not when last use or an unrelated column does), and pages and exceptions work on it.
const NOW = new Date("2026-06-01T12:00:00Z");
type Kind = "outliers" | "drift";

for (const driver of testDrivers()) {
  describe(`findings cache (${driver.label})`, () => {
    let t: TestDb;
    let s: SeedSummary;
    let admin: Actor;
    const actor = (id: string, roles: Actor["roles"]): Actor => ({ personId: id, name: "x", email: "x@x", roles: ["employee", ...roles], ownedApplicationIds: [] });
    const computedAt = async (kind: Kind) =>
      rowsOf<{ at: string }>(await t.db.execute(sql`SELECT computed_at::text AS at FROM findings_cache WHERE kind = ${kind}`))[0]?.at ?? null;
    /** Every page of `kind` read through the cache (ctx.db = the database). */
    const cached = async (kind: Kind, pageSize = 200) => {
      const ctx = { db: t.db, actor: admin };
      const first = await listFindings({ ctx, input: { kind, pageSize }, now: NOW });
      const items = [...first.items];
      for (let page = 2; page <= first.pages; page++) items.push(...(await listFindings({ ctx, input: { kind, pageSize, page }, now: NOW })).items);
      expect(items.length).toBe(first.total);
      return { total: first.total, items };
    };
    /** The same computed without the cache: inside a caller's transaction the cache is not used. */
    const direct = async (kind: Kind, pageSize = 200) =>
      t.db.transaction(async (tx) => {
        const ctx = { db: tx, actor: admin };
        const first = await listFindings({ ctx, input: { kind, pageSize }, now: NOW });
        const items = [...first.items];
        for (let page = 2; page <= first.pages; page++) items.push(...(await listFindings({ ctx, input: { kind, pageSize, page }, now: NOW })).items);
        return { total: first.total, items };
      });

    beforeAll(async () => {
      t = await driver.open();
      s = await seedDatabase(t.db, { people: 200, seed: 11, now: NOW });
      admin = actor(s.personas.admin.id, ["admin"]);
    }, 300_000);
    afterAll(async () => t?.close());

    it("outliers and drift read from the cache equal the computation without it, reasons and order included", async () => {
      for (const kind of ["outliers", "drift"] as const) {
        const got = await cached(kind);
        expect(got.total).toBeGreaterThan(0);
        expect(await computedAt(kind)).not.toBeNull();
        expect(got).toEqual(await direct(kind));
      }
      // And the outliers equal findOutliers over every grant row, with explainOutlier's reasons (named).
      const persons = (await t.db.select().from(people)).filter((p) => p.status !== "terminated");
      const live = await t.db.select({ p: grants.personId, e: grants.entitlementId }).from(grants).innerJoin(people, eq(people.id, grants.personId)).where(and(eq(grants.status, "active"), ne(people.status, "terminated")));
      const access = new Map<string, Set<string>>();
      for (const g of live) access.set(g.p, (access.get(g.p) ?? new Set()).add(g.e));
      const want = findOutliers(persons, access).filter((f) => f.unusual.length > 0 && f.score > 0);
      const got = (await cached("outliers")).items;
      expect(got.map((i) => [i.personId, i.score, i.peerGroup, i.entitlements.map((e) => [e.entitlementId, e.peerShare])])).toEqual(
        want.map((f) => [f.person, Math.round(f.score * 100) / 100, `${f.peerGroup.name} (${f.peerGroup.size} peers)`, f.unusual.map((u) => [u.entitlement, u.peerShare])]),
      );
      for (const [i, f] of want.entries()) expect(got[i]!.reasons.length).toBeGreaterThanOrEqual(explainOutlier(f).length);
    }, 120_000);

    it("is read, not recomputed, while nothing changes; last use and reasons of grants are not inputs", async () => {
      await cached("outliers");
      const at = await computedAt("outliers");
      await cached("outliers");
      expect(await computedAt("outliers")).toBe(at);
      await t.db.execute(sql`UPDATE grants SET last_used_at = ${NOW.toISOString()}::timestamptz, reason = reason || ' ' WHERE id IN (SELECT id FROM grants WHERE status = 'active' LIMIT 50)`);
      await t.db.execute(sql`UPDATE people SET updated_at = now()`);
      await cached("outliers");
      expect(await computedAt("outliers")).toBe(at);
    }, 120_000);

    it("a revoked grant, a mover and a rule change are in the next read (recomputed, equal to the computation without cache)", async () => {
      // Revoke the strongest outlier's rarest entitlement.
      const before = await cached("outliers");
      const top = before.items[0]!;
      const ent = top.entitlements[0]!.entitlementId;
      const at = await computedAt("outliers");
      await t.db.update(grants).set({ status: "revoked", revokedAt: NOW }).where(and(eq(grants.personId, top.personId), eq(grants.entitlementId, ent), eq(grants.status, "active")));
      const after = await cached("outliers");
      expect(await computedAt("outliers")).not.toBe(at);
      expect(after.items.find((i) => i.personId === top.personId)?.entitlements.some((e) => e.entitlementId === ent) ?? false).toBe(false);
      expect(after).toEqual(await direct("outliers"));

      // A mover: a person of the largest department moves to another one; drift and outliers follow.
      await cached("drift");
      const [mover] = rowsOf<{ id: string; department: string }>(await t.db.execute(sql`
        SELECT id, department FROM people WHERE status = 'active' AND kind = 'human' AND NOT (attributes ? 'demoPersona')
        AND department = (SELECT department FROM people WHERE status = 'active' GROUP BY department ORDER BY count(*) DESC, department LIMIT 1)
        ORDER BY employee_id LIMIT 1`));
      const [other] = rowsOf<{ department: string }>(await t.db.execute(sql`SELECT department FROM people WHERE department <> ${mover!.department} GROUP BY department ORDER BY count(*) DESC, department LIMIT 1`));
      await t.db.update(people).set({ department: other!.department }).where(eq(people.id, mover!.id));
      const drift = await cached("drift");
      expect(drift).toEqual(await direct("drift"));
      expect(drift.items.some((i) => i.personId === mover!.id)).toBe(true); // their old department's access is outside their new roles
      expect(await cached("outliers")).toEqual(await direct("outliers"));

      // A rule switched off: what it gave becomes drift.
      const at2 = await computedAt("drift");
      await t.db.execute(sql`UPDATE birthright_rules SET enabled = false WHERE id = (SELECT id FROM birthright_rules WHERE enabled ORDER BY name LIMIT 1)`);
      const drift2 = await cached("drift");
      expect(await computedAt("drift")).not.toBe(at2);
      expect(drift2.total).toBeGreaterThan(drift.total);
      expect(drift2).toEqual(await direct("drift"));
    }, 180_000);

    it("pages: any page size gives the same findings in the same order; past the last page is empty; exceptions are left out in SQL", async () => {
      for (const kind of ["outliers", "drift"] as const) {
        const all = await cached(kind);
        const small = await cached(kind, 7);
        expect(small).toEqual(all);
        const past = await listFindings({ ctx: { db: t.db, actor: admin }, input: { kind, pageSize: 7, page: 10_000 }, now: NOW });
        expect(past.items).toEqual([]);
        expect(past.total).toBe(all.total);
      }
      // One entitlement of a person with several excepted, and everything of another: the first keeps the rest, the second is gone.
      const all = await cached("outliers");
      const several = all.items.find((i) => i.entitlements.length > 1)!;
      const one = all.items.find((i) => i !== several)!;
      const ctx = { db: t.db, actor: admin };
      const expiresAt = new Date(NOW.getTime() + 30 * 86_400_000);
      await markFindingException({ ctx, input: { kind: "outliers", personId: several.personId, entitlementId: several.entitlements[0]!.entitlementId, reason: "Needed for the audit", expiresAt }, now: NOW });
      await markFindingException({ ctx, input: { kind: "outliers", personId: one.personId, entitlementId: null, reason: "Acting head of department", expiresAt }, now: NOW });
      const after = await cached("outliers");
      expect(after.total).toBe(all.total - 1);
      expect(after.items.some((i) => i.personId === one.personId)).toBe(false);
      expect(after.items.find((i) => i.personId === several.personId)!.entitlements.map((e) => e.entitlementId)).toEqual(several.entitlements.slice(1).map((e) => e.entitlementId));
      expect(await cached("outliers", 7)).toEqual(after);
      expect(after).toEqual(await direct("outliers"));
    }, 180_000);

    if (driver.label === "PostgreSQL") {
      it("a change committed after the cache's snapshot, even one in progress while it was computed, makes it stale; concurrent readers agree", async () => {
        await cached("outliers");
        const victim = (await cached("outliers")).items[1]!;
        const ent = victim.entitlements[0]!.entitlementId;
        let release!: () => void;
        const hold = new Promise<void>((r) => (release = r));
        let changed!: () => void;
        const inProgress = new Promise<void>((r) => (changed = r));
        // Transaction A revokes a grant and stays open while another reader recomputes.
        const a = t.db.transaction(async (tx) => {
          await tx.update(grants).set({ status: "revoked", revokedAt: NOW }).where(and(eq(grants.personId, victim.personId), eq(grants.entitlementId, ent), eq(grants.status, "active")));
          changed();
          await hold;
        });
        await inProgress;
        // Another change commits (a rules statement is logged even when it changes no row): the cache is stale.
        await t.db.execute(sql`UPDATE birthright_rules SET name = name WHERE false`);
        const during = await cached("outliers");
        expect(during.items.find((i) => i.personId === victim.personId)!.entitlements.some((e) => e.entitlementId === ent)).toBe(true); // A not committed
        release();
        await a;
        const [x, y] = await Promise.all([cached("outliers"), cached("outliers")]);
        expect(x).toEqual(y);
        expect(x.items.find((i) => i.personId === victim.personId)?.entitlements.some((e) => e.entitlementId === ent) ?? false).toBe(false);
        expect(x).toEqual(await direct("outliers"));
      }, 180_000);
    }
  });
}
