import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { accountEntitlements, accounts, applications, birthrightRules, entitlements, grants, hrEvents, notifications, operations, people, portalRoleAssignments, roleEntitlements, roleTemplates } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { runLifecycleSweep } from "./sweep";
import { rowsOf } from "@/db/client";

const now = new Date("2026-11-22T09:00:00Z");

for (const driver of testDrivers()) {
  describe(`lifecycle sweep on ${driver.label}`, () => {
    let t: TestDb;
    const ids: Record<string, string> = {};
    let appId = "";
    let memberEnt = "";
    let extraEnt = "";

    const person = async (employeeId: string, v: Partial<typeof people.$inferInsert>) => {
      const [p] = await t.db
        .insert(people)
        .values({ employeeId, givenName: employeeId, familyName: "X", displayName: `${employeeId} X`, email: `${employeeId}@x.test`, department: "Sales", title: "AE", location: "Austin", ...v })
        .returning();
      ids[employeeId] = p.id;
      return p;
    };
    const opsOf = async (id: string) => (await t.db.select().from(operations).where(eq(operations.personId, id))).map((o) => o.kind).sort();
    const actions = async () => rowsOf<{ action: string }>(await t.db.execute(sql`SELECT action FROM audit_events ORDER BY seq`)).map((r) => r.action);

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "slack", name: "Slack", connectorKind: "scim", retentionDays: 30, config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      appId = app.id;
      const [e] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: "Members", name: "Members" }).returning();
      const [e2] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: "Extra", name: "Extra" }).returning();
      memberEnt = e.id;
      extraEnt = e2.id;
      const [r] = await t.db.insert(roleTemplates).values({ key: "everyone", name: "Everyone", status: "published" }).returning();
      await t.db.insert(roleEntitlements).values({ roleId: r.id, entitlementId: e.id });
      await t.db.insert(birthrightRules).values({ name: "all", roleId: r.id, conditions: [] });

      // A contractor whose end date passed with no HR message, holding an account and a grant.
      const c = await person("C1", { employmentType: "contractor", endDate: "2026-11-20" });
      await t.db.insert(grants).values({ personId: c.id, entitlementId: memberEnt, source: "birthright", reason: "rule" });
      await t.db.insert(accounts).values({ personId: c.id, applicationId: appId, username: "C1", externalId: "ext-c1", status: "active" });
      // A contractor whose end date is today: not yet a leaver.
      await person("C2", { employmentType: "contractor", endDate: "2026-11-22" });
      // A pre-hire starting today, with the disabled account created before the first day.
      const ph = await person("P1", { status: "pre_hire", startDate: "2026-11-22" });
      await t.db.insert(grants).values({ personId: ph.id, entitlementId: memberEnt, source: "birthright", reason: "rule" });
      await t.db.insert(accounts).values({ personId: ph.id, applicationId: appId, username: "P1", externalId: "ext-p1", status: "disabled", attributes: {} });
      // A pre-hire starting next month.
      await person("P2", { status: "pre_hire", startDate: "2026-12-15" });
      // An employee with time-bound access that has expired.
      const a = await person("E1", {});
      await t.db.insert(grants).values({ personId: a.id, entitlementId: extraEnt, source: "request", reason: "temp", expiresAt: new Date("2026-11-21T00:00:00Z") });
      const [acc] = await t.db.insert(accounts).values({ personId: a.id, applicationId: appId, username: "E1", externalId: "ext-e1", status: "active" }).returning();
      await t.db.insert(accountEntitlements).values({ accountId: acc.id, entitlementId: extraEnt });
      // A terminated person whose account was disabled 40 days ago (retention 30): due for delete.
      const old = await person("L0", { status: "terminated", endDate: "2026-10-01" });
      await t.db.insert(accounts).values({ personId: old.id, applicationId: appId, username: "L0", externalId: "ext-l0", status: "disabled", disabledAt: new Date("2026-10-13T00:00:00Z") });
      // An administrator whose end date passed, and a security officer to be told.
      await person("ADM", { endDate: "2026-11-01" });
      await t.db.insert(portalRoleAssignments).values({ personId: ids.ADM, role: "admin" });
      await person("SEC", {});
      await t.db.insert(portalRoleAssignments).values({ personId: ids.SEC, role: "security" });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("turns due leavers and arrived pre-hires into events, expires grants, plans everything, flags admins", async () => {
      const r = await runLifecycleSweep(t.db, now);
      expect(r.leavers.map((l) => l.employeeId).sort()).toEqual(["ADM", "C1"]);
      expect(r.joiners.map((j) => j.employeeId)).toEqual(["P1"]);
      expect(r.expiredGrants).toBe(1);
      expect(r.retentionPeople).toBe(1);

      const status = async (e: string) => (await t.db.select().from(people).where(eq(people.id, ids[e])))[0].status;
      expect(await status("C1")).toBe("terminated");
      expect(await status("C2")).toBe("active");
      expect(await status("P1")).toBe("active");
      expect(await status("P2")).toBe("pre_hire");

      const ev = await t.db.select().from(hrEvents).where(eq(hrEvents.personId, ids.C1));
      expect(ev.map((e) => [e.kind, e.source])).toEqual([["leaver", "schedule"]]);
      const [c1Grant] = await t.db.select().from(grants).where(eq(grants.personId, ids.C1));
      expect(c1Grant.status).toBe("revoked");
      const [e1Grant] = await t.db.select().from(grants).where(and(eq(grants.personId, ids.E1), eq(grants.entitlementId, extraEnt)));
      expect(e1Grant.status).toBe("expired");

      // The outbox: the leaver is disabled, the joiner enabled, the expired entitlement revoked, the old leaver deleted.
      expect(await opsOf(ids.C1)).toContain("disable");
      expect(await opsOf(ids.P1)).toContain("enable");
      expect(await opsOf(ids.E1)).toContain("revoke");
      expect(await opsOf(ids.L0)).toEqual(["delete"]);

      expect(r.adminsFlagged.map((a) => a.personId)).toEqual([ids.ADM]);
      const notes = await t.db.select().from(notifications).where(eq(notifications.personId, ids.SEC));
      expect(notes).toHaveLength(1);
      expect(notes[0].kind).toBe("lifecycle.admin_left");
      expect(await actions()).toEqual(expect.arrayContaining(["hr.leaver", "hr.joiner", "lifecycle.admin_left", "lifecycle.sweep", "provisioning.planned"]));
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it("is idempotent: a second sweep changes nothing and writes no audit event", async () => {
      const before = await actions();
      const opsBefore = (await t.db.select().from(operations)).length;
      const r = await runLifecycleSweep(t.db, new Date(now.getTime() + 60_000));
      expect(r.leavers).toEqual([]);
      expect(r.joiners).toEqual([]);
      expect(r.expiredGrants).toBe(0);
      expect(r.operations).toBe(0);
      expect(r.adminsFlagged).toEqual([]);
      expect((await t.db.select().from(operations)).length).toBe(opsBefore);
      expect((await t.db.select().from(hrEvents)).length).toBe(2 + 1);
      expect(await actions()).toEqual(before);
      expect((await t.db.select().from(notifications)).length).toBe(1);
    });

    it("closes HR events once their operations have run", async () => {
      await t.db.update(operations).set({ status: "succeeded", finishedAt: new Date(now.getTime() + 5_000) });
      const r = await runLifecycleSweep(t.db, new Date(now.getTime() + 120_000));
      const evs = await t.db.select().from(hrEvents);
      // The admin had no accounts: that event was already complete after the first sweep.
      expect(r.completedEvents).toBe(2);
      expect(evs.every((e) => e.status === "completed" && e.completedAt)).toBe(true);
    });
  });
}
