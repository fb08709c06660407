/**
 * Access requests end to end against PGlite (and PostgreSQL when TEST_DATABASE_URL is set): request → risk →
 * route → approval stages → desired grant → planned operations (read back), denial, escalation with an injected
 * clock, expiry of time-bound access, self-approval refusal, IDOR refusals, SoD block, audit chain.
 *
 * Fixture: Vic (VP) ← Mia (manager) ← Ben, Ed, Eve, Ella (engineers); Zed in Sales (another line); Olga owns the
 * "Code" application; Sam and Sue are security. Ed, Eve and Ella hold "Code Read"; Ben holds "Vendors Create",
 * which a blocking SoD policy forbids combining with "Vendors Pay".
 */
import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessRequestItems, accessRequests, applicationOwners, applications, approvalSteps, auditEvents, entitlements, grants, notifications, operations, people,
  portalRoleAssignments, sodPolicies, sodPolicyEntitlements,
} from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { expireGrants } from "@/lib/services/access/sync-birthright";
import { planPeople } from "@/lib/services/provisioning/plan";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { createRequest } from "./create-request";
import { bulkApprove, decideStep } from "./decide-step";
import { escalateOverdue, SYSTEM_ACTOR } from "./escalate";
import { getCatalog } from "./get-catalog";
import { listInbox } from "./list-inbox";
import { listMyRequests } from "./list-my-requests";
import { nlDraft } from "./nl-draft";
import { withdrawRequest } from "./withdraw-request";
import { testPerson } from "@/lib/testing/fixtures";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const mkPerson = testPerson;
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"], owned: string[] = []): Actor => ({
  personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: owned,
});

for (const driver of testDrivers()) {
  describe(`access requests on ${driver.label}`, () => {
    let t: TestDb;
    const vic = mkPerson("Vic", { title: "VP Engineering" });
    const mia = mkPerson("Mia", { title: "Engineering Manager", managerId: vic.id });
    const ben = mkPerson("Ben", { managerId: mia.id });
    const ed = mkPerson("Ed", { managerId: mia.id });
    const eve = mkPerson("Eve", { managerId: mia.id });
    const ella = mkPerson("Ella", { managerId: mia.id });
    const zed = mkPerson("Zed", { department: "Sales", title: "Account Executive" });
    const olga = mkPerson("Olga", { department: "IT", title: "IT Lead" });
    const sam = mkPerson("Sam", { department: "Security", title: "Security Engineer" });
    const sue = mkPerson("Sue", { department: "Security", title: "Security Engineer" });
    let appId = "";
    const ent: Record<string, string> = {};
    const ctxOf = (a: Actor) => ({ actor: a, db: t.db });
    const A = {
      ben: () => actorOf(ben),
      mia: () => actorOf(mia, ["employee", "manager"]),
      vic: () => actorOf(vic, ["employee", "manager"]),
      zed: () => actorOf(zed),
      olga: () => actorOf(olga, ["employee", "app_owner"], [appId]),
      sam: () => actorOf(sam, ["employee", "security"]),
      sue: () => actorOf(sue, ["employee", "security"]),
    };
    const stepsOf = (itemId: string) => t.db.select().from(approvalSteps).where(eq(approvalSteps.itemId, itemId)).orderBy(approvalSteps.stage, approvalSteps.createdAt);
    const grantOf = (itemId: string) => t.db.select().from(grants).where(and(eq(grants.source, "request"), eq(grants.sourceRef, itemId)));
    const opsOf = (requestId: string) => t.db.select().from(operations).where(and(eq(operations.causeKind, "request"), eq(operations.causeId, requestId)));
    const countRows = async () => {
      const [[r], [i], [s], [g], [a]] = await Promise.all([
        t.db.select({ n: count() }).from(accessRequests),
        t.db.select({ n: count() }).from(accessRequestItems),
        t.db.select({ n: count() }).from(approvalSteps),
        t.db.select({ n: count() }).from(grants),
        t.db.select({ n: count() }).from(auditEvents),
      ]);
      return [r!.n, i!.n, s!.n, g!.n, a!.n].map(Number);
    };

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([vic, mia, ben, ed, eve, ella, zed, olga, sam, sue]);
      await t.db.insert(portalRoleAssignments).values([{ personId: sam.id, role: "security" }, { personId: sue.id, role: "security" }]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" } }).returning();
      appId = app!.id;
      await t.db.insert(applicationOwners).values({ applicationId: appId, personId: olga.id });
      const rows = await t.db
        .insert(entitlements)
        .values([
          { applicationId: appId, externalId: "read", name: "Read", level: "read", sensitivity: "low" },
          { applicationId: appId, externalId: "write", name: "Write", level: "edit", sensitivity: "medium", maxDurationDays: 30 },
          { applicationId: appId, externalId: "wiki", name: "Wiki Editor", level: "edit", sensitivity: "medium" },
          { applicationId: appId, externalId: "boards", name: "Boards Editor", level: "edit", sensitivity: "medium" },
          { applicationId: appId, externalId: "admin", name: "Admin", level: "admin", sensitivity: "high", privileged: true, maxDurationDays: 14 },
          { applicationId: appId, externalId: "vendors-create", name: "Vendors Create", level: "edit", sensitivity: "medium" },
          { applicationId: appId, externalId: "vendors-pay", name: "Vendors Pay", level: "edit", sensitivity: "medium" },
          { applicationId: appId, externalId: "secret", name: "Secret Sauce", level: "read", requestable: false },
        ])
        .returning();
      for (const r of rows) ent[r.externalId] = r.id;
      await t.db.insert(grants).values([
        ...[ed, eve, ella].map((p) => ({ personId: p.id, entitlementId: ent.read!, source: "birthright" as const })),
        { personId: ben.id, entitlementId: ent["vendors-create"]!, source: "manual" as const },
      ]);
      const [pol] = await t.db.insert(sodPolicies).values({ name: "Create vendor vs pay vendor", action: "block" }).returning();
      await t.db.insert(sodPolicyEntitlements).values([
        { policyId: pol!.id, entitlementId: ent["vendors-create"]!, side: "a" },
        { policyId: pol!.id, entitlementId: ent["vendors-pay"]!, side: "b" },
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("catalog: search, shares, and 'people like you have' (≥ 50% of peers, lacking)", async () => {
      const c = await getCatalog({ ctx: ctxOf(A.ben()), input: { q: "code" } });
      expect(c.peerGroup).toBe("Engineers in Engineering");
      expect(c.peerCount).toBe(3);
      expect(c.rows.map((r) => r.name)).not.toContain("Secret Sauce");
      expect(c.rows.find((r) => r.id === ent.read)).toMatchObject({ share: 1, held: false });
      expect(c.suggested.map((s) => s.id)).toEqual([ent.read]);
      expect((await getCatalog({ ctx: ctxOf(A.ben()), input: { q: "wiki" } })).rows.map((r) => r.name)).toEqual(["Wiki Editor"]);
      // Another line's catalog view is refused.
      await expect(getCatalog({ ctx: ctxOf(A.ben()), input: { beneficiaryId: zed.id } })).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("low risk, common among peers → auto-approved → grant row + planned operations in the same transaction", async () => {
      const r = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.read }] } });
      expect(r.status).toBe("approved");
      expect(r.items[0]).toMatchObject({ route: "auto", status: "approved", riskScore: 0 });
      expect(r.items[0]!.riskReasons.map((x) => x.factor)).toEqual(["prior", "peers"]);
      const [g] = await grantOf(r.items[0]!.itemId);
      expect(g).toMatchObject({ personId: ben.id, entitlementId: ent.read, source: "request", status: "active", expiresAt: null });
      const ops = await opsOf(r.requestId);
      // The planner plans the person's whole desired state (Ben's earlier manual grant rides along).
      expect(ops.map((o) => o.kind)).toContain("create_account");
      expect(ops.filter((o) => o.kind === "grant" && o.entitlementId === ent.read)).toHaveLength(1);
      expect(ops.every((o) => o.status === "pending" && o.personId === ben.id)).toBe(true);
      expect(await stepsOf(r.items[0]!.itemId)).toEqual([]);
      const ev = await t.db.select().from(auditEvents).where(eq(auditEvents.targetId, r.items[0]!.itemId));
      expect(ev.map((e) => e.action)).toEqual(["request.item_auto_approved"]);
      expect(ev[0]!.data).toMatchObject({ route: "auto", riskScore: 0 });
      expect(JSON.stringify(ev[0]!.data)).toMatch(/Approved automatically/);
      // Live status for the requester: granted, provisioning not started (no worker here).
      const mine = await listMyRequests({ ctx: ctxOf(A.ben()) });
      expect(mine[0]!.items[0]).toMatchObject({ status: "approved", provisioning: "not_started" });
    });

    let writeItem = "";
    let writeRequest = "";
    it("manager route: only the manager sees and decides; IDOR attempts change nothing; approval grants a time-bound grant + operations", async () => {
      const r = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.write, durationDays: 10 }], justification: "Feature work" } });
      writeItem = r.items[0]!.itemId;
      writeRequest = r.requestId;
      expect(r.items[0]!.route).toBe("manager");
      expect(r.items[0]!.riskReasons.map((x) => x.factor)).toContain("anomaly");
      const [step] = await stepsOf(writeItem);
      expect(step).toMatchObject({ approverId: mia.id, status: "pending", stage: 1, approverKind: "manager" });
      const [n] = await t.db.select().from(notifications).where(and(eq(notifications.personId, mia.id), eq(notifications.kind, "approval.requested"), eq(notifications.channel, "in_app")));
      expect(n?.title).toMatch(/Code Write for Ben Test/);

      // IDOR: other people cannot see or decide it.
      expect(await listInbox({ ctx: ctxOf(A.zed()) })).toEqual([]);
      expect(await listInbox({ ctx: ctxOf(A.ben()) })).toEqual([]);
      expect(await listMyRequests({ ctx: ctxOf(A.zed()) })).toEqual([]);
      const before = await countRows();
      for (const who of [A.zed(), A.ben(), A.vic(), A.sam()])
        await expect(decideStep({ ctx: ctxOf(who), input: { stepId: step!.id, decision: "approve" } })).rejects.toBeInstanceOf(NotFoundError);
      expect(await countRows()).toEqual(before);
      expect((await stepsOf(writeItem))[0]!.status).toBe("pending");

      // The manager's inbox has the context.
      const inbox = await listInbox({ ctx: ctxOf(A.mia()) });
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ beneficiaryName: "Ben Test", requesterName: "Ben Test", justification: "Feature work", entitlementName: "Write", beneficiaryAccessCount: 2, lowRisk: false });
      expect(inbox[0]!.peers).toMatchObject({ size: 3, holders: 0, share: 0 });

      const now = new Date();
      const d = await decideStep({ ctx: ctxOf(A.mia()), input: { stepId: step!.id, decision: "approve", comment: "ok" }, now });
      expect(d).toMatchObject({ itemStatus: "approved", requestStatus: "approved", nextStage: null });
      const [g] = await grantOf(writeItem);
      expect(g!.grantedById).toBe(mia.id);
      expect(g!.expiresAt!.getTime()).toBe(now.getTime() + 10 * DAY);
      const ops = await opsOf(writeRequest);
      expect(ops.filter((o) => o.kind === "grant" && o.entitlementId === ent.write)).toHaveLength(1);
      // Deciding again: already decided → not found.
      await expect(decideStep({ ctx: ctxOf(A.mia()), input: { stepId: step!.id, decision: "deny", comment: "Too late" } })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("time-bound grant expires: expireGrants + planPeople → a revoke operation", async () => {
      const later = new Date(Date.now() + 11 * DAY);
      const revokes = await t.db.transaction(async (tx) => {
        const expired = await expireGrants(tx, later);
        expect(expired.map((e) => e.entitlementId)).toEqual([ent.write]);
        return planPeople(tx, [ben.id], { kind: "expiry" }, later);
      });
      expect(revokes.planned.filter((o) => o.kind === "revoke").map((o) => o.entitlementId)).toEqual([ent.write]);
      const [g] = await grantOf(writeItem);
      expect(g!.status).toBe("expired");
    });

    it("privileged → owner then security; each approves → grant + operation; the other security step is skipped", async () => {
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.admin }] } })).rejects.toBeInstanceOf(ValidationError);
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.admin, durationDays: 30 }], justification: "Incident response rotation" } })).rejects.toThrow(/at most 14 days/);
      const r = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.admin }], justification: "Incident response rotation" } });
      const item = r.items[0]!;
      expect(item).toMatchObject({ route: "owner_security", durationDays: 14 });
      let steps = await stepsOf(item.itemId);
      expect(steps.map((s) => [s.stage, s.approverKind, s.approverId, s.status])).toEqual([
        [1, "app_owner", olga.id, "pending"],
        [2, "security", sam.id, "waiting"],
        [2, "security", sue.id, "waiting"],
      ]);
      // Security cannot decide before its stage opens.
      await expect(decideStep({ ctx: ctxOf(A.sam()), input: { stepId: steps[1]!.id, decision: "approve" } })).rejects.toBeInstanceOf(NotFoundError);
      const d1 = await decideStep({ ctx: ctxOf(A.olga()), input: { stepId: steps[0]!.id, decision: "approve" } });
      expect(d1).toMatchObject({ itemStatus: "pending", nextStage: 2 });
      expect(await grantOf(item.itemId)).toEqual([]);
      steps = await stepsOf(item.itemId);
      expect(steps.map((s) => s.status)).toEqual(["approved", "pending", "pending"]);
      // Bulk approve refuses privileged items.
      const bulk = await bulkApprove({ ctx: ctxOf(A.sam()), input: { stepIds: [steps[1]!.id] } });
      expect(bulk.approved).toEqual([]);
      expect(bulk.skipped[0]!.reason).toMatch(/privileged/);
      const d2 = await decideStep({ ctx: ctxOf(A.sam()), input: { stepId: steps[1]!.id, decision: "approve", comment: "on-call" } });
      expect(d2).toMatchObject({ itemStatus: "approved", requestStatus: "approved" });
      steps = await stepsOf(item.itemId);
      expect(steps.map((s) => s.status)).toEqual(["approved", "approved", "skipped"]);
      const [g] = await grantOf(item.itemId);
      expect(g).toMatchObject({ status: "active", grantedById: sam.id });
      expect(Math.round((g!.expiresAt!.getTime() - g!.grantedAt.getTime()) / DAY)).toBe(14);
      expect((await opsOf(r.requestId)).filter((o) => o.kind === "grant" && o.entitlementId === ent.admin)).toHaveLength(1);
      const ev = await t.db.select().from(auditEvents).where(eq(auditEvents.targetId, steps[1]!.id));
      expect(ev.map((e) => e.action)).toEqual(["request.step_approved"]);
      expect(ev[0]!.data).toMatchObject({ comment: "on-call", stage: 2 });
    });

    it("denial ends the item: no grant, request denied, requester notified", async () => {
      const r = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.wiki }] } });
      const [step] = await stepsOf(r.items[0]!.itemId);
      // A denial needs a reason; without one nothing changes.
      await expect(decideStep({ ctx: ctxOf(A.mia()), input: { stepId: step!.id, decision: "deny" } })).rejects.toThrow(/reason/);
      await expect(decideStep({ ctx: ctxOf(A.mia()), input: { stepId: step!.id, decision: "deny", comment: "  " } })).rejects.toThrow(/reason/);
      expect((await stepsOf(r.items[0]!.itemId))[0]).toMatchObject({ status: "pending" });
      const d = await decideStep({ ctx: ctxOf(A.mia()), input: { stepId: step!.id, decision: "deny", comment: "Use the team space" } });
      expect(d).toMatchObject({ itemStatus: "denied", requestStatus: "denied" });
      expect(await grantOf(r.items[0]!.itemId)).toEqual([]);
      expect(await opsOf(r.requestId)).toEqual([]);
      const notes = await t.db.select().from(notifications).where(and(eq(notifications.personId, ben.id), eq(notifications.kind, "request.denied")));
      expect(notes.length).toBeGreaterThan(0);
      // The notification names the access and the reason, not just who denied it.
      expect(notes.at(-1)!.title).toMatch(/^Access request denied: .+/);
      expect(notes.at(-1)!.body).toContain("Reason: Use the team space");
      const mine = await listMyRequests({ ctx: ctxOf(A.ben()) });
      expect(mine.find((m) => m.id === r.requestId)!.items[0]!.steps[0]).toMatchObject({ status: "denied", comment: "Use the team space" });
    });

    it("the requester withdraws what is still waiting: items cancelled, approvers' steps skipped and told, audited; nobody else can", async () => {
      const r = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.wiki }] } });
      const itemId = r.items[0]!.itemId;
      const [step] = await stepsOf(itemId);
      expect(step).toMatchObject({ status: "pending" });
      // Not the approver, not anyone else; unknown ids are not found.
      await expect(withdrawRequest({ ctx: ctxOf(A.mia()), input: { requestId: r.requestId } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(withdrawRequest({ ctx: ctxOf(A.ben()), input: { requestId: randomUUID() } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(withdrawRequest({ ctx: ctxOf(A.ben()), input: { requestId: "nope" } })).rejects.toBeInstanceOf(ValidationError);
      const w = await withdrawRequest({ ctx: ctxOf(A.ben()), input: { requestId: r.requestId, reason: "Found it in the team space" } });
      expect(w).toMatchObject({ withdrawnItems: 1, requestStatus: "cancelled" });
      expect((await stepsOf(itemId))[0]).toMatchObject({ status: "skipped" });
      expect(await grantOf(itemId)).toEqual([]);
      const mine = await listMyRequests({ ctx: ctxOf(A.ben()) });
      expect(mine.find((m) => m.id === r.requestId)).toMatchObject({ status: "cancelled" });
      const inbox = await listInbox({ ctx: ctxOf(A.mia()) });
      expect(JSON.stringify(inbox)).not.toContain(step!.id);
      const told = await t.db.select().from(notifications).where(and(eq(notifications.personId, step!.approverId!), eq(notifications.kind, "request.withdrawn")));
      expect(told.length).toBeGreaterThan(0);
      const ev = await t.db.select().from(auditEvents).where(eq(auditEvents.targetId, r.requestId));
      expect(ev.map((e) => e.action)).toContain("request.withdrawn");
      // Twice: nothing is waiting any more.
      await expect(withdrawRequest({ ctx: ctxOf(A.ben()), input: { requestId: r.requestId } })).rejects.toBeInstanceOf(ConflictError);
    });

    it("escalation with an injected clock: reminder after 24 h, then escalated to the approver's manager after 48 h", async () => {
      const t0 = new Date();
      const r = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.boards }] }, now: t0 });
      const itemId = r.items[0]!.itemId;
      await expect(escalateOverdue({ ctx: ctxOf(A.ben()), input: { now: t0 } })).rejects.toBeInstanceOf(ForbiddenError);
      const early = await escalateOverdue({ ctx: ctxOf(SYSTEM_ACTOR), input: { now: new Date(t0.getTime() + 2 * HOUR) } });
      expect(early.escalated).toEqual([]);
      expect(early.reminded).toEqual([]);
      const r25 = await escalateOverdue({ ctx: ctxOf(SYSTEM_ACTOR), input: { now: new Date(t0.getTime() + 25 * HOUR) } });
      const [s1] = await stepsOf(itemId);
      expect(r25.reminded).toContain(s1!.id);
      expect(r25.escalated).toEqual([]);
      // The reminder goes out once.
      const r26 = await escalateOverdue({ ctx: ctxOf(SYSTEM_ACTOR), input: { now: new Date(t0.getTime() + 26 * HOUR) } });
      expect(r26.reminded).not.toContain(s1!.id);
      const r49 = await escalateOverdue({ ctx: ctxOf(SYSTEM_ACTOR), input: { now: new Date(t0.getTime() + 49 * HOUR) } });
      expect(r49.escalated).toEqual([{ stepId: s1!.id, from: mia.id, to: [vic.id] }]);
      const steps = await stepsOf(itemId);
      expect(steps.map((s) => [s.approverId, s.status])).toEqual([[mia.id, "escalated"], [vic.id, "pending"]]);
      // Mia can no longer decide; Vic can.
      await expect(decideStep({ ctx: ctxOf(A.mia()), input: { stepId: steps[0]!.id, decision: "approve" } })).rejects.toBeInstanceOf(NotFoundError);
      const d = await decideStep({ ctx: ctxOf(A.vic()), input: { stepId: steps[1]!.id, decision: "approve" } });
      expect(d.itemStatus).toBe("approved");
      const ev = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "request.step_escalated"));
      expect(ev.map((e) => e.targetId)).toContain(s1!.id);
    });

    it("a manager requests for a report: the approval skips the requester and goes up the line; not for another line", async () => {
      await expect(createRequest({ ctx: ctxOf(A.mia()), input: { beneficiaryId: zed.id, items: [{ entitlementId: ent.read }] } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(createRequest({ ctx: ctxOf(A.zed()), input: { beneficiaryId: ben.id, items: [{ entitlementId: ent.read }] } })).rejects.toBeInstanceOf(ForbiddenError);
      const r = await createRequest({ ctx: ctxOf(A.mia()), input: { beneficiaryId: ed.id, items: [{ entitlementId: ent.wiki }] } });
      const [step] = await stepsOf(r.items[0]!.itemId);
      expect(step).toMatchObject({ approverId: vic.id, status: "pending" });
      const mine = await listMyRequests({ ctx: ctxOf(actorOf(ed)) });
      expect(mine.map((m) => m.id)).toContain(r.requestId);
    });

    it("self-approval is refused even if a step is routed to the beneficiary; nothing changes", async () => {
      const r = await createRequest({ ctx: ctxOf(actorOf(eve)), input: { items: [{ entitlementId: ent.wiki }] } });
      const [step] = await stepsOf(r.items[0]!.itemId);
      await t.db.update(approvalSteps).set({ approverId: eve.id }).where(eq(approvalSteps.id, step!.id));
      const before = await countRows();
      await expect(decideStep({ ctx: ctxOf(actorOf(eve)), input: { stepId: step!.id, decision: "approve" } })).rejects.toBeInstanceOf(ForbiddenError);
      expect(await countRows()).toEqual(before);
      expect((await stepsOf(r.items[0]!.itemId))[0]!.status).toBe("pending");
      expect(await grantOf(r.items[0]!.itemId)).toEqual([]);
    });

    it("SoD block refuses with the policy name and writes nothing", async () => {
      const before = await countRows();
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent["vendors-pay"] }] } })).rejects.toThrow(/"Create vendor vs pay vendor"/);
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent["vendors-pay"] }] } })).rejects.toBeInstanceOf(ConflictError);
      expect(await countRows()).toEqual(before);
    });

    it("refuses non-requestable entitlements, duplicates of open requests and access already held", async () => {
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.secret }] } })).rejects.toThrow(/cannot be requested/);
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.read }] } })).rejects.toThrow(/already has/);
      await expect(createRequest({ ctx: ctxOf(A.mia()), input: { beneficiaryId: ed.id, items: [{ entitlementId: ent.wiki }] } })).rejects.toThrow(/already an open request/);
      await expect(createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.boards }], channel: "plain_language" } })).rejects.toThrow(/Confirm the draft/);
    });

    it("plain language: a draft for confirmation (never submitted); peers resolved to what ≥ 50% of them hold", async () => {
      const before = await countRows();
      const text = "I need Code editor for 2 weeks because of the docs sprint";
      const q = await nlDraft({ ctx: ctxOf(actorOf(ella)), input: { text } });
      // Two "editor" entitlements: the parser asks; the answer goes back as `choices`.
      expect(q.kind).toBe("ambiguous");
      if (q.kind !== "ambiguous") return;
      const pick = q.options.find((o) => /Wiki/.test(o.label))!;
      const d = await nlDraft({ ctx: ctxOf(actorOf(ella)), input: { text, choices: { [q.field]: pick.id } } });
      expect(d).toMatchObject({ kind: "draft" });
      if (d.kind !== "draft") return;
      expect(d.items.map((i) => i.entitlementId)).toEqual([ent.wiki]);
      expect(d.durationDays).toBe(14);
      expect(d.justification).toMatch(/docs sprint/);
      expect(d.submittable).toBe(true);
      expect(d.sentence).toMatch(/Nothing is requested until you confirm/);
      const peers = await nlDraft({ ctx: ctxOf(A.mia()), input: { text: "give Ben the same access as Ed" } });
      expect(peers.kind).toBe("draft");
      if (peers.kind === "draft") expect(peers.beneficiary?.id).toBe(ben.id);
      // Zed's directory does not include Ben: no name resolution outside one's line.
      const other = await nlDraft({ ctx: ctxOf(A.zed()), input: { text: "give Ben Code read" } });
      expect(other.kind === "draft" && other.beneficiary?.id === ben.id).toBe(false);
      expect(await countRows()).toEqual(before);
      // Confirmed → filed with channel plain_language.
      const r = await createRequest({ ctx: ctxOf(actorOf(ella)), input: { items: d.items.map((i) => ({ entitlementId: i.entitlementId, durationDays: d.durationDays ?? undefined })), justification: d.justification, channel: "plain_language", originalText: d.originalText, confirmed: true } });
      const [req] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.requestId));
      expect(req).toMatchObject({ channel: "plain_language", originalText: d.originalText });
    });

    it("with ≥ 50 past human decisions the learned model replaces the prior, with its reasons", async () => {
      // History: 60 decided manager-routed items, "Boards Editor" mostly approved, "Wiki Editor" mostly denied.
      const reqs = await t.db
        .insert(accessRequests)
        .values(Array.from({ length: 60 }, (_, k) => ({ requesterId: [ed, eve, zed][k % 3]!.id, beneficiaryId: [ed, eve, zed][k % 3]!.id, status: "approved" as const })))
        .returning({ id: accessRequests.id });
      await t.db.insert(accessRequestItems).values(
        reqs.map((r, k) => {
          const wiki = k % 2 === 0;
          const denied = wiki ? k % 10 !== 0 : k % 10 === 1;
          return { requestId: r.id, entitlementId: wiki ? ent.wiki! : ent.boards!, route: "manager", status: denied ? ("denied" as const) : ("approved" as const), decidedAt: new Date(Date.now() - (k + 1) * HOUR) };
        }),
      );
      const r = await createRequest({ ctx: ctxOf(actorOf(ella)), input: { items: [{ entitlementId: ent.boards }] } });
      const reasons = r.items[0]!.riskReasons;
      expect(reasons[0]!.factor).toBe("history");
      expect(reasons[0]!.text).toMatch(/Learned from \d+ past decisions: requests like this are approved \d+% of the time/);
      expect(reasons.map((x) => x.factor)).not.toContain("prior");
    });

    it("the audit chain verifies", async () => {
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    });
  });
}
