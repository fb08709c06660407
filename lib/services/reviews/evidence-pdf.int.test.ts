/**
 * Evidence PDF of a small campaign (PGlite, and PostgreSQL when set), read back with pdf.js: permission; it opens
 * with the counts, the exceptions and the revocations; names in any script ("Zoë", "Łukasz", "王伟") as written.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, entitlements, people, reviewCampaigns, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { readPdf } from "@/lib/testing/read-pdf";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { decideItem } from "./decide-item";
import { exportEvidencePdf } from "./evidence-pdf";

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
    const luk = mkPerson("Łukasz", { managerId: mia.id });
    const wei = mkPerson("王伟", { managerId: mia.id });
    const ada = mkPerson("Ada", { department: "IT" });
    const aud = mkPerson("Audra", { department: "Risk" });
    let campaignId = "";

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, zoe, tom, luk, wei, ada, aud]);
      const [app] = await t.db.insert(applications).values({ key: "pay", name: "Payroll", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim" } }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "view", name: "Payroll Viewer" }).returning();
      const [c] = await t.db.insert(reviewCampaigns).values({ name: "Payroll Q4", scope: { applicationIds: [app!.id] }, status: "active", dueAt: new Date(Date.now() + 86_400_000), createdById: ada.id }).returning();
      campaignId = c!.id;
      const items = await t.db.insert(reviewItems).values([
        { campaignId, personId: zoe.id, entitlementId: ent!.id, reviewerId: mia.id, recommendation: "no_action", reasons: ["no action needed: same role"] },
        { campaignId, personId: tom.id, entitlementId: ent!.id, reviewerId: mia.id, recommendation: "remove", reasons: ["removal recommended: contract ended"] },
        { campaignId, personId: luk.id, entitlementId: ent!.id, reviewerId: mia.id, recommendation: "remove", reasons: ["removal recommended: person left on 2026-10-01"] },
        { campaignId, personId: wei.id, entitlementId: ent!.id, reviewerId: mia.id, recommendation: "review", reasons: ["review recommended: unused for 120 days"] },
      ]).returning();
      const ctx = { actor: actorOf(mia, ["employee", "manager"]), db: t.db };
      await decideItem({ ctx, input: { itemId: items[0]!.id, decision: "keep", comment: "Needs it (payroll runs)" } });
      await decideItem({ ctx, input: { itemId: items[1]!.id, decision: "revoke" } });
      await decideItem({ ctx, input: { itemId: items[2]!.id, decision: "keep", comment: "Rehired; HR update pending" } });
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
      expect(e.items).toBe(4);
      const pdf = await readPdf(e.pdf);
      expect(pdf.title).toBe("Access review evidence: Payroll Q4");
      const s = pdf.text.replace(/\s+/g, " ");
      expect(s).toContain("Access review evidence: Payroll Q4");
      // The first things read: counts, exceptions, revocations, before the campaign details and the item list.
      const at = (x: string) => s.indexOf(x);
      expect(at("Summary")).toBeGreaterThan(0);
      expect(s).toContain("Items: 4 (2 kept, 1 revoked, 1 undecided)");
      expect(s).toContain("By decision: keep 2, revoke 1, undecided 1");
      expect(s).toContain("Exceptions: access kept although removal was recommended (1)");
      expect(s).toMatch(/Łukasz Pdf \(E-Łukasz\) - Payroll \/ Payroll Viewer: kept by Mia Pdf on \d{4}-.*recommended: person left on 2026-10-01; reason given: Rehired; HR update pending/);
      expect(s).toContain("Revocations (1)");
      expect(s).toMatch(/Tom \(contractor\) Pdf \(E-Tom \(contractor\)\) - Payroll \/ Payroll Viewer: revoked by Mia Pdf on \d{4}-/);
      expect(at("Revocations (1)")).toBeLessThan(at("Campaign id"));
      expect(at("Campaign id")).toBeLessThan(at("All items (4)"));
      // Every item, names as written.
      expect(s).toContain("Zoë Pdf (E-Zoë)");
      expect(s).toContain("王伟 Pdf (E-王伟)");
      expect(s).toMatch(/Decision: KEEP by Mia Pdf at \d{4}-/);
      expect(s).toMatch(/Decision: REVOKE by Mia Pdf at \d{4}-/);
      expect(s).toContain("Comment: Needs it (payroll runs)");
      expect(s).toContain("removal recommended: contract ended");
      expect(s).toContain("npm run gatehouse -- audit verify");
      expect(s).toMatch(/Chain head: seq \d+, hash [0-9a-f]{16}/);
      expect(s).toMatch(/Audit: seq \d+/);
      expect(s).toContain("Page 1 of");
      const [c] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
      expect(c!.status).toBe("active");
    });
  });
}
