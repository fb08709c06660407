import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { AUDIT_PAGE_SIZE, parseAuditFilters, searchAudit, verifyAuditLog } from "./search-audit";

const as = (id: string, roles: Actor["roles"]): Actor => ({ personId: id, name: id, email: `${id}@x`, roles, ownedApplicationIds: [] });

describe("audit filters from page parameters", () => {
  it("keeps what parses and names what it ignored, never throws", () => {
    expect(parseAuditFilters({ actor: "ann", from: "2026-02-30", to: "2026-03-01", page: "0", action: "x'; drop", person: ["a", "b"] })).toEqual({
      filters: { actor: "ann", to: "2026-03-01", person: "a", page: 1 },
      ignored: ["action", "from", "page"],
    });
    expect(parseAuditFilters({ page: "3", actor: "x".repeat(500) })).toEqual({ filters: { page: 3 }, ignored: ["actor"] });
  });
});

for (const driver of testDrivers()) {
  describe(`audit log search on ${driver.label}`, () => {
    let t: TestDb;
    const ann = testPerson("Ann", { email: "ann.auditor@corp.test" });
    const bob = testPerson("Bob", { email: "bob@corp.test", employeeId: "E-BOB" });
    const cat = testPerson("Cat", { email: "cat@corp.test" });
    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([ann, bob, cat]);
      await t.db.transaction(async (tx) => {
        await recordAudit(tx, { actorId: ann.id, actorKind: "person", action: "request.approved", targetKind: "person", targetId: bob.id, data: { note: "50%_off" } });
        await recordAudit(tx, { actorId: null, actorKind: "system", action: "hr.leaver", targetKind: "person", targetId: cat.id, data: {} });
        await recordAudit(tx, { actorId: null, actorKind: "cli", action: "scim.token.created", targetKind: "scim_token", targetId: "tok", data: {} });
        // Enough events for a second page.
        await recordAudit(tx, Array.from({ length: AUDIT_PAGE_SIZE }, (_, i) => ({ actorId: ann.id, actorKind: "person" as const, action: "review.decided", targetKind: "review_item", targetId: `item-${i}`, data: {} })));
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("refuses employees and managers", async () => {
      await expect(searchAudit({ ctx: { db: t.db, actor: as(bob.id, ["employee", "manager"]) }, input: { page: 1 } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(verifyAuditLog({ ctx: { db: t.db, actor: as(bob.id, ["employee"]) } })).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("filters by actor, person, action and date, newest first, with names", async () => {
      const ctx = { db: t.db, actor: as(ann.id, ["employee", "auditor"]) };
      const byPerson = await searchAudit({ ctx, input: { page: 1, person: "bob" } });
      expect(byPerson.rows.map((r) => [r.action, r.actorName, r.targetName])).toEqual([["request.approved", "Ann Test", "Bob Test"]]);
      expect((await searchAudit({ ctx, input: { page: 1, person: "E-BOB" } })).rows).toHaveLength(1);
      expect((await searchAudit({ ctx, input: { page: 1, actor: "system" } })).rows.map((r) => r.action)).toEqual(["hr.leaver"]);
      expect((await searchAudit({ ctx, input: { page: 1, actor: "ann.auditor@" } })).rows).toHaveLength(AUDIT_PAGE_SIZE);
      expect((await searchAudit({ ctx, input: { page: 1, action: "scim." } })).rows.map((r) => r.targetId)).toEqual(["tok"]);
      // LIKE wildcards in the search are literal characters.
      expect((await searchAudit({ ctx, input: { page: 1, person: "%" } })).rows).toHaveLength(0);
      const [{ day }] = rowsOf<{ day: string }>(await t.db.execute(sql`SELECT to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM audit_events`));
      expect((await searchAudit({ ctx, input: { page: 1, from: day, to: day, action: "hr." } })).rows).toHaveLength(1);
      expect((await searchAudit({ ctx, input: { page: 1, to: "2000-01-01" } })).rows).toHaveLength(0);
      const all1 = await searchAudit({ ctx, input: { page: 1 } });
      const all2 = await searchAudit({ ctx, input: { page: 2 } });
      expect(all1.hasMore).toBe(true);
      expect(all1.rows[0]!.seq).toBeGreaterThan(all1.rows.at(-1)!.seq);
      expect(all2.rows.length + all1.rows.length).toBe(AUDIT_PAGE_SIZE + 3);
    });

    it("verifies the chain on demand and audits the check", async () => {
      const r = await verifyAuditLog({ ctx: { db: t.db, actor: as(ann.id, ["employee", "auditor"]) }, input: {} });
      expect(r).toMatchObject({ ok: true, events: AUDIT_PAGE_SIZE + 3 });
      const last = await searchAudit({ ctx: { db: t.db, actor: as(ann.id, ["employee", "auditor"]) }, input: { page: 1, action: "audit.verified" } });
      expect(last.rows[0]).toMatchObject({ actorName: "Ann Test", data: { ok: true, events: AUDIT_PAGE_SIZE + 3 } });
    });
  });
}
