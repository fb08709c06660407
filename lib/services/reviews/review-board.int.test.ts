/**
 * What the reviewer's board relies on, against PGlite (and PostgreSQL when TEST_DATABASE_URL is set):
 * - each item says how the access came to be (a real request: who asked, why, who approved with what comment);
 * - access a manager approved days ago is not sent back to review for being rare (the approval explains it);
 * - decisions can be changed while the campaign is open: an undone revoke gives the access back (grant active
 *   again, a new grant operation after the pending revoke), audited as review.decision_changed;
 * - a selection is decided all or nothing;
 * - the per-person summary follows the decisions.
 * Fixture: Mia manages Ben, Ed, Eve and Ella (Engineering, birthright "Code Read"); Ed holds privileged
 * "Code Admin" granted by hand and unused for 150 days; Ben asks for "Code Write" (rare) and Mia approves it.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accountEntitlements, accounts, applications, approvalSteps, auditEvents, birthrightRules, entitlements, grants, operations, people, reviewItems, roleEntitlements, roleTemplates,
} from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ValidationError } from "@/lib/errors";
import { createRequest } from "@/lib/services/requests/create-request";
import { decideStep } from "@/lib/services/requests/decide-step";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { createCampaign, launchCampaign } from "./create-campaign";
import { decideItem, decideItems } from "./decide-item";
import { getReviewerView } from "./list-reviews";

const DAY = 86_400_000;
const now = new Date("2031-03-10T09:00:00Z");
const ago = (d: number) => new Date(now.getTime() - d * DAY);

const mkPerson = (n: string, extra: Partial<typeof people.$inferInsert> = {}) => ({
  id: randomUUID(), employeeId: `E-${n}-${randomUUID().slice(0, 6)}`, givenName: n, familyName: "Test", displayName: `${n} Test`,
  email: `${n.toLowerCase()}-${randomUUID().slice(0, 4)}@example.test`, department: "Engineering", title: "Engineer", location: "Remote", ...extra,
});
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"]): Actor => ({
  personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [],
});

for (const driver of testDrivers()) {
  describe(`review board on ${driver.label}`, () => {
    let t: TestDb;
    const vic = mkPerson("Vic", { title: "VP Engineering" });
    const mia = mkPerson("Mia", { title: "Engineering Manager", managerId: vic.id });
    const ben = mkPerson("Ben", { managerId: mia.id });
    const ed = mkPerson("Ed", { managerId: mia.id });
    const eve = mkPerson("Eve", { managerId: mia.id });
    const ella = mkPerson("Ella", { managerId: mia.id });
    const ada = mkPerson("Ada", { department: "IT", title: "IAM Admin" });
    const ent: Record<string, string> = {};
    let campaignId = "";
    const ctxOf = (a: Actor) => ({ actor: a, db: t.db });
    const MIA = () => actorOf(mia, ["employee", "manager"]);
    const itemFor = async (personId: string, key: string) =>
      (await t.db.select().from(reviewItems).where(and(eq(reviewItems.campaignId, campaignId), eq(reviewItems.personId, personId), eq(reviewItems.entitlementId, ent[key]!))))[0]!;
    const viewItem = async (itemId: string) => {
      const v = await getReviewerView({ ctx: ctxOf(MIA()), input: { campaignId } });
      for (const p of v.people) for (const i of p.items) if (i.id === itemId) return { item: i, person: p };
      throw new Error("item not in the reviewer's view");
    };

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([vic, mia, ben, ed, eve, ella, ada]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" }, lastReconciledAt: ago(1) }).returning();
      const rows = await t.db.insert(entitlements).values([
        { applicationId: app!.id, externalId: "read", name: "Code Read", level: "read", sensitivity: "low" },
        { applicationId: app!.id, externalId: "write", name: "Code Write", level: "edit", sensitivity: "medium" },
        { applicationId: app!.id, externalId: "admin", name: "Code Admin", level: "admin", privileged: true, sensitivity: "high" },
      ]).returning();
      for (const r of rows) ent[r.externalId] = r.id;
      const [role] = await t.db.insert(roleTemplates).values({ key: "eng", name: "Engineering base", status: "published" }).returning();
      await t.db.insert(roleEntitlements).values({ roleId: role!.id, entitlementId: ent.read! });
      await t.db.insert(birthrightRules).values({ name: "Engineering", roleId: role!.id, conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] });
      await t.db.insert(grants).values([
        ...[mia, ben, ed, eve, ella].map((p) => ({ personId: p.id, entitlementId: ent.read!, source: "birthright" as const, sourceRef: role!.id, grantedAt: ago(300), lastUsedAt: ago(2) })),
        { personId: ed.id, entitlementId: ent.admin!, source: "manual" as const, grantedById: ada.id, grantedAt: ago(400), lastUsedAt: ago(150), reason: "Release duty" },
      ]);
      // Ed's live account in the target holds both.
      const [acc] = await t.db.insert(accounts).values({ personId: ed.id, applicationId: app!.id, username: "ed", externalId: `x-${ed.id}`, status: "active" }).returning();
      await t.db.insert(accountEntitlements).values([{ accountId: acc!.id, entitlementId: ent.read! }, { accountId: acc!.id, entitlementId: ent.admin! }]);
      // Ben asks for Code Write through the real request flow; Mia approves it with a comment.
      const r = await createRequest({ ctx: ctxOf(actorOf(ben)), input: { items: [{ entitlementId: ent.write }], justification: "Building the pipeline report" }, now: ago(3) });
      expect(r.items[0]!.route).toBe("manager");
      const [step] = await t.db.select().from(approvalSteps).where(eq(approvalSteps.itemId, r.items[0]!.itemId));
      await decideStep({ ctx: ctxOf(MIA()), input: { stepId: step!.id, decision: "approve", comment: "OK for Q3" }, now: ago(2) });

      const c = await createCampaign({ ctx: ctxOf(actorOf(ada, ["employee", "admin"])), input: { name: "Q1 review", dueAt: new Date(now.getTime() + 14 * DAY).toISOString() } });
      campaignId = c.id;
      const { done } = await launchCampaign({ ctx: ctxOf(actorOf(ada, ["employee", "admin"])), input: { campaignId }, now });
      await done;
    });
    afterAll(async () => {
      await t?.close();
    });

    it("an item says who asked, why, and who approved it with what comment; a recent approval is not sent back to review", async () => {
      const write = await itemFor(ben.id, "write");
      expect(write.recommendation).toBe("no_action");
      expect(write.reasons[0]).toBe("no action needed: approved by Mia Test 2 days ago (access request)");
      const { item } = await viewItem(write.id);
      expect(item.history).toEqual([
        `Requested by Ben Test on ${ago(3).toISOString().slice(0, 10)}: “Building the pipeline report”`,
        `Approved by Mia Test (manager) on ${ago(2).toISOString().slice(0, 10)}: “OK for Q3”`,
      ]);
      const admin = await viewItem((await itemFor(ed.id, "admin")).id);
      expect(admin.item.recommendation).toBe("review");
      expect(admin.item.history).toEqual([`Granted by Ada Test on ${ago(400).toISOString().slice(0, 10)}: “Release duty”`]);
      const read = await viewItem((await itemFor(eve.id, "read")).id);
      expect(read.item.history).toEqual([`Given by a birthright rule on ${ago(300).toISOString().slice(0, 10)}`]);
    });

    it("a revoke can be undone while the campaign is open: the access comes back and the change is audited", async () => {
      const item = await itemFor(ed.id, "admin");
      const r1 = await decideItem({ ctx: ctxOf(MIA()), input: { itemId: item.id, decision: "revoke", comment: "Not on release duty" }, now });
      expect(r1.operationIds).toHaveLength(1);
      const [g1] = await t.db.select().from(grants).where(eq(grants.id, item.grantId!));
      expect(g1).toMatchObject({ status: "revoked", revokedById: mia.id });
      // The same decision twice is refused; the opposite one is a change.
      await expect(decideItem({ ctx: ctxOf(MIA()), input: { itemId: item.id, decision: "revoke" }, now })).rejects.toBeInstanceOf(ConflictError);
      const r2 = await decideItem({ ctx: ctxOf(MIA()), input: { itemId: item.id, decision: "keep", comment: "He is on release duty after all" }, now });
      const [g2] = await t.db.select().from(grants).where(eq(grants.id, item.grantId!));
      expect(g2).toMatchObject({ status: "active", revokedAt: null, revokedById: null, revokeReason: null, source: "manual" });
      expect(await itemFor(ed.id, "admin")).toMatchObject({ decision: "keep", comment: "He is on release duty after all", revokedAt: null });
      // The pending revoke is followed by a grant of the same access, so the target ends with it.
      const ops = await t.db.select().from(operations).where(and(eq(operations.personId, ed.id), eq(operations.entitlementId, ent.admin!))).orderBy(asc(operations.createdAt), asc(operations.sequence));
      expect(ops.map((o) => o.kind)).toEqual(["revoke", "grant"]);
      expect(r2.operationIds).toEqual([ops[1]!.id]);
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.decision_changed"), eq(auditEvents.targetId, item.id)));
      expect(ev!.data).toMatchObject({ decision: "keep", previousDecision: "revoke", previousComment: "Not on release duty" });
      // And back to revoke once more: the grant is revoked again.
      await decideItem({ ctx: ctxOf(MIA()), input: { itemId: item.id, decision: "revoke" }, now });
      expect((await t.db.select().from(grants).where(eq(grants.id, item.grantId!)))[0]!.status).toBe("revoked");
    });

    it("a selection is decided all or nothing, and the person's summary follows the decisions", async () => {
      const eveRead = await itemFor(eve.id, "read");
      const ellaRead = await itemFor(ella.id, "read");
      const benWrite = await itemFor(ben.id, "write");
      // Someone else's item in the selection: nothing is decided.
      const vicItem = await itemFor(mia.id, "read");
      await expect(decideItems({ ctx: ctxOf(MIA()), input: { campaignId, itemIds: [eveRead.id, vicItem.id], decision: "keep" }, now })).rejects.toThrow(/Nothing was decided/);
      expect((await itemFor(eve.id, "read")).decision).toBeNull();
      await expect(decideItems({ ctx: ctxOf(MIA()), input: { campaignId, itemIds: [], decision: "keep" }, now })).rejects.toBeInstanceOf(ValidationError);

      const r = await decideItems({ ctx: ctxOf(MIA()), input: { campaignId, itemIds: [eveRead.id, ellaRead.id, benWrite.id], decision: "keep", comment: "Team access checked" }, now });
      expect(r.count).toBe(3);
      for (const i of [eveRead, ellaRead, benWrite]) expect((await t.db.select().from(reviewItems).where(eq(reviewItems.id, i.id)))[0]).toMatchObject({ decision: "keep", comment: "Team access checked", decidedById: mia.id });
      const evs = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.decided"), eq(auditEvents.actorId, mia.id)));
      expect(evs.filter((e) => [eveRead.id, ellaRead.id, benWrite.id].includes(e.targetId!))).toHaveLength(3);
      const { person } = await viewItem(benWrite.id);
      expect(person.summary).toMatch(/^Ben Test \(Engineer, Engineering\): 2 items; 1 decided \(1 kept\); still open: 1 needs no action\.$/);
      const eveView = await viewItem(eveRead.id);
      expect(eveView.person.summary).toBe("Eve Test (Engineer, Engineering): 1 item, all decided: 1 kept.");
    });
  });
}
