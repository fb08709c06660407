import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { accounts, applications, birthrightRules, entitlements, operations, people, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { lifecycleStats, listLifecycleEvents, openLeavers, personTimeline } from "./lifecycle";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
const today = new Date().toISOString().slice(0, 10);

for (const driver of testDrivers()) {
  describe(`lifecycle queries on ${driver.label}`, () => {
    let t: TestDb;
    let sam = "";
    const apply = (csv: string) => {
      const { records, errors } = parseHrCsv(csv);
      return applyHrRecords({ ctx: { db: t.db, actor: admin }, input: { source: "csv", today }, records, rowErrors: errors });
    };
    /** Stand-in for the worker: every open operation succeeds 30 s after it was planned; accounts follow. */
    const runOps = async () => {
      await t.db.execute(sql`UPDATE operations SET status = 'succeeded', finished_at = created_at + interval '30 seconds' WHERE status = 'pending'`);
      await t.db.execute(sql`UPDATE accounts SET status = 'disabled' WHERE person_id IN (SELECT id FROM people WHERE status = 'terminated')`);
    };

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "slack", name: "Slack", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      const [e] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: "Members", name: "Members" }).returning();
      const [r] = await t.db.insert(roleTemplates).values({ key: "all", name: "All", status: "published" }).returning();
      await t.db.insert(roleEntitlements).values({ roleId: r.id, entitlementId: e.id });
      await t.db.insert(birthrightRules).values({ name: "everyone", roleId: r.id, conditions: [] });
      await apply(header + "E1,Sam,Seller,sam@x.test,Sales,AE,2,Austin,,employee,active,2024-01-01,\n");
      [{ id: sam }] = await t.db.select({ id: people.id }).from(people).where(eq(people.employeeId, "E1"));
      // The account the create_account operation made.
      await t.db.insert(accounts).values({ personId: sam, applicationId: app.id, username: "sam", externalId: "u1", status: "active" });
      await runOps();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("an HR event lists its operations and their progress", async () => {
      const { rows, total } = await listLifecycleEvents(t.db);
      expect(total).toBe(1);
      expect(rows[0]).toMatchObject({ kind: "joiner", personName: "Sam Seller", operations: 2, succeeded: 2, open: 0 });
      expect(rows[0].kinds.sort()).toEqual(["create_account", "grant"]);
    });

    it("a leaver with a live account is an open leaver until the disable has run", async () => {
      await new Promise((r) => setTimeout(r, 20));
      await apply(header + "E1,Sam,Seller,sam@x.test,Sales,AE,2,Austin,,employee,terminated,2024-01-01,2026-01-01\n");
      const open = await openLeavers(t.db);
      expect(open.map((o) => [o.employeeId, o.liveAccounts, o.openOperations])).toEqual([["E1", 1, 1]]);
      expect((await lifecycleStats(t.db)).openLeaversWithAccess).toBe(1);
      const { rows } = await listLifecycleEvents(t.db);
      expect(rows.map((r) => [r.kind, r.open])).toEqual([["leaver", 1], ["joiner", 0]]);
      await runOps();
      expect(await openLeavers(t.db)).toEqual([]);
    });

    it("time from HR event to access complete: median and p95 over completed events", async () => {
      const s = await lifecycleStats(t.db);
      expect(s.completion.events).toBe(2);
      expect(s.completion.medianSeconds).toBeGreaterThanOrEqual(29);
      expect(s.completion.medianSeconds).toBeLessThan(40);
      expect(s.completion.p95Seconds).toBeGreaterThanOrEqual(s.completion.medianSeconds!);
      expect(s.byKind.map((k) => k.kind)).toEqual(["joiner", "leaver"]);
    });

    it("the person timeline: each HR event with the grants and operations it caused", async () => {
      const tl = await personTimeline(t.db, sam);
      expect(tl.map((e) => e.event.kind)).toEqual(["leaver", "joiner"]);
      const [leaver, joiner] = tl;
      expect(joiner.grantsAdded.map((g) => g.entitlement)).toEqual(["Members"]);
      expect(joiner.operations.map((o) => o.kind).sort()).toEqual(["create_account", "grant"]);
      expect(leaver.grantsRemoved.map((g) => [g.entitlement, g.reason])).toEqual([["Members", "leaver: all access removed"]]);
      expect(leaver.operations.map((o) => [o.kind, o.status])).toEqual([["disable", "succeeded"]]);
      expect(await personTimeline(t.db, "00000000-0000-0000-0000-000000000000")).toEqual([]);
      expect((await t.db.select().from(operations)).length).toBe(3);
    });
  });
}
