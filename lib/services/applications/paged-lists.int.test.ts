/**
 * The Applications and Roles lists are paged in SQL, with counts read for the page's rows only: every page joined
 * equals the whole list (same order, same counts, counted here the straightforward way), past the last page is
 * empty with the same total, and bad paging input is a validation error, never a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { seedDatabase } from "@/db/seed/load";
import type { Actor } from "@/lib/auth/can";
import { ValidationError } from "@/lib/errors";
import { listRoleTemplates } from "@/lib/services/roles/preview-change-reads";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { listApplications, listApplicationsPage } from "./list-applications";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const NOW = new Date("2026-06-01T12:00:00Z");

for (const driver of testDrivers()) {
  describe(`paged lists on ${driver.label}`, () => {
    let t: TestDb;
    const ctx = () => ({ db: t.db, actor: admin });
    beforeAll(async () => {
      t = await driver.open();
      await seedDatabase(t.db, { people: 150, seed: 5, now: NOW });
      // A leaver keeps an active role grant: not counted among the people given the role.
      await t.db.execute(sql`UPDATE people SET status = 'terminated' WHERE id = (
        SELECT g.person_id FROM grants g JOIN people p ON p.id = g.person_id
        WHERE g.status = 'active' AND g.source IN ('birthright', 'role') AND p.status = 'active' ORDER BY p.employee_id LIMIT 1)`);
    }, 300_000);
    afterAll(async () => t?.close());

    it("applications: the pages joined equal the whole list, with the same counts; search and past-the-end pages", async () => {
      const all = await listApplications({ ctx: ctx(), input: {} });
      expect(all.length).toBeGreaterThan(7);
      const pages: typeof all = [];
      const first = await listApplicationsPage({ ctx: ctx(), input: { pageSize: 7 } });
      expect(first.total).toBe(all.length);
      for (let page = 1; page <= first.pages; page++) pages.push(...(await listApplicationsPage({ ctx: ctx(), input: { pageSize: 7, page } })).rows);
      const view = (r: (typeof all)[number]) => [r.name, r.activeAccounts, r.entitlementCount];
      expect(pages.map(view)).toEqual(all.map(view));
      expect(all.some((r) => r.activeAccounts > 0)).toBe(true);
      const past = await listApplicationsPage({ ctx: ctx(), input: { pageSize: 7, page: first.pages + 1 } });
      expect(past.rows).toEqual([]);
      expect(past.total).toBe(all.length);
      const name = all[3]!.name;
      const found = await listApplicationsPage({ ctx: ctx(), input: { q: name } });
      expect(found.rows.map((r) => r.name)).toContain(name);
      expect(found.total).toBe((await listApplications({ ctx: ctx(), input: { q: name } })).length);
      for (const bad of [{ page: 0 }, { pageSize: 1000 }, { page: "x" }]) await expect(listApplicationsPage({ ctx: ctx(), input: bad })).rejects.toBeInstanceOf(ValidationError);
    });

    it("roles: the pages joined equal every template in order, with holders counted the straightforward way", async () => {
      const want = rowsOf<{ id: string; entitlements: number; holders: number }>(
        await t.db.execute(sql`
          SELECT t.id, (SELECT count(*)::int FROM role_entitlements re WHERE re.role_id = t.id) AS entitlements,
            (SELECT count(DISTINCT g.person_id)::int FROM grants g JOIN people p ON p.id = g.person_id
             WHERE g.source IN ('birthright', 'role') AND g.status = 'active' AND p.status <> 'terminated' AND g.source_ref = t.id::text) AS holders
          FROM role_templates t ORDER BY CASE t.status WHEN 'draft' THEN 0 WHEN 'published' THEN 1 ELSE 2 END, t.name, t.id`),
      );
      expect(want.length).toBeGreaterThan(5);
      expect(want.some((r) => r.holders > 0)).toBe(true);
      const first = await listRoleTemplates({ ctx: ctx(), input: { pageSize: 5 } });
      expect(first.total).toBe(want.length);
      const got = [...first.rows];
      for (let page = 2; page <= first.pages; page++) got.push(...(await listRoleTemplates({ ctx: ctx(), input: { pageSize: 5, page } })).rows);
      expect(got.map((r) => [r.id, r.entitlements, r.holders])).toEqual(want.map((r) => [r.id, r.entitlements, r.holders]));
      const past = await listRoleTemplates({ ctx: ctx(), input: { pageSize: 5, page: first.pages + 1 } });
      expect(past.rows).toEqual([]);
      expect(past.total).toBe(want.length);
      const named = await t.db.execute(sql`SELECT name FROM role_templates ORDER BY name LIMIT 1`);
      const name = rowsOf<{ name: string }>(named)[0]!.name;
      const found = await listRoleTemplates({ ctx: ctx(), input: { q: name.slice(1, 6).toUpperCase() } });
      expect(found.rows.map((r) => r.name)).toContain(name);
      expect(found.total).toBe(found.rows.length);
      expect(found.rows.every((r) => `${r.name} ${r.key}`.toLowerCase().includes(name.slice(1, 6).toLowerCase()))).toBe(true);
      expect((await listRoleTemplates({ ctx: ctx(), input: { q: "%_" } })).total).toBe(0); // wildcards are literal
      for (const bad of [{ page: -1 }, { pageSize: 0 }, { page: "two" }, { q: "a\u0000b" }]) await expect(listRoleTemplates({ ctx: ctx(), input: bad })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}
