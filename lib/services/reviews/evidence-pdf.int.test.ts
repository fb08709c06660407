/** Evidence PDF of a small campaign (PGlite): permission, structure, every person's name and the decisions. */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, entitlements, people, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { decideItem } from "./decide-item";
import { exportEvidencePdf } from "./evidence-pdf";

const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const mkPerson = (n: string, extra: Partial<typeof people.$inferInsert> = {}) => ({
  id: randomUUID(), employeeId: `E-${n}`, givenName: n, familyName: "Pdf", displayName: `${n} Pdf`,
  email: `${n.toLowerCase()}-${randomUUID().slice(0, 4)}@example.test`, department: "Engineering", title: "Engineer", location: "Remote", ...extra,
});
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"]): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [] });

for (const driver of testDrivers()) {
  describe(`evidence PDF on ${driver.label}`, () => {
    let t: TestDb;
    const mia = mkPerson("Mia");
    const zoe = mkPerson("Zoë", { managerId: mia.id });
    const tom = mkPerson("Tom (contractor)", { managerId: mia.id });
    const ada = mkPerson("Ada", { department: "IT" });
    const aud = mkPerson("Audra", { department: "Risk" });
    let campaignId = "";

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, zoe, tom, ada, aud]);
      const [app] = await t.db.insert(applications).values({ key: "pay", name: "Payroll", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" } }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "view", name: "Payroll Viewer" }).returning();
      const [c] = await t.db.insert(reviewCampaigns).values({ name: "Payroll Q4", scope: { applicationIds: [app!.id] }, status: "active", dueAt: new Date(Date.now() + 86_400_000), createdById: ada.id }).returning();
      campaignId = c!.id;
      const items = await t.db.insert(reviewItems).values([
        { campaignId, personId: zoe.id, entitlementId: ent!.id, reviewerId: mia.id, recommendation: "no_action", reasons: ["no action needed: same role"] },
        { campaignId, personId: tom.id, entitlementId: ent!.id, reviewerId: mia.id, recommendation: "remove", reasons: ["removal recommended: contract ended"] },
      ]).returning();
      const ctx = { actor: actorOf(mia, ["employee", "manager"]), db: t.db };
      await decideItem({ ctx, input: { itemId: items[0]!.id, decision: "keep", comment: "Needs it (payroll runs)" } });
      await decideItem({ ctx, input: { itemId: items[1]!.id, decision: "revoke" } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("is for admins and auditors only", async () => {
      await expect(exportEvidencePdf({ ctx: { actor: actorOf(mia, ["employee", "manager"]), db: t.db }, input: { campaignId } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(exportEvidencePdf({ ctx: { actor: actorOf(ada, ["employee", "admin"]), db: t.db }, input: { campaignId: "nope" } })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("contains each person's name, the decisions, reasons, audit seqs and how to verify", async () => {
      const e = await exportEvidencePdf({ ctx: { actor: actorOf(aud, ["employee", "auditor"]), db: t.db }, input: { campaignId } });
      expect(e.filename).toBe("review-evidence-Payroll-Q4.pdf");
      expect(e.items).toBe(2);
      const s = latin1(e.pdf);
      expect(s.startsWith("%PDF-1.4\n")).toBe(true);
      expect(s.endsWith("%%EOF\n")).toBe(true);
      expect(s).toContain("Access review evidence: Payroll Q4");
      expect(s).toContain("Zo\u00eb Pdf \\(E-Zo\u00eb\\)");
      expect(s).toContain("Tom \\(contractor\\) Pdf");
      expect(s).toMatch(/Decision: KEEP by Mia Pdf at \d{4}-/);
      expect(s).toMatch(/Decision: REVOKE by Mia Pdf at \d{4}-/);
      expect(s).toContain("Comment: Needs it \\(payroll runs\\)");
      expect(s).toContain("removal recommended: contract ended");
      expect(s).toContain("By decision: keep 1, revoke 1, undecided 0");
      expect(s).toContain("npm run gatehouse -- audit verify");
      expect(s).toMatch(/Chain head: seq \d+, hash [0-9a-f]{16}/);
      expect(s).toMatch(/Audit: seq \d+/);
      const [c] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
      expect(c!.status).toBe("active");
    });
  });
}
