/**
 * A role template change previewed and applied: the preview's gains and losses are exactly the grants the apply
 * adds and schedules for removal, per person, for access given by the template's rules (source "birthright") and
 * through the template itself (source "role", sourceRef = the template). Adopted access is never removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { applications, birthrightRules, entitlements, grants, people, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ValidationError } from "@/lib/errors";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyRoleChange } from "./apply-role-change";
import { listRoleTemplates } from "./preview-change-reads";
import { previewRoleChange, type RoleChangePreview } from "./preview-change";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const now = new Date("2026-03-02T10:00:00Z");

for (const driver of testDrivers()) {
  describe(`role template preview equals the run on ${driver.label}`, () => {
    let t: TestDb;
    const ent: Record<string, string> = {};
    const pid: Record<string, string> = {};
    let roleId = "";
    const ctx = () => ({ db: t.db, actor: admin, clock: () => now });

    /** Active grants of one entitlement as "employeeId:source[:scheduled]", sorted. */
    const holdersOf = async (name: string) =>
      (
        await t.db
          .select({ e: people.employeeId, source: grants.source, expiresAt: grants.expiresAt })
          .from(grants)
          .innerJoin(people, eq(people.id, grants.personId))
          .where(and(eq(grants.entitlementId, ent[name]!), eq(grants.status, "active")))
      )
        .map((r) => `${r.e}:${r.source}${r.expiresAt ? ":scheduled" : ""}`)
        .sort();
    /** The people a preview lists for one entitlement, by side, as employee ids (all of them: samples are ≤ 10). */
    const sideOf = (p: RoleChangePreview, name: string, side: "sampleGain" | "sampleLose") =>
      (p.entitlements.find((e) => e.entitlementId === ent[name])?.[side] ?? []).map((n) => n.split(" ")[0]).sort();

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "crm", name: "CRM", connectorKind: "manual" }).returning();
      for (const n of ["Accounts", "Reports", "Ops"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: n, name: n }).returning();
        ent[n] = e!.id;
      }
      const [role] = await t.db.insert(roleTemplates).values({ key: "se", name: "Solutions engineering", status: "published" }).returning();
      roleId = role!.id;
      await t.db.insert(roleEntitlements).values([{ roleId, entitlementId: ent.Accounts! }, { roleId, entitlementId: ent.Reports! }]);
      await t.db.insert(birthrightRules).values({ name: "SE rule", roleId, conditions: [{ attribute: "department", op: "eq", value: "Sales" }, { attribute: "title", op: "eq", value: "SE" }] });
      // S1, S2: given the template by its rule. R1-R4: given the template itself (source "role"); R4 also requested
      // Reports; A1 held Reports before Gatehouse (adopted). X1 terminated, with a leftover role grant.
      const ps: Array<[string, string, string, "active" | "terminated"]> = [
        ["S1", "Sales", "SE", "active"], ["S2", "Sales", "SE", "active"], ["R1", "Support", "Agent", "active"], ["R2", "Support", "Agent", "active"],
        ["R3", "Support", "Lead", "active"], ["R4", "Support", "Agent", "active"], ["A1", "Support", "Agent", "active"], ["X1", "Support", "Agent", "terminated"],
      ];
      for (const [e, d, title, status] of ps) {
        const [p] = await t.db.insert(people).values({ employeeId: e, givenName: e, familyName: "Z", displayName: `${e} Z`, email: `${e}@x.test`, department: d, title, level: 3, location: "Oslo", status }).returning();
        pid[e] = p!.id;
      }
      await syncBirthrightGrants(t.db, [pid.S1!, pid.S2!], { now, moverOverlapDays: 7 });
      const role_ = (p: string, e: string) => ({ personId: pid[p]!, entitlementId: ent[e]!, source: "role" as const, sourceRef: roleId, reason: "Role: Solutions engineering" });
      await t.db.insert(grants).values([
        role_("R1", "Accounts"), role_("R1", "Reports"), role_("R2", "Accounts"), role_("R2", "Reports"), role_("R3", "Accounts"), role_("R3", "Reports"),
        role_("R4", "Accounts"), { personId: pid.R4!, entitlementId: ent.Reports!, source: "request", reason: "asked" },
        role_("A1", "Accounts"), { personId: pid.A1!, entitlementId: ent.Reports!, source: "adopted", adoptedAt: now, reason: "adopted" },
        role_("X1", "Accounts"),
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("'People given it' counts the template's holders, by rule and through the template", async () => {
      const row = (await listRoleTemplates({ ctx: ctx(), input: { pageSize: 200 } })).rows.find((r) => r.id === roleId);
      expect(row?.holders).toBe(7); // S1, S2 (rule), R1-R4, A1 (template); X1 is terminated
    });

    it("removing an entitlement: template holders lose it exactly as applying schedules it; requested and adopted access stays", async () => {
      const change = { kind: "role.removeEntitlement" as const, roleId, entitlementId: ent.Reports! };
      const p = await previewRoleChange({ ctx: ctx(), input: change });
      expect(p.lose).toBe(5); // S1, S2 (rule) + R1, R2, R3 (template); not R4 (request), not A1 (adopted)
      expect(p.gain).toBe(0);
      expect(sideOf(p, "Reports", "sampleLose")).toEqual(["R1", "R2", "R3", "S1", "S2"]);
      expect(p.summary).toBe("−5 lose CRM Reports");

      const dry = await applyRoleChange({ ctx: ctx(), input: { change } }, { dryRun: true });
      expect(await holdersOf("Reports")).not.toContain("R1:role:scheduled");
      // Five of eight people losing access: the mass-change guard holds it (template losses count too); nothing changes.
      const held = await applyRoleChange({ ctx: ctx(), input: { change, expect: { gain: p.gain, lose: p.lose }, previewToken: p.token } });
      expect(held.held?.id).toBeTruthy();
      expect((await holdersOf("Reports")).filter((h) => h.endsWith(":scheduled"))).toEqual([]);
      // Released (what an admin's release runs): applied.
      const r = await applyRoleChange({ ctx: ctx(), input: { change, expect: { gain: p.gain, lose: p.lose }, previewToken: p.token } }, { guard: false });
      expect(r.held).toBeNull();
      expect(r.scheduledForRemoval).toBe(p.lose);
      expect(dry.scheduledForRemoval).toBe(r.scheduledForRemoval);
      expect(await holdersOf("Reports")).toEqual(["A1:adopted", "R1:role:scheduled", "R2:role:scheduled", "R3:role:scheduled", "R4:request", "S1:birthright:scheduled", "S2:birthright:scheduled"]);
      // Read back per person: the people whose access is now scheduled to end are exactly the ones the preview named.
      const scheduled = await t.db.select({ e: people.employeeId }).from(grants).innerJoin(people, eq(people.id, grants.personId))
        .where(and(eq(grants.entitlementId, ent.Reports!), eq(grants.status, "active"), isNotNull(grants.expiresAt)));
      expect(scheduled.map((x) => x.e).sort()).toEqual(sideOf(p, "Reports", "sampleLose"));
    });

    it("adding an entitlement: rule matches and template holders gain it, counted as applying adds it", async () => {
      const change = { kind: "role.addEntitlement" as const, roleId, entitlementId: ent.Ops! };
      const p = await previewRoleChange({ ctx: ctx(), input: change });
      expect(p.gain).toBe(7); // S1, S2 by the rule; R1-R4 and A1 hold the template; X1 is terminated
      expect(sideOf(p, "Ops", "sampleGain")).toEqual(["A1", "R1", "R2", "R3", "R4", "S1", "S2"]);
      const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(grants))[0]!.n;
      const r = await applyRoleChange({ ctx: ctx(), input: { change, expect: { gain: p.gain, lose: p.lose }, previewToken: p.token } });
      expect(r.added).toBe(p.gain);
      expect((await t.db.select({ n: sql<number>`count(*)::int` }).from(grants))[0]!.n - before).toBe(r.added);
      expect(await holdersOf("Ops")).toEqual(["A1:role", "R1:role", "R2:role", "R3:role", "R4:role", "S1:birthright", "S2:birthright"]);
    });

    it("putting a removed entitlement back cancels the scheduled removals: nobody gains or loses", async () => {
      const change = { kind: "role.addEntitlement" as const, roleId, entitlementId: ent.Reports! };
      const p = await previewRoleChange({ ctx: ctx(), input: change });
      expect(p.gain + p.lose).toBe(0);
      await applyRoleChange({ ctx: ctx(), input: { change, previewToken: p.token } });
      expect(await holdersOf("Reports")).toEqual(["A1:adopted", "R1:role", "R2:role", "R3:role", "R4:request", "S1:birthright", "S2:birthright"]);
      const stillScheduled = await t.db.select().from(grants).where(and(eq(grants.entitlementId, ent.Reports!), eq(grants.status, "active"), isNotNull(grants.expiresAt)));
      expect(stillScheduled).toEqual([]);
      expect((await t.db.select().from(grants).where(and(eq(grants.source, "adopted"), isNull(grants.expiresAt)))).length).toBe(1);
    });

    it("an apply of another change than the previewed one is refused; nothing changes", async () => {
      const previewed = await previewRoleChange({ ctx: ctx(), input: { kind: "role.removeEntitlement", roleId, entitlementId: ent.Ops! } });
      const other = { kind: "role.removeEntitlement" as const, roleId, entitlementId: ent.Accounts! };
      await expect(applyRoleChange({ ctx: ctx(), input: { change: other, previewToken: previewed.token } })).rejects.toBeInstanceOf(ConflictError);
      expect((await holdersOf("Accounts")).filter((h) => h.endsWith(":scheduled"))).toEqual([]);
    });

    it("a condition naming an unknown attribute is refused with the closest known name and the known list", async () => {
      const [rule] = await t.db.select().from(birthrightRules).where(eq(birthrightRules.roleId, roleId));
      const input = { kind: "rule.conditions", ruleId: rule!.id, conditions: [{ attribute: "departmnt", op: "eq", value: "Sales" }] };
      const err = await previewRoleChange({ ctx: ctx(), input }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/Unknown attribute "departmnt" in condition 1: did you mean "department"\?/);
      expect((err as Error).message).toMatch(/Known attributes: department, title, level, location, employmentType, costCenter, status, idpGroup/);
      await expect(applyRoleChange({ ctx: ctx(), input: { change: input } })).rejects.toBeInstanceOf(ValidationError);
      const [after] = await t.db.select().from(birthrightRules).where(eq(birthrightRules.id, rule!.id));
      expect(after!.conditions).toEqual(rule!.conditions);
    });
  });
}
