import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { applications, entitlements, grants, people, roleTemplates, sodPolicies, sodPolicyEntitlements } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { getPersonPage } from "./get-person";
import { searchPeople } from "./search-people";

const ids = { ceo: randomUUID(), mgr: randomUUID(), rep: randomUUID(), sub: randomUUID(), other: randomUUID() };
const actor = (id: string, roles: Actor["roles"]): Actor => ({ personId: id, name: id, email: `${id}@x`, roles, ownedApplicationIds: [] });

for (const driver of testDrivers()) {
  describe(`people services on ${driver.label}`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await driver.open();
      const base = { department: "Sales", title: "AE", location: "Austin", givenName: "G", familyName: "F" };
      await t.db.insert(people).values([
        { ...base, id: ids.ceo, employeeId: "E1", displayName: "Cleo CEO", email: "ceo@x.test" },
        { ...base, id: ids.mgr, employeeId: "E2", displayName: "Mia Manager", email: "mia@x.test", managerId: ids.ceo },
        { ...base, id: ids.rep, employeeId: "E3", displayName: "Rob Report", email: "rob@x.test", managerId: ids.mgr },
        { ...base, id: ids.sub, employeeId: "E4", displayName: "Sam Sub", email: "sam@x.test", managerId: ids.rep },
        { ...base, id: ids.other, employeeId: "E5", displayName: "Olga Other", email: "olga@x.test", managerId: ids.ceo },
      ]);
      const [app] = await t.db.insert(applications).values({ key: "slack", name: "Slack" }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: "g1", name: "Members" }).returning();
      const [role] = await t.db.insert(roleTemplates).values({ key: "sales", name: "Sales baseline", status: "published" }).returning();
      await t.db.insert(grants).values([
        { personId: ids.rep, entitlementId: ent.id, source: "birthright", sourceRef: role.id, reason: "rule: Sales" },
        { personId: ids.rep, entitlementId: ent.id, source: "request", grantedById: ids.mgr, reason: "needed for onboarding" },
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("a manager's search returns only their reporting line (filtered in SQL)", async () => {
      const r = await searchPeople({ ctx: { db: t.db, actor: actor(ids.mgr, ["employee", "manager"]) }, input: {} });
      expect(r.rows.map((p) => p.displayName).sort()).toEqual(["Rob Report", "Sam Sub"]);
      expect(r.total).toBe(2);
      expect(r.scope).toBe("reporting_line");
    });

    it("an auditor searches everyone, with filters and paging", async () => {
      const ctx = { db: t.db, actor: actor(ids.other, ["employee", "auditor"]) };
      const all = await searchPeople({ ctx, input: { pageSize: 5 } });
      expect(all.total).toBe(5);
      const q = await searchPeople({ ctx, input: { q: "olga" } });
      expect(q.rows.map((p) => p.employeeId)).toEqual(["E5"]);
      const page2 = await searchPeople({ ctx, input: { pageSize: 5, page: 2 } });
      expect(page2.rows).toHaveLength(0);
    });

    it("a plain employee cannot list people", async () => {
      await expect(searchPeople({ ctx: { db: t.db, actor: actor(ids.sub, ["employee"]) }, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("search input is validated", async () => {
      await expect(searchPeople({ ctx: { db: t.db, actor: actor(ids.ceo, ["employee", "admin"]) }, input: { pageSize: 100000 } })).rejects.toThrow(/Invalid search/);
    });

    it("person page: self and management line may read; others are refused", async () => {
      const view = (who: string, roles: Actor["roles"], id: string) => getPersonPage({ ctx: { db: t.db, actor: actor(who, roles) }, input: { id } });
      const own = await view(ids.rep, ["employee", "manager"], ids.rep);
      expect(own.person.displayName).toBe("Rob Report");
      expect((await view(ids.ceo, ["employee", "manager"], ids.sub)).person.employeeId).toBe("E4");
      await expect(view(ids.sub, ["employee"], ids.rep)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(view(ids.other, ["employee", "manager"], ids.rep)).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("person page shows where each grant came from", async () => {
      const page = await getPersonPage({ ctx: { db: t.db, actor: actor(ids.mgr, ["employee", "manager"]) }, input: { id: ids.rep } });
      const bySource = Object.fromEntries(page.grants.map((g) => [g.source, g]));
      expect(bySource.birthright.roleName).toBe("Sales baseline");
      expect(bySource.request.grantedBy).toBe("Mia Manager");
      expect(bySource.request.reason).toBe("needed for onboarding");
    });

    it("person page lists the SoD policies the person violates now (both sides held)", async () => {
      const [erp] = await t.db.insert(applications).values({ key: "erp", name: "ERP" }).returning();
      const [bank] = await t.db.insert(applications).values({ key: "bank", name: "Bank" }).returning();
      const [create, approve, pay] = await t.db
        .insert(entitlements)
        .values([
          { applicationId: erp!.id, externalId: "vendor.create", name: "Create vendors" },
          { applicationId: erp!.id, externalId: "po.approve", name: "Approve payments" },
          { applicationId: bank!.id, externalId: "pay.release", name: "Release payments" },
        ])
        .returning();
      const [vp, half, off] = await t.db
        .insert(sodPolicies)
        .values([
          { name: "Vendor vs payment", severity: "critical", action: "block" },
          { name: "Only one side held", severity: "high" },
          { name: "Disabled policy", enabled: false },
        ])
        .returning();
      await t.db.insert(sodPolicyEntitlements).values([
        { policyId: vp!.id, entitlementId: create!.id, side: "a" },
        { policyId: vp!.id, entitlementId: approve!.id, side: "b" },
        { policyId: vp!.id, entitlementId: pay!.id, side: "b" },
        { policyId: half!.id, entitlementId: create!.id, side: "a" },
        { policyId: half!.id, entitlementId: approve!.id, side: "b" }, // held only through an expired grant
        { policyId: off!.id, entitlementId: create!.id, side: "a" },
        { policyId: off!.id, entitlementId: pay!.id, side: "b" },
      ]);
      await t.db.insert(grants).values([
        { personId: ids.sub, entitlementId: create!.id, source: "request" },
        { personId: ids.sub, entitlementId: pay!.id, source: "request" },
        // An expired grant of the other side counts for nothing.
        { personId: ids.sub, entitlementId: approve!.id, source: "request", expiresAt: new Date(Date.now() - 86_400_000) },
        // Olga holds only one side.
        { personId: ids.other, entitlementId: create!.id, source: "request" },
      ]);
      const page = await getPersonPage({ ctx: { db: t.db, actor: actor(ids.rep, ["employee", "manager"]) }, input: { id: ids.sub } });
      expect(page.sodConflicts).toEqual([
        {
          policyId: vp!.id, policyName: "Vendor vs payment", description: "", severity: "critical", action: "block",
          sideA: [{ entitlementId: create!.id, entitlementName: "Create vendors", applicationId: erp!.id, applicationName: "ERP" }],
          sideB: [{ entitlementId: pay!.id, entitlementName: "Release payments", applicationId: bank!.id, applicationName: "Bank" }],
        },
      ]);
      const olga = await getPersonPage({ ctx: { db: t.db, actor: actor(ids.other, ["employee"]) }, input: { id: ids.other } });
      expect(olga.sodConflicts).toEqual([]);
    });

    it("unknown and malformed ids are not found (admins included)", async () => {
      const ctx = { db: t.db, actor: actor(ids.ceo, ["employee", "admin"]) };
      await expect(getPersonPage({ ctx, input: { id: randomUUID() } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(getPersonPage({ ctx, input: { id: "not-a-uuid" } })).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
