/**
 * Admin insights over access requests, against PGlite (and PostgreSQL when TEST_DATABASE_URL is set): model quality
 * ("too few" below 50 decisions, AUC + calibration above), routing policy saved as active and as shadow (shadow routes
 * in the request.created audit event, the shadow report's agreement), dashboard counts, notifications filtered by
 * person, the mail outbox, the chat webhook after commit, and refusals for employees.
 *
 * Fixture (through createRequest/decideStep): Mia manages Ben, Ed, Eve, Ella (Engineering) and Zed (Sales); Olga owns
 * "Code"; Sam is security; Ada is admin; Aud is auditor. Ed, Eve, Ella hold "Code Read". The ≥ 50-decision history of
 * the model-quality case is inserted directly (decided items), since 50 round trips through the services only repeat
 * what the smaller cases already cover.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessRequestItems, accessRequests, applicationOwners, applications, auditEvents, entitlements, grants, notifications, operations, people, portalRoleAssignments,
} from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { setChatPoster } from "./chat-webhook";
import { createRequest } from "./create-request";
import { decideStep } from "./decide-step";
import { departmentBias, requestInsights } from "./insights";
import { listInbox } from "./list-inbox";
import { modelQuality } from "./model-quality";
import { pendingWork } from "@/db/queries/work";
import { listEmailOutbox, listMyNotifications, markRead } from "./notifications";
import { getRoutingPolicies, saveRoutingPolicy, shadowReport } from "./routing-policy";

const HOUR = 3_600_000;
const mkPerson = (n: string, extra: Partial<typeof people.$inferInsert> = {}) => ({
  id: randomUUID(), employeeId: `E-${n}-${randomUUID().slice(0, 6)}`, givenName: n, familyName: "Test", displayName: `${n} Test`,
  email: `${n.toLowerCase()}@example.test`, department: "Engineering", title: "Engineer", location: "Remote", ...extra,
});
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"]): Actor => ({
  personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [],
});
const LOOSE = { autoApproveMaxRisk: 10, autoApproveMinPeerAdoption: 0, managerMaxRisk: 10, contractorsNeedSponsor: true, escalationHours: 48, reminderHours: 24 };

for (const driver of testDrivers()) {
  describe(`request insights on ${driver.label}`, () => {
    let t: TestDb;
    const mia = mkPerson("Mia", { title: "Engineering Manager" });
    const ben = mkPerson("Ben", { managerId: mia.id });
    const ed = mkPerson("Ed", { managerId: mia.id });
    const eve = mkPerson("Eve", { managerId: mia.id });
    const ella = mkPerson("Ella", { managerId: mia.id });
    const zed = mkPerson("Zed", { department: "Sales", title: "Account Executive", managerId: mia.id });
    const olga = mkPerson("Olga", { department: "IT", title: "IT Lead" });
    const sam = mkPerson("Sam", { department: "Security", title: "Security Engineer" });
    const ada = mkPerson("Ada", { department: "IT", title: "Administrator" });
    const aud = mkPerson("Aud", { department: "Finance", title: "Auditor" });
    const ent: Record<string, string> = {};
    let appId = "";
    const ctxOf = (a: Actor) => ({ actor: a, db: t.db });
    const A = {
      ben: () => actorOf(ben), ed: () => actorOf(ed), zed: () => actorOf(zed), mia: () => actorOf(mia, ["employee", "manager"]),
      ada: () => actorOf(ada, ["employee", "admin"]), aud: () => actorOf(aud, ["employee", "auditor"]), sam: () => actorOf(sam, ["employee", "security"]),
    };
    const stepFor = async (approver: Actor, itemId: string) => (await listInbox({ ctx: ctxOf(approver) })).find((s) => s.itemId === itemId)!.stepId;
    const createdEvent = async (requestId: string) =>
      (await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "request.created"), eq(auditEvents.targetId, requestId))))[0]!;

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, ben, ed, eve, ella, zed, olga, sam, ada, aud]);
      await t.db.insert(portalRoleAssignments).values([{ personId: sam.id, role: "security" }, { personId: ada.id, role: "admin" }]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" } }).returning();
      appId = app!.id;
      await t.db.insert(applicationOwners).values({ applicationId: appId, personId: olga.id });
      const rows = await t.db
        .insert(entitlements)
        .values([
          { applicationId: appId, externalId: "read", name: "Read", level: "read", sensitivity: "low" },
          { applicationId: appId, externalId: "write", name: "Write", level: "edit", sensitivity: "medium" },
          { applicationId: appId, externalId: "wiki", name: "Wiki Editor", level: "edit", sensitivity: "medium" },
          { applicationId: appId, externalId: "boards", name: "Boards Editor", level: "edit", sensitivity: "medium" },
        ])
        .returning();
      for (const r of rows) ent[r.externalId] = r.id;
      await t.db.insert(grants).values([ed, eve, ella].map((p) => ({ personId: p.id, entitlementId: ent.read!, source: "birthright" as const })));
    });
    afterAll(async () => {
      setChatPoster(null);
      delete process.env.GATEHOUSE_CHAT_WEBHOOK_URL;
      resetEnvCache();
      await t?.close();
    });

    it("employees are refused everywhere admin-only; auditors read but cannot save a policy", async () => {
      const e = ctxOf(A.ben());
      await expect(modelQuality({ ctx: e })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(getRoutingPolicies({ ctx: e })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(saveRoutingPolicy({ ctx: e, input: { mode: "active", policy: LOOSE } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(shadowReport({ ctx: e })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(requestInsights({ ctx: e })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listEmailOutbox({ ctx: e })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(saveRoutingPolicy({ ctx: ctxOf(A.aud()), input: { mode: "shadow", policy: LOOSE } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listEmailOutbox({ ctx: ctxOf(A.aud()) })).rejects.toBeInstanceOf(ForbiddenError);
      expect((await getRoutingPolicies({ ctx: ctxOf(A.aud()) })).active.id).toBeNull();
    });

    it("model quality says 'too few' below 50 decisions", async () => {
      const q = await modelQuality({ ctx: ctxOf(A.sam()) });
      expect(q).toMatchObject({ enough: false, decisions: 0, cv: null, minDecisions: 50 });
      expect(q.message).toMatch(/Too few decisions/);
    });

    it("an invalid policy is refused with the validator's words; nothing is stored", async () => {
      await expect(saveRoutingPolicy({ ctx: ctxOf(A.ada()), input: { mode: "active", policy: { ...LOOSE, autoApproveMaxRisk: 8, managerMaxRisk: 5 } } })).rejects.toThrow(/cannot be above the manager risk limit/);
      await expect(saveRoutingPolicy({ ctx: ctxOf(A.ada()), input: { mode: "active", policy: { ...LOOSE, autoApproveMaxRisk: 8, managerMaxRisk: 5 } } })).rejects.toBeInstanceOf(ValidationError);
      expect((await getRoutingPolicies({ ctx: ctxOf(A.ada()) })).active.id).toBeNull();
    });

    const posted: unknown[] = [];
    let writeBen = { requestId: "", itemId: "" };
    let writeEd = { requestId: "", itemId: "" };
    it("a shadow policy decides nothing but its routes are recorded; the chat webhook hears after commit", async () => {
      const s = await saveRoutingPolicy({ ctx: ctxOf(A.ada()), input: { mode: "shadow", policy: LOOSE } });
      const pol = await getRoutingPolicies({ ctx: ctxOf(A.ada()) });
      expect(pol.shadow).toMatchObject({ id: s.id, savedBy: "Ada Test" });
      expect(pol.active.id).toBeNull();
      const saved = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "routing_policy.saved"));
      expect(saved.map((e) => e.data.mode)).toEqual(["shadow"]);

      process.env.GATEHOUSE_CHAT_WEBHOOK_URL = "https://chat.example.test/hook";
      process.env.NEXTAUTH_URL = "https://portal.example.test";
      resetEnvCache();
      setChatPoster(async (url, body) => void posted.push({ url, body }));
      const r1 = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.write! }], justification: "Feature work" } });
      expect(r1.items[0]!.route).toBe("manager");
      expect(r1).not.toHaveProperty("pendingSteps");
      writeBen = { requestId: r1.requestId, itemId: r1.items[0]!.itemId };
      const ev = await createdEvent(r1.requestId);
      expect(ev.data).toMatchObject({ route: "manager", shadowRoute: "auto", shadowPolicyId: s.id, shadowItemRoutes: [{ itemId: writeBen.itemId, route: "auto" }] });
      expect(posted).toHaveLength(1);
      expect(JSON.stringify(posted[0])).toMatch(/approve https:\/\/portal\.example\.test\/approvals\?step=[0-9a-f-]+&decision=approve/);

      // A failing webhook is logged, never thrown: the request is filed anyway.
      setChatPoster(async () => {
        throw new Error("boom");
      });
      const r2 = await createRequest({ ctx: ctxOf(A.ed()), input: { items: [{ entitlementId: ent.write! }], justification: "Feature work" } });
      writeEd = { requestId: r2.requestId, itemId: r2.items[0]!.itemId };
      expect(r2.items[0]!.route).toBe("manager");
      setChatPoster(async (url, body) => void posted.push({ url, body }));
    });

    it("the shadow report compares shadow routes with people's decisions", async () => {
      await decideStep({ ctx: ctxOf(A.mia()), input: { stepId: await stepFor(A.mia(), writeBen.itemId), decision: "approve" } });
      await decideStep({ ctx: ctxOf(A.mia()), input: { stepId: await stepFor(A.mia(), writeEd.itemId), decision: "deny", comment: "Not needed" } });
      const { shadow, report } = await shadowReport({ ctx: ctxOf(A.aud()) });
      expect(shadow).not.toBeNull();
      expect(report).toMatchObject({ n: 2, agreement: 0.5, wouldBeFalseApprovals: 1, wouldBeFalseBlocks: 0, coverage: 1 });
      expect(report.byRoute.auto).toEqual({ approved: 1, denied: 1 });
      // Shadow off: no routes recorded any more.
      await saveRoutingPolicy({ ctx: ctxOf(A.ada()), input: { mode: "shadow_off" } });
      expect((await getRoutingPolicies({ ctx: ctxOf(A.ada()) })).shadow).toBeNull();
      expect((await shadowReport({ ctx: ctxOf(A.ada()) })).report.n).toBe(0);
    });

    let autoReq = "";
    it("a policy saved as active is the one assess routes with", async () => {
      const before = await createRequest({ ctx: ctxOf(A.ben()), input: { items: [{ entitlementId: ent.read! }] } });
      expect(before.items[0]!.route).toBe("auto"); // common among peers, default policy
      await saveRoutingPolicy({ ctx: ctxOf(A.ada()), input: { mode: "active", policy: LOOSE } });
      const r = await createRequest({ ctx: ctxOf(A.zed()), input: { items: [{ entitlementId: ent.wiki! }] } });
      expect(r.items[0]).toMatchObject({ route: "auto", status: "approved" });
      autoReq = r.requestId;
      expect((await createdEvent(r.requestId)).data).not.toHaveProperty("shadowRoute");
      // Back to the defaults for the rest.
      await saveRoutingPolicy({ ctx: ctxOf(A.ada()), input: { mode: "active", policy: (await getRoutingPolicies({ ctx: ctxOf(A.ada()) })).defaults } });
      const z = await createRequest({ ctx: ctxOf(A.zed()), input: { items: [{ entitlementId: ent.boards! }] } });
      expect(z.items[0]!.route).toBe("manager");
      await decideStep({ ctx: ctxOf(A.mia()), input: { stepId: await stepFor(A.mia(), z.items[0]!.itemId), decision: "deny", comment: "Not now" } });
    });

    it("dashboard queries: weekly paths, auto-approval rate, time to access, decisions by department", async () => {
      // The worker would run the operations; here they finish 2 hours after the request.
      const [req] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, autoReq));
      await t.db.update(operations).set({ status: "succeeded", finishedAt: new Date(req!.createdAt.getTime() + 2 * HOUR) }).where(and(eq(operations.causeKind, "request"), eq(operations.causeId, autoReq)));
      const ins = await requestInsights({ ctx: ctxOf(A.sam()) });
      const sum = (k: "auto" | "manager" | "owner_security") => ins.weekly.reduce((a, w) => a + w[k], 0);
      expect([sum("auto"), sum("manager"), sum("owner_security")]).toEqual([2, 3, 0]);
      expect(ins.autoApproval).toMatchObject({ items: 5, auto: 2, rate: 0.4 });
      expect(ins.timeToAccess.n).toBe(1);
      expect(ins.timeToAccess.medianHours).toBeCloseTo(2, 5);
      expect(ins.timeToAccess.p95Hours).toBeCloseTo(2, 5);
      expect(ins.overall).toMatchObject({ decided: 3, approved: 1 });
      const byDept = Object.fromEntries(ins.departments.map((d) => [d.department, d]));
      expect(byDept.Engineering).toMatchObject({ decided: 2, approved: 1, approvalRate: 0.5 });
      expect(byDept.Sales).toMatchObject({ decided: 1, approved: 0, approvalRate: 0 });
      expect(ins.departments.every((d) => !d.flagged)).toBe(true); // far too few to flag anything
    });

    it("bias monitoring flags a department more than 2 standard errors from the overall rate", () => {
      const b = departmentBias([
        { department: "A", decided: 100, approved: 90, medianHours: 1 },
        { department: "B", decided: 100, approved: 60, medianHours: 5 },
        { department: "C", decided: 10, approved: 7, medianHours: 2 },
      ]);
      expect(b.overall.approvalRate).toBeCloseTo(157 / 210, 6);
      expect(b.departments.map((d) => d.flagged)).toEqual([true, true, false]);
      expect(b.departments[0]!.z!).toBeGreaterThan(2);
    });

    it("notifications are filtered by person; marking read touches only one's own; admins see the outbox", async () => {
      const miaN = await listMyNotifications({ ctx: ctxOf(A.mia()) });
      const benN = await listMyNotifications({ ctx: ctxOf(A.ben()) });
      // One unread figure everywhere: the dashboard's "waiting for you" equals the Notifications page's (in-app only,
      // not the mail outbox copies of the same notices).
      expect((await pendingWork(t.db, mia.id)).notifications).toBe(miaN.unread);
      expect(miaN.unread).toBe(miaN.items.filter((n) => !n.readAt).length);
      expect((await listMyNotifications({ ctx: ctxOf(A.mia()), limit: 1 })).unread).toBe(miaN.unread);
      expect(miaN.items.length).toBeGreaterThan(0);
      expect(miaN.items.every((n) => n.kind === "approval.requested")).toBe(true);
      expect(benN.items.map((n) => n.kind)).toEqual(["request.approved"]);
      // Ben cannot mark Mia's notifications read.
      expect((await markRead({ ctx: ctxOf(A.ben()), input: { ids: miaN.items.map((n) => n.id) } })).marked).toBe(0);
      expect((await listMyNotifications({ ctx: ctxOf(A.mia()) })).unread).toBe(miaN.unread);
      expect((await markRead({ ctx: ctxOf(A.mia()), input: { ids: [miaN.items[0]!.id] } })).marked).toBe(1);
      expect((await markRead({ ctx: ctxOf(A.mia()), input: { all: true } })).marked).toBe(miaN.unread - 1);
      expect((await listMyNotifications({ ctx: ctxOf(A.mia()) })).unread).toBe(0);
      const outbox = await listEmailOutbox({ ctx: ctxOf(A.ada()) });
      const emails = await t.db.select().from(notifications).where(eq(notifications.channel, "email"));
      expect(outbox).toHaveLength(emails.length);
      expect(outbox.some((o) => o.email === "mia@example.test")).toBe(true);
    });

    it("model quality with ≥ 50 decisions: cross-validated AUC, logloss and a 10-bin calibration table", async () => {
      // 60 decided items: Sales is mostly denied Write, Engineering mostly approved.
      const base = Date.now() - 30 * 24 * HOUR;
      for (let k = 0; k < 60; k++) {
        const who = k % 2 ? zed : [ben, ed, eve, ella][k % 4]!;
        const denied = who === zed ? k % 10 !== 1 : k % 10 === 0;
        const [r] = await t.db.insert(accessRequests).values({ requesterId: who.id, beneficiaryId: who.id, createdAt: new Date(base + k * HOUR), status: denied ? "denied" : "approved" }).returning();
        await t.db.insert(accessRequestItems).values({
          requestId: r!.id, entitlementId: k % 3 ? ent.write! : ent.boards!, route: "manager", status: denied ? "denied" : "approved", decidedAt: new Date(base + k * HOUR + HOUR), riskScore: 4,
        });
      }
      const q = await modelQuality({ ctx: ctxOf(A.ada()) });
      expect(q.enough).toBe(true);
      expect(q.decisions).toBeGreaterThanOrEqual(60);
      expect(q.cv!.calibration).toHaveLength(10);
      expect(q.cv!.calibration.reduce((a, b) => a + b.count, 0)).toBe(q.decisions);
      expect(q.cv!.auc).toBeGreaterThan(0.7);
      expect(Number.isFinite(q.cv!.logloss)).toBe(true);
      expect(q.lastTrainedAt).not.toBeNull();
    });
  });
}
