/** Review reminders with an injected clock (PGlite): 3 days before and on the due date, once each, only to reviewers with undecided items in active campaigns. */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, entitlements, notifications, people, reviewCampaigns, reviewItems } from "@/db/schema";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { remindReviewers, reminderStage, REMINDER_KIND } from "./remind";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const mkPerson = (n: string) => ({
  id: randomUUID(), employeeId: `E-${n}-${randomUUID().slice(0, 6)}`, givenName: n, familyName: "Rem", displayName: `${n} Rem`,
  email: `${n.toLowerCase()}-${randomUUID().slice(0, 4)}@example.test`, department: "Engineering", title: "Engineer", location: "Remote",
});

describe("reminderStage", () => {
  const due = new Date("2026-12-10T17:00:00Z");
  it("is soon from 3 days before, due in the last day, nothing otherwise", () => {
    expect(reminderStage(due, new Date(due.getTime() - 3 * DAY - 1))).toBeNull();
    expect(reminderStage(due, new Date(due.getTime() - 3 * DAY))).toBe("soon");
    expect(reminderStage(due, new Date(due.getTime() - DAY - 1))).toBe("soon");
    expect(reminderStage(due, new Date(due.getTime() - DAY))).toBe("due");
    expect(reminderStage(due, new Date(due.getTime() - 1))).toBe("due");
    expect(reminderStage(due, due)).toBeNull();
  });
});

for (const driver of testDrivers()) {
  describe(`review reminders on ${driver.label}`, () => {
    let t: TestDb;
    const mia = mkPerson("Mia");
    const sam = mkPerson("Sam");
    const vic = mkPerson("Vic");
    const eve = mkPerson("Eve");
    const due = new Date("2026-12-10T17:00:00Z");
    let campaignId = "";
    let draftId = "";
    const reminders = () => t.db.select().from(notifications).where(eq(notifications.kind, REMINDER_KIND));

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, sam, vic, eve]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" } }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "read", name: "Code Read" }).returning();
      const [c, d, closed] = await t.db.insert(reviewCampaigns).values([
        { name: "Q4 review", status: "active", dueAt: due },
        { name: "Draft review", status: "draft", dueAt: due },
        { name: "Old review", status: "closed", dueAt: due },
      ]).returning();
      campaignId = c!.id;
      draftId = d!.id;
      await t.db.insert(reviewItems).values([
        { campaignId, personId: eve.id, entitlementId: ent!.id, reviewerId: mia.id },
        { campaignId, personId: sam.id, entitlementId: ent!.id, reviewerId: mia.id },
        { campaignId, personId: eve.id, entitlementId: ent!.id, reviewerId: sam.id },
        // Vic has decided everything: no reminder.
        { campaignId, personId: mia.id, entitlementId: ent!.id, reviewerId: vic.id, decision: "keep", decidedById: vic.id, decidedAt: new Date("2026-12-01T00:00:00Z") },
        { campaignId: draftId, personId: eve.id, entitlementId: ent!.id, reviewerId: vic.id },
        { campaignId: closed!.id, personId: eve.id, entitlementId: ent!.id, reviewerId: vic.id },
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("sends nothing before the 3-day mark", async () => {
      expect(await remindReviewers(t.db, new Date(due.getTime() - 4 * DAY))).toEqual({ sent: 0, campaigns: 0 });
      expect(await reminders()).toHaveLength(0);
    });

    it("3 days before: one reminder per reviewer with undecided items, once", async () => {
      const at = new Date(due.getTime() - 3 * DAY + HOUR);
      expect(await remindReviewers(t.db, at)).toEqual({ sent: 2, campaigns: 1 });
      const r = await reminders();
      expect(r.map((n) => n.personId).sort()).toEqual([mia.id, sam.id].sort());
      const m = r.find((n) => n.personId === mia.id)!;
      expect(m).toMatchObject({ channel: "in_app", link: `/reviews/${campaignId}?reminder=soon`, title: 'Access review "Q4 review" is due in 3 days' });
      expect(m.body).toMatch(/^2 items still waiting for your decision; due 2026-12-10/);
      expect(m.createdAt.getTime()).toBe(at.getTime());
      // Idempotent: later runs in the same window send nothing.
      expect((await remindReviewers(t.db, new Date(at.getTime() + HOUR))).sent).toBe(0);
      expect((await remindReviewers(t.db, new Date(due.getTime() - 2 * DAY))).sent).toBe(0);
      expect(await reminders()).toHaveLength(2);
    });

    it("on the due date: a second reminder, once; only to reviewers still undecided", async () => {
      await t.db.update(reviewItems).set({ decision: "keep", decidedById: sam.id, decidedAt: new Date(due.getTime() - 2 * DAY) }).where(eq(reviewItems.reviewerId, sam.id));
      const at = new Date(due.getTime() - 10 * HOUR);
      expect(await remindReviewers(t.db, at)).toEqual({ sent: 1, campaigns: 1 });
      expect((await remindReviewers(t.db, new Date(at.getTime() + HOUR))).sent).toBe(0);
      const r = (await reminders()).filter((n) => n.link?.endsWith("reminder=due"));
      expect(r).toHaveLength(1);
      expect(r[0]).toMatchObject({ personId: mia.id, title: 'Access review "Q4 review" is due today' });
    });

    it("nothing once the due date has passed; drafts and closed campaigns never", async () => {
      expect((await remindReviewers(t.db, new Date(due.getTime() + HOUR))).sent).toBe(0);
      expect((await reminders()).some((n) => n.personId === vic.id)).toBe(false);
      expect(await reminders()).toHaveLength(3);
    });
  });
}
