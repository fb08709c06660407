/**
 * A manager reviews their team, and the new-campaign form's scope preview (issue 13 items 4 and 6), against PGlite
 * (and PostgreSQL when TEST_DATABASE_URL is set): the team campaign holds exactly the reports' active access and the
 * manager reviews all of it; the manager's own access is never in it; a forged scope (someone outside the team, a
 * manager id, a scope object) is refused and nothing is written; a preview equals the launched campaign, per
 * application and per reviewer, for the team form and for the admins' generic form; a scope that changed since the
 * preview is refused (409) with nothing written.
 *
 * Fixture: Vic (VP) ← Mia (Engineering manager) ← Ben, Ed, Eve (and Leo, left, still holding Code Read); Vic ← Zoe.
 * Sam (Sales manager) ← Zed. Ada is the admin, Aud an auditor who also manages Ann. Applications: Code (Code Read,
 * Code Admin), CRM (CRM User). Everyone holds Code Read; Mia also holds Code Admin and CRM User.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, auditEvents, entitlements, grants, jobs, people, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { decideItem } from "./decide-item";
import { listCampaigns } from "./list-reviews";
import { createAndLaunchCampaign, previewNewCampaign } from "./new-campaign";
import type { ScopePreview } from "./scope-preview";
import { previewTeamReview, startTeamReview, teamReviewOptions } from "./team-review";

const DAY = 86_400_000;
const now = new Date("2026-11-02T10:00:00Z");
const due = "2026-11-30";
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"]): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [] });

for (const driver of testDrivers()) {
  describe(`team reviews and scope previews on ${driver.label}`, () => {
    let t: TestDb;
    const vic = testPerson("Vic", { title: "VP Engineering" });
    const mia = testPerson("Mia", { title: "Engineering Manager", managerId: vic.id });
    const ben = testPerson("Ben", { managerId: mia.id });
    const ed = testPerson("Ed", { managerId: mia.id });
    const eve = testPerson("Eve", { managerId: mia.id });
    const leo = testPerson("Leo", { managerId: mia.id, status: "terminated", endDate: "2026-10-01" });
    const zoe = testPerson("Zoe", { managerId: vic.id });
    const sam = testPerson("Sam", { department: "Sales", title: "Sales Manager" });
    const zed = testPerson("Zed", { department: "Sales", managerId: sam.id });
    const ada = testPerson("Ada", { department: "IT", title: "IAM Admin" });
    const aud = testPerson("Aud", { department: "Audit", title: "Auditor" });
    const ann = testPerson("Ann", { department: "Audit", managerId: aud.id });
    const ent: Record<string, string> = {};
    const app: Record<string, string> = {};
    const A = {
      mia: () => actorOf(mia, ["employee", "manager"]), vic: () => actorOf(vic, ["employee", "manager"]), ben: () => actorOf(ben, ["employee"]),
      ada: () => actorOf(ada, ["employee", "admin"]), aud: () => actorOf(aud, ["employee", "manager", "auditor"]),
    };
    const ctxOf = (a: Actor) => ({ actor: a, db: t.db, clock: () => now });
    const counts = async () => {
      const [c] = await t.db.select({ n: sql<number>`count(*)::int` }).from(reviewCampaigns);
      const [a] = await t.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
      const [i] = await t.db.select({ n: sql<number>`count(*)::int` }).from(reviewItems);
      return { campaigns: Number(c!.n), audit: Number(a!.n), items: Number(i!.n) };
    };
    const itemsOf = (campaignId: string) =>
      t.db.select({ personId: reviewItems.personId, grantId: reviewItems.grantId, reviewerId: reviewItems.reviewerId, id: reviewItems.id, applicationId: entitlements.applicationId })
        .from(reviewItems).innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId)).where(eq(reviewItems.campaignId, campaignId));
    /** The preview's counts against the campaign's items, per application and per reviewer. */
    const expectPreviewEqualsItems = async (preview: ScopePreview, campaignId: string) => {
      const items = await itemsOf(campaignId);
      expect(items).toHaveLength(preview.totals.items);
      const perApp = new Map<string, number>();
      const perReviewer = new Map<string, number>();
      for (const i of items) {
        perApp.set(i.applicationId, (perApp.get(i.applicationId) ?? 0) + 1);
        perReviewer.set(i.reviewerId ?? "-", (perReviewer.get(i.reviewerId ?? "-") ?? 0) + 1);
      }
      expect(Object.fromEntries(preview.byApplication.filter((a) => a.items > 0).map((a) => [a.applicationId, a.items]))).toEqual(Object.fromEntries(perApp));
      expect(Object.fromEntries(preview.byReviewer.filter((r) => r.items > 0).map((r) => [r.reviewerId ?? "-", r.items]))).toEqual(Object.fromEntries(perReviewer));
    };
    const activeGrantsOf = async (ids: string[]) =>
      (await t.db.select({ id: grants.id, personId: grants.personId }).from(grants).where(eq(grants.status, "active"))).filter((g) => ids.includes(g.personId));

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([vic, mia, ben, ed, eve, leo, zoe, sam, zed, ada, aud, ann]);
      const [code, crm] = await t.db.insert(applications).values([{ key: "code", name: "Code" }, { key: "crm", name: "CRM" }]).returning();
      app.code = code!.id;
      app.crm = crm!.id;
      const rows = await t.db.insert(entitlements).values([
        { applicationId: code!.id, externalId: "read", name: "Code Read" },
        { applicationId: code!.id, externalId: "admin", name: "Code Admin", privileged: true },
        { applicationId: crm!.id, externalId: "crm", name: "CRM User" },
      ]).returning();
      for (const r of rows) ent[r.externalId] = r.id;
      const g = (p: { id: string }, e: string) => ({ personId: p.id, entitlementId: ent[e]!, source: "manual" as const, grantedAt: new Date(now.getTime() - 200 * DAY), lastUsedAt: new Date(now.getTime() - 2 * DAY) });
      await t.db.insert(grants).values([
        ...[vic, mia, ben, ed, eve, leo, zoe, sam, zed, aud, ann].map((p) => g(p, "read")),
        g(mia, "admin"), g(mia, "crm"), g(ben, "crm"), g(zed, "crm"), g(vic, "crm"),
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("only managers start a team review: not an employee, not an auditor who manages, not with an admin's generic preview", async () => {
      await expect(previewTeamReview({ ctx: ctxOf(A.ben()), input: {} })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(startTeamReview({ ctx: ctxOf(A.ben()), input: { dueAt: due } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(startTeamReview({ ctx: ctxOf(A.aud()), input: { dueAt: due } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(previewNewCampaign({ ctx: ctxOf(A.mia()), input: {} })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(createAndLaunchCampaign({ ctx: ctxOf(A.mia()), input: { name: "Everyone", dueAt: due, launch: true } })).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("the form lists the manager's line, direct reports first, and the applications it holds", async () => {
      const o = await teamReviewOptions({ ctx: ctxOf(A.vic()) });
      expect(o.members.map((m) => [m.name, m.direct])).toEqual([["Mia Test", true], ["Zoe Test", true], ["Ben Test", false], ["Ed Test", false], ["Eve Test", false], ["Leo Test", false]]);
      expect(o.applications.map((a) => a.name)).toEqual(["Code", "CRM"]);
      expect((await teamReviewOptions({ ctx: ctxOf(A.mia()) })).members.map((m) => m.name)).toEqual(["Ben Test", "Ed Test", "Eve Test", "Leo Test"]);
    });

    it("a manager's team review holds exactly their direct reports' access, all reviewed by the manager, never their own; preview == run", async () => {
      const before = await counts();
      const preview = await previewTeamReview({ ctx: ctxOf(A.mia()), input: {} });
      const expected = await activeGrantsOf([ben.id, ed.id, eve.id, leo.id]);
      expect(preview.totals).toEqual({ items: expected.length, adopted: 0, orphans: 0 });
      expect(preview.byReviewer).toEqual([{ reviewerId: mia.id, name: "Mia Test", items: expected.length, orphans: 0 }]);

      const r = await startTeamReview({ ctx: ctxOf(A.mia()), input: { dueAt: due, expected: { items: preview.totals.items, orphans: 0, token: preview.token } }, now });
      await r.done;
      const [c] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, r.campaign.id));
      expect(c).toMatchObject({ status: "active", createdById: mia.id, reviewerKind: "manager", name: "Team review: Mia Test (2026-11-02)", scope: { team: { managerId: mia.id } } });
      const items = await itemsOf(r.campaign.id);
      expect(items.map((i) => i.grantId).sort()).toEqual(expected.map((g) => g.id).sort());
      expect(new Set(items.map((i) => i.reviewerId))).toEqual(new Set([mia.id]));
      expect(items.some((i) => i.personId === mia.id)).toBe(false);
      await expectPreviewEqualsItems(preview, r.campaign.id);
      // Audited: created (with the team scope, by the manager) and launched, then generated by the job.
      const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.targetId, r.campaign.id));
      expect(audit.map((a) => a.action).sort()).toEqual(["review.campaign_created", "review.campaign_generated", "review.campaign_launched"]);
      expect(audit.find((a) => a.action === "review.campaign_created")).toMatchObject({ actorId: mia.id, data: { startedBy: "manager", scope: { team: { managerId: mia.id } }, preview: { items: expected.length } } });
      const [job] = await t.db.select().from(jobs).where(eq(jobs.id, r.jobId));
      expect(job).toMatchObject({ status: "succeeded", done: expected.length });
      expect((await counts()).campaigns).toBe(before.campaigns + 1);
      // The manager sees it among the team reviews they started and decides an item on the usual path.
      const list = await listCampaigns({ ctx: ctxOf(A.mia()) });
      expect(list.canStartTeam).toBe(true);
      expect(list.team?.map((x) => [x.id, x.total])).toEqual([[r.campaign.id, expected.length]]);
      expect(list.mine.map((x) => x.id)).toContain(r.campaign.id);
      const benItem = items.find((i) => i.personId === ben.id)!;
      const d = await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: benItem.id, decision: "keep" } });
      expect(d).toBeTruthy();
      const [decided] = await t.db.select().from(reviewItems).where(eq(reviewItems.id, benItem.id));
      expect(decided).toMatchObject({ decision: "keep", decidedById: mia.id });
    });

    it("everyone below: the VP reviews the line, the line manager's own access included (by the VP), the VP's own never", async () => {
      const preview = await previewTeamReview({ ctx: ctxOf(A.vic()), input: { indirect: true, applicationIds: [app.crm] } });
      const r = await startTeamReview({ ctx: ctxOf(A.vic()), input: { indirect: true, applicationIds: [app.crm], dueAt: due, name: "Engineering CRM check", expected: { items: preview.totals.items, orphans: 0 } }, now });
      await r.done;
      const items = await itemsOf(r.campaign.id);
      // CRM holders below Vic: Mia and Ben (not Vic himself, not Zed of Sales).
      expect(items.map((i) => i.personId).sort()).toEqual([mia.id, ben.id].sort());
      expect(items.every((i) => i.reviewerId === vic.id && i.applicationId === app.crm)).toBe(true);
      await expectPreviewEqualsItems(preview, r.campaign.id);
      // Mia, a manager inside Vic's line, is not the reviewer of her own access here.
      expect(items.some((i) => i.reviewerId === i.personId)).toBe(false);
    });

    it("chosen people among the team only; a forged scope is refused and nothing is written", async () => {
      const before = await counts();
      // Zed reports to Sam, not to Mia: refused, in preview and in launch.
      await expect(previewTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [ben.id, zed.id] } })).rejects.toThrow(/only review people who report to you directly: 1 of the 2/);
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [ben.id, zed.id], dueAt: due } })).rejects.toBeInstanceOf(ForbiddenError);
      // Ben is below Vic but not his direct report: refused unless "everyone below" is asked.
      await expect(startTeamReview({ ctx: ctxOf(A.vic()), input: { personIds: [ben.id], dueAt: due } })).rejects.toBeInstanceOf(ForbiddenError);
      // The manager's own id, someone else's manager id, a whole scope object: refused as unknown fields.
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [mia.id], dueAt: due } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { managerId: sam.id, dueAt: due } })).rejects.toBeInstanceOf(ValidationError);
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { scope: { team: { managerId: sam.id } }, dueAt: due } })).rejects.toThrow(/Unknown field: scope/);
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: ["not-a-uuid"], dueAt: due } })).rejects.toBeInstanceOf(ValidationError);
      expect(await counts()).toEqual(before);

      // Chosen people inside the team: only theirs.
      const preview = await previewTeamReview({ ctx: ctxOf(A.vic()), input: { indirect: true, personIds: [ben.id, zoe.id] } });
      const r = await startTeamReview({ ctx: ctxOf(A.vic()), input: { indirect: true, personIds: [ben.id, zoe.id], dueAt: due, expected: { items: preview.totals.items, orphans: 0, token: preview.token } }, now });
      await r.done;
      expect((await itemsOf(r.campaign.id)).map((i) => i.grantId).sort()).toEqual((await activeGrantsOf([ben.id, zoe.id])).map((g) => g.id).sort());
    });

    it("a scope that changed since the preview is refused (409) and nothing is written; an empty scope is refused", async () => {
      const preview = await previewTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [eve.id] } });
      expect(preview.totals.items).toBe(1);
      const [extra] = await t.db.insert(grants).values({ personId: eve.id, entitlementId: ent.crm!, source: "manual" }).returning();
      const before = await counts();
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [eve.id], dueAt: due, expected: { items: 1, orphans: 0, token: preview.token } }, now }))
        .rejects.toThrow(ConflictError);
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [eve.id], dueAt: due, expected: { items: 1, orphans: 0 } }, now })).rejects.toThrow(/changed since the preview \(2 items/);
      // Same total, other applications: the token tells.
      await t.db.update(grants).set({ status: "revoked" }).where(and(eq(grants.personId, eve.id), eq(grants.entitlementId, ent.read!)));
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [eve.id], dueAt: due, expected: { items: 1, orphans: 0, token: preview.token } }, now })).rejects.toThrow(/other applications or reviewers/);
      expect(await counts()).toEqual(before);
      await t.db.update(grants).set({ status: "active" }).where(and(eq(grants.personId, eve.id), eq(grants.entitlementId, ent.read!)));
      await t.db.delete(grants).where(eq(grants.id, extra!.id));
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { personIds: [eve.id], applicationIds: [app.crm], dueAt: due }, now })).rejects.toThrow(/nothing to review/);
      await expect(startTeamReview({ ctx: ctxOf(A.mia()), input: { dueAt: "2026-10-01" }, now })).rejects.toThrow(/due date must be in the future/);
      expect(await counts()).toEqual(before);
    });

    it("the admins' new-campaign form: the preview's counts are the launched campaign's, per application and reviewer", async () => {
      for (const input of [
        { scope: {}, reviewerKind: "manager" as const },
        { scope: { applicationIds: [app.code] }, reviewerKind: "app_owner" as const },
        { scope: { departments: ["Engineering"], privilegedOnly: false }, reviewerKind: "manager" as const },
      ]) {
        const preview = await previewNewCampaign({ ctx: ctxOf(A.ada()), input, now });
        expect(preview.totals.items).toBeGreaterThan(0);
        const r = await createAndLaunchCampaign({ ctx: ctxOf(A.ada()), input: { ...input, name: `Generic ${input.reviewerKind}`, dueAt: due, launch: true, expected: { items: preview.totals.items, orphans: preview.totals.orphans, token: preview.token } }, now });
        await r.done;
        await expectPreviewEqualsItems(preview, r.campaign.id);
        const [c] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, r.campaign.id));
        expect(c!.status).toBe("active");
      }
    });

    it("the generic form refuses a launch whose scope changed since the preview, and writes nothing", async () => {
      const input = { scope: { applicationIds: [app.crm] }, reviewerKind: "manager" as const };
      const preview = await previewNewCampaign({ ctx: ctxOf(A.ada()), input, now });
      const [extra] = await t.db.insert(grants).values({ personId: zoe.id, entitlementId: ent.crm!, source: "manual" }).returning();
      const before = await counts();
      await expect(createAndLaunchCampaign({ ctx: ctxOf(A.ada()), input: { ...input, name: "Stale", dueAt: due, launch: true, expected: { items: preview.totals.items, orphans: 0 } }, now }))
        .rejects.toThrow(/changed since the preview/);
      expect(await counts()).toEqual(before);
      await t.db.delete(grants).where(eq(grants.id, extra!.id));
      // Bad previews answer with a validation error, not a crash.
      await expect(previewNewCampaign({ ctx: ctxOf(A.ada()), input: { reviewerKind: "group" } })).rejects.toBeInstanceOf(ValidationError);
      await expect(previewNewCampaign({ ctx: ctxOf(A.ada()), input: { scope: { applicationIds: ["x"] } } })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}
