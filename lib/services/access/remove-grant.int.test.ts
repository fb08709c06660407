import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { applications, auditEvents, entitlements, grants, operations, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { removeGrant } from "./remove-grant";

const actor = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"]): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [] });

for (const driver of testDrivers()) {
  describe(`a manager removes a report's access on ${driver.label}`, () => {
    let t: TestDb;
    const mia = testPerson("Mia", { managerId: null });
    const rob = testPerson("Rob", { managerId: mia.id });
    const olga = testPerson("Olga", { managerId: null });
    const g: Record<string, string> = {};
    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([mia, { ...rob }, olga]);
      const [app] = await t.db.insert(applications).values({ key: "wiki", name: "Wiki", connectorKind: "manual" }).returning();
      const [edit, read] = await t.db.insert(entitlements).values([{ applicationId: app!.id, externalId: "edit", name: "Editor" }, { applicationId: app!.id, externalId: "read", name: "Reader" }]).returning();
      const rows = await t.db
        .insert(grants)
        .values([
          { personId: rob.id, entitlementId: edit!.id, source: "request" as const, reason: "asked" },
          { personId: rob.id, entitlementId: read!.id, source: "birthright" as const, reason: "rule" },
          { personId: olga.id, entitlementId: edit!.id, source: "request" as const, reason: "asked" },
        ])
        .returning();
      g.robEdit = rows[0]!.id;
      g.robRead = rows[1]!.id;
      g.olgaEdit = rows[2]!.id;
    });
    afterAll(async () => {
      await t?.close();
    });
    const status = async (id: string) => (await t.db.select({ s: grants.status }).from(grants).where(eq(grants.id, id)))[0]!.s;

    it("refuses anyone who is not the person's manager, and changes nothing", async () => {
      await expect(removeGrant({ ctx: { actor: actor(mia), db: t.db }, input: { grantId: g.olgaEdit, reason: "not on my team" } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(removeGrant({ ctx: { actor: actor(rob), db: t.db }, input: { grantId: g.robEdit, reason: "my own" } })).rejects.toBeInstanceOf(ForbiddenError);
      expect(await status(g.olgaEdit)).toBe("active");
      expect(await status(g.robEdit)).toBe("active");
    });

    it("refuses birthright access: the HR rule would give it back", async () => {
      await expect(removeGrant({ ctx: { actor: actor(mia), db: t.db }, input: { grantId: g.robRead, reason: "not needed" } })).rejects.toBeInstanceOf(ValidationError);
      expect(await status(g.robRead)).toBe("active");
    });

    it("removes a report's requested access with a reason: revoked, planned and audited as the manager's decision", async () => {
      await expect(removeGrant({ ctx: { actor: actor(mia), db: t.db }, input: { grantId: g.robEdit, reason: "" } })).rejects.toBeInstanceOf(ValidationError);
      await removeGrant({ ctx: { actor: actor(mia), db: t.db }, input: { grantId: g.robEdit, reason: "moved off the wiki project" } });
      const [after] = await t.db.select().from(grants).where(eq(grants.id, g.robEdit));
      expect(after).toMatchObject({ status: "revoked", revokedById: mia.id, revokeReason: "Removed by their manager: moved off the wiki project" });
      const [audit] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "grant.removed"), eq(auditEvents.targetId, rob.id)));
      expect(audit).toMatchObject({ actorId: mia.id });
      expect(audit!.data).toMatchObject({ grantId: g.robEdit, source: "request", by: "manager", reason: "moved off the wiki project" });
      // Nothing else of Rob's was touched, and no revoke was planned for anyone else.
      expect(await status(g.robRead)).toBe("active");
      expect(await status(g.olgaEdit)).toBe("active");
      expect(await t.db.select().from(operations).where(and(eq(operations.personId, olga.id), eq(operations.kind, "revoke")))).toHaveLength(0);
    });
  });
}
