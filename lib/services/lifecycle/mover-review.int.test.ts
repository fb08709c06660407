import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { applications, birthrightRules, entitlements, grants, operations, people, reviewCampaigns, reviewItems, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { NotFoundError } from "@/lib/errors";
import { decideItem } from "@/lib/services/reviews/decide-item";
import { getReviewerView } from "@/lib/services/reviews/list-reviews";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyHrRecords } from "./apply-hr-records";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
const today = "2026-11-22";
const managers =
  "M1,Mia,Old,mia@x.test,Sales,VP Sales,6,Austin,,employee,active,2020-01-01,\n" +
  "M2,Nik,New,nik@x.test,Engineering,VP Eng,6,Austin,,employee,active,2020-01-01,\n";

for (const driver of testDrivers()) {
  describe(`mover micro-review on ${driver.label}`, () => {
    let t: TestDb;
    const ent: Record<string, string> = {};
    const apply = (csv: string) => {
      const { records, errors } = parseHrCsv(csv);
      return applyHrRecords({ ctx: { db: t.db, actor: admin }, input: { source: "csv", today, moverOverlapDays: 7 }, records, rowErrors: errors });
    };
    const person = async (emp: string) => (await t.db.select().from(people).where(eq(people.employeeId, emp)))[0]!;
    const actorOf = (p: typeof people.$inferSelect): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles: ["employee"], ownedApplicationIds: [] });

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "crm", name: "CRM", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      for (const n of ["Sales channel", "Eng channel", "CRM admin", "Forecasts"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: n, name: n }).returning();
        ent[n] = e!.id;
      }
      const role = async (key: string, names: string[], dept: string) => {
        const [r] = await t.db.insert(roleTemplates).values({ key, name: key, status: "published" }).returning();
        await t.db.insert(roleEntitlements).values(names.map((n) => ({ roleId: r!.id, entitlementId: ent[n]! })));
        await t.db.insert(birthrightRules).values({ name: `${key} rule`, roleId: r!.id, conditions: [{ attribute: "department", op: "eq", value: dept }] as never });
      };
      await role("sales", ["Sales channel"], "Sales");
      await role("eng", ["Eng channel"], "Engineering");
    });
    afterAll(async () => {
      await t?.close();
    });

    it("a joiner creates no mover review", async () => {
      await apply(header + managers + "E1,Sam,Seller,sam@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\nE2,Ria,Rep,ria@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\n");
      for (const emp of ["E1", "E2"]) {
        const p = await person(emp);
        await t.db.insert(grants).values([
          { personId: p.id, entitlementId: ent["CRM admin"]!, source: "request", reason: "requested" },
          { personId: p.id, entitlementId: ent["Forecasts"]!, source: "manual", reason: "manual" },
        ]);
      }
      expect(await t.db.select().from(reviewCampaigns)).toHaveLength(0);
    });

    it("a mover keeping access outside the new role gets a review for the NEW manager, in the HR transaction", async () => {
      const r = await apply(header + "E1,Sam,Seller,sam@x.test,Engineering,Engineer,2,Austin,M2,employee,active,2024-01-01,\n");
      expect(r.events.map((e) => e.kind)).toEqual(["mover"]);
      const sam = await person("E1");
      const nik = await person("M2");
      const cs = await t.db.select().from(reviewCampaigns);
      expect(cs).toHaveLength(1);
      const c = cs[0]!;
      expect(c).toMatchObject({ name: "Access kept after move: Sam Seller", reviewerKind: "manager", status: "active", defaultDecision: "keep" });
      expect(c.dueAt!.getTime() - c.startsAt!.getTime()).toBe(7 * 86_400_000);
      const items = await t.db.select().from(reviewItems).where(eq(reviewItems.campaignId, c.id));
      const byEnt = Object.fromEntries(items.map((i) => [Object.keys(ent).find((k) => ent[k] === i.entitlementId), i]));
      // (a) requested + manual grants outside the new role, (b) the old birthright access in its overlap.
      expect(Object.keys(byEnt).sort()).toEqual(["CRM admin", "Forecasts", "Sales channel"]);
      for (const i of items) {
        expect(i.reviewerId).toBe(nik.id);
        expect(i.personId).toBe(sam.id);
        expect(i.recommendation).toBe("review");
        expect(i.reasons).toEqual(["kept after moving from Sales / AE to Engineering / Engineer"]);
      }
      // The new manager sees it; the old manager does not and cannot decide it.
      const view = await getReviewerView({ ctx: { db: t.db, actor: actorOf(nik) }, input: { campaignId: c.id } });
      expect(view.people.flatMap((p) => p.items)).toHaveLength(3);
      const mia = await person("M1");
      const old = await getReviewerView({ ctx: { db: t.db, actor: actorOf(mia) }, input: { campaignId: c.id } });
      expect(old.people).toHaveLength(0);
      await expect(decideItem({ ctx: { db: t.db, actor: actorOf(mia) }, input: { itemId: byEnt["CRM admin"]!.id, decision: "revoke" } })).rejects.toBeInstanceOf(NotFoundError);
      expect((await t.db.select().from(grants).where(eq(grants.id, byEnt["CRM admin"]!.grantId!)))[0]!.status).toBe("active");
    });

    it("keeping: the grant stays, nothing is revoked; a kept overlap grant loses its expiry", async () => {
      const sam = await person("E1");
      const nik = actorOf(await person("M2"));
      const items = await t.db.select().from(reviewItems).where(eq(reviewItems.personId, sam.id));
      const of = (n: string) => items.find((i) => i.entitlementId === ent[n])!;
      const opsBefore = await t.db.select().from(operations).where(eq(operations.personId, sam.id));
      const k1 = await decideItem({ ctx: { db: t.db, actor: nik }, input: { itemId: of("CRM admin").id, decision: "keep" } });
      const k2 = await decideItem({ ctx: { db: t.db, actor: nik }, input: { itemId: of("Sales channel").id, decision: "keep" } });
      expect(k1.operationIds).toEqual([]);
      expect(k2.operationIds).toEqual([]);
      const [crm] = await t.db.select().from(grants).where(eq(grants.id, of("CRM admin").grantId!));
      expect(crm!.status).toBe("active");
      const [sales] = await t.db.select().from(grants).where(eq(grants.id, of("Sales channel").grantId!));
      expect(sales).toMatchObject({ status: "active", expiresAt: null, reason: "Kept after move, confirmed by Nik New" });
      const opsAfter = await t.db.select().from(operations).where(eq(operations.personId, sam.id));
      expect(opsAfter.filter((o) => o.kind === "revoke")).toHaveLength(opsBefore.filter((o) => o.kind === "revoke").length);
    });

    it("revoking: the grant is revoked and a revoke operation is in the outbox", async () => {
      const sam = await person("E1");
      const nik = actorOf(await person("M2"));
      const [item] = await t.db.select().from(reviewItems).where(and(eq(reviewItems.personId, sam.id), eq(reviewItems.entitlementId, ent["Forecasts"]!)));
      const r = await decideItem({ ctx: { db: t.db, actor: nik }, input: { itemId: item!.id, decision: "revoke" } });
      expect(r.operationIds.length).toBeGreaterThan(0);
      const [g] = await t.db.select().from(grants).where(eq(grants.id, item!.grantId!));
      expect(g!.status).toBe("revoked");
      const ops = await t.db.select().from(operations).where(and(eq(operations.personId, sam.id), eq(operations.entitlementId, ent["Forecasts"]!)));
      expect(ops.map((o) => o.kind)).toContain("revoke");
    });

    it("a dry-run move creates no campaign; a mover without a manager gets none", async () => {
      const { records } = parseHrCsv(header + "E2,Ria,Rep,ria@x.test,Engineering,Engineer,2,Austin,M2,employee,active,2024-01-01,\n");
      const r = await applyHrRecords({ ctx: { db: t.db, actor: admin }, input: { source: "csv", today, dryRun: true }, records });
      expect(r.events.map((e) => e.kind)).toEqual(["mover"]);
      expect(await t.db.select().from(reviewCampaigns)).toHaveLength(1);
      await apply(header + "E2,Ria,Rep,ria@x.test,Engineering,Engineer,2,Austin,,employee,active,2024-01-01,\n");
      expect(await t.db.select().from(reviewCampaigns)).toHaveLength(1);
    });
  });
}
