import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { applications, auditEvents, entitlements, notifications, people, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { forwardItems, remindNow } from "./forward-items";

const actor = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee", "manager"]): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [] });
const NOW = new Date("2031-03-10T12:00:00Z");

for (const driver of testDrivers()) {
  describe(`forwarding and reminding review work on ${driver.label}`, () => {
    let t: TestDb;
    const ada = testPerson("Ada", { email: "ada.fw@corp.test" });
    const mia = testPerson("Mia", { email: "mia.fw@corp.test" });
    const lee = testPerson("Lee", { email: "lee.fw@corp.test" });
    const rob = testPerson("Rob", { email: "rob.fw@corp.test" });
    const gone = testPerson("Gus", { email: "gus.fw@corp.test", status: "terminated" });
    let campaignId = "";
    const items: Record<string, string> = {};
    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([ada, mia, lee, rob, gone]);
      const [app] = await t.db.insert(applications).values({ key: "crm", name: "CRM", connectorKind: "manual" }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "user", name: "User" }).returning();
      const [c] = await t.db.insert(reviewCampaigns).values({ name: "Q1 CRM", status: "active", dueAt: new Date("2031-03-31T23:59:59Z") }).returning();
      campaignId = c!.id;
      const rows = await t.db
        .insert(reviewItems)
        .values([
          { campaignId, personId: rob.id, entitlementId: ent!.id, reviewerId: mia.id },
          { campaignId, personId: lee.id, entitlementId: ent!.id, reviewerId: mia.id },
          { campaignId, personId: ada.id, entitlementId: ent!.id, reviewerId: mia.id, decision: "keep", decidedAt: NOW },
          { campaignId, personId: mia.id, entitlementId: ent!.id, reviewerId: ada.id },
        ])
        .returning();
      items.rob = rows[0]!.id;
      items.lee = rows[1]!.id;
      items.adaDecided = rows[2]!.id;
      items.miaByAda = rows[3]!.id;
    });
    afterAll(async () => {
      await t?.close();
    });
    const reviewerOf = async (id: string) => (await t.db.select({ r: reviewItems.reviewerId }).from(reviewItems).where(eq(reviewItems.id, id)))[0]!.r;

    it("refuses an unknown or terminated new reviewer, and changes nothing", async () => {
      const ctx = { actor: actor(mia), db: t.db, clock: () => NOW };
      await expect(forwardItems({ ctx, input: { campaignId, toEmail: "nobody@corp.test" } })).rejects.toBeInstanceOf(ValidationError);
      await expect(forwardItems({ ctx, input: { campaignId, toEmail: gone.email } })).rejects.toBeInstanceOf(ValidationError);
      await expect(forwardItems({ ctx, input: { campaignId, toEmail: "not an email" } })).rejects.toBeInstanceOf(ValidationError);
      expect(await reviewerOf(items.rob)).toBe(mia.id);
    });

    it("a reviewer forwards only their own open items; the item about the new reviewer stays; notified and audited", async () => {
      // Mia cannot move Ada's item by naming it: ownership is in SQL.
      await expect(forwardItems({ ctx: { actor: actor(mia), db: t.db, clock: () => NOW }, input: { campaignId, toEmail: rob.email, itemIds: [items.miaByAda] } })).rejects.toBeInstanceOf(ValidationError);
      expect(await reviewerOf(items.miaByAda)).toBe(ada.id);
      const r = await forwardItems({ ctx: { actor: actor(mia), db: t.db, clock: () => NOW }, input: { campaignId, toEmail: "LEE.fw@corp.test", note: "you run the CRM team" } });
      expect(r).toEqual({ moved: 1, keptOwnAccess: 1, to: lee.displayName });
      expect(await reviewerOf(items.rob)).toBe(lee.id);
      expect(await reviewerOf(items.lee)).toBe(mia.id); // Lee never reviews Lee
      expect(await reviewerOf(items.adaDecided)).toBe(mia.id); // decided items stay with who decided
      const [n] = await t.db.select().from(notifications).where(and(eq(notifications.personId, lee.id), eq(notifications.kind, "review.forwarded")));
      expect(n!.body).toContain("you run the CRM team");
      const [a] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "review.items_forwarded"));
      expect(a!.data).toMatchObject({ from: mia.id, to: lee.id, items: [items.rob], keptOwnAccess: 1 });
    });

    it("only admins reassign another reviewer's items", async () => {
      await expect(forwardItems({ ctx: { actor: actor(rob), db: t.db, clock: () => NOW }, input: { campaignId, fromEmail: ada.email, toEmail: rob.email } })).rejects.toBeInstanceOf(ValidationError);
      expect(await reviewerOf(items.miaByAda)).toBe(ada.id);
      const admin = actor(rob, ["employee", "admin"]);
      const r = await forwardItems({ ctx: { actor: admin, db: t.db, clock: () => NOW }, input: { campaignId, fromEmail: ada.email, toEmail: lee.email } });
      expect(r.moved).toBe(1);
      expect(await reviewerOf(items.miaByAda)).toBe(lee.id);
      expect((await t.db.select().from(auditEvents).where(eq(auditEvents.action, "review.items_reassigned"))).length).toBe(1);
    });

    it("an admin reminds every reviewer with open items, at most once an hour", async () => {
      await expect(remindNow({ ctx: { actor: actor(mia), db: t.db, clock: () => NOW }, input: { campaignId } })).rejects.toBeInstanceOf(ForbiddenError);
      const admin = actor(rob, ["employee", "admin"]);
      const r = await remindNow({ ctx: { actor: admin, db: t.db, clock: () => NOW }, input: { campaignId } });
      expect(r.sent).toBe(2); // Lee (2 open) and Mia (1 open)
      const sent = await t.db.select().from(notifications).where(eq(notifications.kind, "review.reminder"));
      expect(sent.map((s) => s.personId).sort()).toEqual([lee.id, mia.id].sort());
      expect(sent.find((s) => s.personId === lee.id)!.body).toContain("2 items still waiting");
      await expect(remindNow({ ctx: { actor: admin, db: t.db, clock: () => new Date(NOW.getTime() + 30 * 60_000) }, input: { campaignId } })).rejects.toBeInstanceOf(ConflictError);
      expect((await remindNow({ ctx: { actor: admin, db: t.db, clock: () => new Date(NOW.getTime() + 61 * 60_000) }, input: { campaignId } })).sent).toBe(2);
    });
  });
}
