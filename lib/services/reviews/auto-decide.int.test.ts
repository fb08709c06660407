/**
 * Auto-decision after a shadow period (PGlite; PostgreSQL too when TEST_DATABASE_URL is set): refused without
 * shadow data, shadow agreement measured from human decisions, switched on after enough agreement (items kept by
 * the system with one audit event each), a new same-scope campaign inherits the evidence of the last closed one,
 * and nothing of another campaign changes.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, auditEvents, birthrightRules, entitlements, grants, people, reviewCampaigns, reviewItems, roleEntitlements, roleTemplates } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { getAutoDecideStatus, setAutoDecide, SHADOW_ACTION } from "./auto-decide";
import { closeCampaign } from "./close-campaign";
import { createCampaign, launchCampaign } from "./create-campaign";
import { decideItem } from "./decide-item";

const DAY = 86_400_000;
const now = new Date();
const ago = (d: number) => new Date(now.getTime() - d * DAY);
const mkPerson = (n: string, extra: Partial<typeof people.$inferInsert> = {}) => ({
  id: randomUUID(), employeeId: `E-${n}-${randomUUID().slice(0, 6)}`, givenName: n, familyName: "Auto", displayName: `${n} Auto`,
  email: `${n.toLowerCase()}-${randomUUID().slice(0, 4)}@example.test`, department: "Engineering", title: "Engineer", location: "Remote", ...extra,
});
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"]): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [] });

for (const driver of testDrivers()) {
  describe(`auto-decision after a shadow period on ${driver.label}`, () => {
    let t: TestDb;
    const mia = mkPerson("Mia", { title: "Engineering Manager" });
    const eve = mkPerson("Eve", { managerId: mia.id });
    const ella = mkPerson("Ella", { managerId: mia.id });
    const ben = mkPerson("Ben", { managerId: mia.id });
    const ada = mkPerson("Ada", { department: "IT" });
    const A = { ada: () => actorOf(ada, ["employee", "admin"]), mia: () => actorOf(mia, ["employee", "manager"]) };
    const ctxOf = (a: Actor) => ({ actor: a, db: t.db });
    const scope = { departments: ["Engineering"] };
    let readId = "";
    let campA = "";
    let campB = "";
    const itemsOf = (id: string) => t.db.select().from(reviewItems).where(eq(reviewItems.campaignId, id));

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, eve, ella, ben, ada]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" }, lastReconciledAt: ago(1) }).returning();
      const [read] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "read", name: "Code Read" }).returning();
      readId = read!.id;
      const [role] = await t.db.insert(roleTemplates).values({ key: "eng", name: "Engineering base", status: "published" }).returning();
      await t.db.insert(roleEntitlements).values({ roleId: role!.id, entitlementId: readId });
      await t.db.insert(birthrightRules).values({ name: "Engineering", roleId: role!.id, conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] });
      await t.db.insert(grants).values([eve, ella, ben].map((p) => ({ personId: p.id, entitlementId: readId, source: "birthright" as const, sourceRef: role!.id, grantedAt: ago(300), lastUsedAt: ago(2) })));
      // Two active campaigns with items inserted directly: A (70 no_action + 2 review), B (another campaign, 5 no_action).
      const [a, b] = await t.db.insert(reviewCampaigns).values([
        { name: "Campaign A", scope, status: "active", dueAt: new Date(now.getTime() + 10 * DAY), createdById: ada.id, startsAt: now },
        { name: "Campaign B", scope: { departments: ["Sales"] }, status: "active", dueAt: new Date(now.getTime() + 10 * DAY), createdById: ada.id, startsAt: now },
      ]).returning();
      campA = a!.id;
      campB = b!.id;
      const item = (campaignId: string, i: number, recommendation: "no_action" | "review") => ({
        campaignId, personId: [eve, ella, ben][i % 3]!.id, entitlementId: readId, reviewerId: mia.id, recommendation, reasons: [recommendation === "no_action" ? "no action needed" : "review recommended"],
      });
      await t.db.insert(reviewItems).values([...Array.from({ length: 70 }, (_, i) => item(campA, i, "no_action")), item(campA, 0, "review"), item(campA, 1, "review")]);
      await t.db.insert(reviewItems).values(Array.from({ length: 5 }, (_, i) => item(campB, i, "no_action")));
    });
    afterAll(async () => {
      await t?.close();
    });

    it("only admins set the mode; switching on is refused without shadow data, with the reason", async () => {
      await expect(setAutoDecide({ ctx: ctxOf(A.mia()), input: { campaignId: campA, mode: "shadow" } })).rejects.toBeInstanceOf(ForbiddenError);
      const err = await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: campA, mode: "on" } }).catch((e) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.message).toMatch(/at least 50 decided no-action items and agreement of at least 95\.0%; measured: no shadow period/);
      const [c] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campA));
      expect(c!.autoDecide).toBe("off");
    });

    it("shadow records what would be kept and measures agreement with the reviewers", async () => {
      const r = await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: campA, mode: "shadow" } });
      expect(r).toMatchObject({ mode: "shadow", shadowItems: 70 });
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, SHADOW_ACTION), eq(auditEvents.targetId, campA)));
      expect((ev!.data as { itemIds: string[] }).itemIds).toHaveLength(70);
      expect((await itemsOf(campA)).every((i) => i.decision === null)).toBe(true); // shadow decides nothing

      const noAction = (await itemsOf(campA)).filter((i) => i.recommendation === "no_action");
      for (const [k, i] of noAction.slice(0, 30).entries()) await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: i.id, decision: k < 2 ? "revoke" : "keep" } });
      const s = await getAutoDecideStatus({ ctx: ctxOf(A.ada()), input: { campaignId: campA } });
      expect(s.evidence).toMatchObject({ hadShadow: true, shadowItems: 70, decided: 30, kept: 28 });
      expect(s.evidence.agreement).toBeCloseTo(28 / 30, 5);
      expect(s.eligible).toBe(false);
      const err = await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: campA, mode: "on" } }).catch((e) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.message).toMatch(/measured: 30 decided shadow items, agreement 93\.3%/);

      for (const i of noAction.slice(30, 60)) await decideItem({ ctx: ctxOf(A.mia()), input: { itemId: i.id, decision: "keep" } });
      const s2 = await getAutoDecideStatus({ ctx: ctxOf(A.ada()), input: { campaignId: campA } });
      expect(s2.evidence).toMatchObject({ decided: 60, kept: 58 });
      expect(s2.eligible).toBe(true);
    });

    it("a threshold set by the server is honoured", async () => {
      const err = await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: campA, mode: "on" }, thresholds: { minDecided: 50, minAgreement: 0.99 } }).catch((e) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.message).toMatch(/at least 99\.0%; measured: 60 decided shadow items, agreement 96\.7%/);
    });

    it("switched on after enough agreement: remaining no_action items kept by the system, audited per item; other campaigns untouched", async () => {
      const beforeB = await itemsOf(campB);
      const at = new Date(now.getTime() + 1000);
      const r = await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: campA, mode: "on" }, now: at });
      expect(r.autoDecided).toBe(10);
      const items = await itemsOf(campA);
      const auto = items.filter((i) => i.comment?.startsWith("auto-decided"));
      expect(auto).toHaveLength(10);
      for (const i of auto) {
        expect(i).toMatchObject({ decision: "keep", decidedById: null, recommendation: "no_action", comment: "auto-decided: no action needed (shadow agreement 96.7% over 60 items)" });
        expect(i.decidedAt!.getTime()).toBe(at.getTime());
      }
      expect(items.filter((i) => i.recommendation === "review").every((i) => i.decision === null)).toBe(true);
      const events = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.decided"), eq(auditEvents.actorKind, "system")));
      const autoEvents = events.filter((e) => (e.data as { auto?: boolean; campaignId?: string }).auto && (e.data as { campaignId: string }).campaignId === campA);
      expect(autoEvents.map((e) => e.targetId).sort()).toEqual(auto.map((i) => i.id).sort());
      const [set] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.auto_decide_set"), eq(auditEvents.targetId, campA), eq(auditEvents.actorId, ada.id)));
      expect(set).toBeTruthy();
      expect(await itemsOf(campB)).toEqual(beforeB);
      const [b] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campB));
      expect(b!.autoDecide).toBe("off");
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it("a new campaign with the same scope inherits the evidence of the last closed one and is auto-decided at generation", async () => {
      await closeCampaign({ ctx: ctxOf(A.ada()), input: { campaignId: campA }, now: new Date(now.getTime() + 11 * DAY) });
      const other = await createCampaign({ ctx: ctxOf(A.ada()), input: { name: "Sales next", scope: { departments: ["Sales"] }, dueAt: new Date(now.getTime() + 20 * DAY) } });
      await expect(setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: other.id, mode: "on" } })).rejects.toThrow(/no shadow period/);
      const c = await createCampaign({ ctx: ctxOf(A.ada()), input: { name: "Engineering next", scope, dueAt: new Date(now.getTime() + 20 * DAY) } });
      const r = await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: c.id, mode: "on" } });
      expect(r.evidence).toMatchObject({ campaignId: campA, decided: 60, kept: 58 });
      const { done } = await launchCampaign({ ctx: ctxOf(A.ada()), input: { campaignId: c.id }, now });
      await done;
      const items = await itemsOf(c.id);
      expect(items.length).toBe(3);
      const noAction = items.filter((i) => i.recommendation === "no_action");
      expect(noAction.length).toBeGreaterThan(0);
      for (const i of noAction) expect(i).toMatchObject({ decision: "keep", decidedById: null, comment: "auto-decided: no action needed (shadow agreement 96.7% over 60 items)" });
    });

    it("generation in shadow mode records the would-keep items and decides nothing", async () => {
      const c = await createCampaign({ ctx: ctxOf(A.ada()), input: { name: "Engineering shadow", scope, dueAt: new Date(now.getTime() + 20 * DAY) } });
      await setAutoDecide({ ctx: ctxOf(A.ada()), input: { campaignId: c.id, mode: "shadow" } });
      const { done } = await launchCampaign({ ctx: ctxOf(A.ada()), input: { campaignId: c.id }, now });
      await done;
      const items = await itemsOf(c.id);
      expect(items.every((i) => i.decision === null)).toBe(true);
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, SHADOW_ACTION), eq(auditEvents.targetId, c.id)));
      expect(((ev!.data as { itemIds: string[] }).itemIds).sort()).toEqual(items.filter((i) => i.recommendation === "no_action").map((i) => i.id).sort());
      const s = await getAutoDecideStatus({ ctx: ctxOf(A.ada()), input: { campaignId: c.id } });
      expect(s).toMatchObject({ mode: "shadow", eligible: false, evidence: { hadShadow: true, decided: 0, agreement: null } });
    });
  });
}
