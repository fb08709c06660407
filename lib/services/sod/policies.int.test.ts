import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { personSodConflicts } from "@/db/queries/sod";
import { applications, entitlements, grants, people, sodPolicyEntitlements } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { deleteSodPolicy, listSodPolicies, previewSodPolicy, saveSodPolicy } from "./policies";

const admin: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };
const auditor = (id: string): Actor => ({ personId: id, name: "Aud", email: "a@x", roles: ["employee", "auditor"], ownedApplicationIds: [] });
const clock = () => new Date("2030-06-01T12:00:00Z");

for (const driver of testDrivers()) {
  describe(`separation-of-duties policies on ${driver.label}`, () => {
    let t: TestDb;
    const ent: Record<string, string> = {};
    const ann = testPerson("Ann", { email: "ann@sod.test" });
    const bob = testPerson("Bob", { email: "bob@sod.test" });
    const cyd = testPerson("Cyd", { email: "cyd@sod.test" });
    const ctx = { db: null as unknown as TestDb["db"], actor: admin, clock };
    beforeAll(async () => {
      t = await driver.open();
      ctx.db = t.db;
      await t.db.insert(people).values([ann, bob, cyd]);
      const [erp] = await t.db.insert(applications).values({ key: "erp", name: "ERP" }).returning();
      for (const n of ["create-vendor", "approve-payment", "read"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: erp!.id, externalId: n, name: n }).returning();
        ent[n] = e!.id;
      }
      await t.db.insert(grants).values([
        { personId: ann.id, entitlementId: ent["create-vendor"]!, source: "request", reason: "x" },
        { personId: ann.id, entitlementId: ent["approve-payment"]!, source: "request", reason: "x" },
        { personId: bob.id, entitlementId: ent["create-vendor"]!, source: "request", reason: "x" },
        // Bob's payment approval expired before the clock: not held.
        { personId: bob.id, entitlementId: ent["approve-payment"]!, source: "request", reason: "x", expiresAt: new Date("2030-05-01T00:00:00Z") },
        { personId: cyd.id, entitlementId: ent.read!, source: "request", reason: "x" },
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("previews exactly who holds both sides now (expired grants excluded), refusing non-admins and bad sides", async () => {
      const p = await previewSodPolicy({ ctx, input: { sideA: [ent["create-vendor"]], sideB: [ent["approve-payment"]] } });
      expect(p.total).toBe(1);
      expect(p.people.map((x) => [x.displayName, x.sideA, x.sideB])).toEqual([["Ann Test", ["ERP create-vendor"], ["ERP approve-payment"]]]);
      await expect(previewSodPolicy({ ctx: { ...ctx, actor: auditor(cyd.id) }, input: { sideA: [ent.read], sideB: [ent["create-vendor"]] } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(previewSodPolicy({ ctx, input: { sideA: [ent.read], sideB: [ent.read] } })).rejects.toBeInstanceOf(ValidationError);
      await expect(previewSodPolicy({ ctx, input: { sideA: [], sideB: [ent.read] } })).rejects.toBeInstanceOf(ValidationError);
      await expect(previewSodPolicy({ ctx, input: { sideA: [randomUUID()], sideB: [ent.read] } })).rejects.toBeInstanceOf(ValidationError);
    });

    it("creates, lists with today's violators, updates and deletes a policy, audited, changing nobody's access", async () => {
      const grantsBefore = (await t.db.select().from(grants)).length;
      const r = await saveSodPolicy({ ctx, input: { name: "Vendor vs payment", description: "Fraud risk", action: "block", sideA: [ent["create-vendor"]], sideB: [ent["approve-payment"]] } });
      expect(r.violatorsToday).toBe(1);
      await expect(saveSodPolicy({ ctx, input: { name: "vendor VS payment", sideA: [ent.read], sideB: [ent["approve-payment"]] } })).rejects.toBeInstanceOf(ConflictError);
      const list = await listSodPolicies({ ctx: { ...ctx, actor: auditor(cyd.id) } });
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ name: "Vendor vs payment", action: "block", violators: 1, sideA: [{ label: "ERP · create-vendor" }] });
      // The person page's conflicts use the same definition.
      expect((await personSodConflicts(t.db, ann.id, clock())).map((c) => c.policyName)).toEqual(["Vendor vs payment"]);
      // Update: side B widened to "read" too → Cyd does not hold side A, still 1.
      const u = await saveSodPolicy({ ctx, input: { id: r.id, name: "Vendor vs payment", action: "require_approval", sideA: [ent["create-vendor"]], sideB: [ent["approve-payment"], ent.read] } });
      expect(u.violatorsToday).toBe(1);
      expect((await t.db.select().from(sodPolicyEntitlements).where(eq(sodPolicyEntitlements.policyId, r.id))).length).toBe(3);
      await expect(saveSodPolicy({ ctx, input: { id: randomUUID(), name: "Ghost", sideA: [ent.read], sideB: [ent["approve-payment"]] } })).rejects.toBeInstanceOf(NotFoundError);
      expect((await t.db.select().from(grants)).length).toBe(grantsBefore);
      await deleteSodPolicy({ ctx, input: { id: r.id } });
      expect(await listSodPolicies({ ctx })).toEqual([]);
      const actions = rowsOf<{ action: string }>(await t.db.execute(sql`SELECT action FROM audit_events WHERE target_kind = 'sod_policy' ORDER BY seq`)).map((x) => x.action);
      expect(actions).toEqual(["sod.policy.created", "sod.policy.updated", "sod.policy.deleted"]);
    });
  });
}
