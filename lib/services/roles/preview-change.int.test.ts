import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { applications, birthrightRules, entitlements, grants, operations, people, roleEntitlements, roleTemplates, sodPolicies, sodPolicyEntitlements } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError } from "@/lib/errors";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyRoleChange } from "./apply-role-change";
import { previewRoleChange } from "./preview-change";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const auditor: Actor = { personId: "00000000-0000-0000-0000-000000000009", name: "Au", email: "au@x", roles: ["employee", "auditor"], ownedApplicationIds: [] };

for (const driver of testDrivers()) {
  describe(`role change blast radius on ${driver.label}`, () => {
    let t: TestDb;
    const ent: Record<string, string> = {};
    const role: Record<string, string> = {};
    const rule: Record<string, string> = {};
    const snapshot = async () => {
      const r = await t.db.execute(sql`SELECT (SELECT count(*) FROM grants)::int AS g, (SELECT count(*) FROM operations)::int AS o, (SELECT count(*) FROM role_entitlements)::int AS re, (SELECT count(*) FROM audit_events)::int AS a, (SELECT string_agg(conditions::text, ';' ORDER BY id) FROM birthright_rules) AS c`);
      return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows)[0];
    };
    const holders = async (name: string) =>
      (
        await t.db
          .select({ e: people.employeeId })
          .from(grants)
          .innerJoin(people, eq(people.id, grants.personId))
          .where(and(eq(grants.entitlementId, ent[name]), eq(grants.status, "active")))
      )
        .map((r) => r.e)
        .sort();

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "erp", name: "ERP", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      for (const n of ["Sales ledger", "Payables", "Approve payments", "Reports"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: n, name: n }).returning();
        ent[n] = e.id;
      }
      const mk = async (key: string, status: "draft" | "published", names: string[], conditions?: object[]) => {
        const [r] = await t.db.insert(roleTemplates).values({ key, name: key, status }).returning();
        role[key] = r.id;
        if (names.length) await t.db.insert(roleEntitlements).values(names.map((n) => ({ roleId: r.id, entitlementId: ent[n] })));
        if (conditions) rule[key] = (await t.db.insert(birthrightRules).values({ name: `${key} rule`, roleId: r.id, conditions: conditions as never }).returning())[0].id;
      };
      await mk("sales", "published", ["Sales ledger"], [{ attribute: "department", op: "eq", value: "Sales" }]);
      await mk("finance", "published", ["Payables"], [{ attribute: "department", op: "eq", value: "Finance" }]);
      await mk("approvers", "draft", ["Approve payments"]);
      const [pol] = await t.db.insert(sodPolicies).values({ name: "Pay and approve", severity: "critical" }).returning();
      await t.db.insert(sodPolicyEntitlements).values([
        { policyId: pol.id, entitlementId: ent["Payables"], side: "a" },
        { policyId: pol.id, entitlementId: ent["Approve payments"], side: "b" },
      ]);
      const ps = [
        ["S1", "Sales", 2], ["S2", "Sales", 5], ["S3", "sales", 6], ["F1", "Finance", 3], ["F2", "Finance", 7], ["X1", "Legal", 4],
      ] as const;
      const ids: string[] = [];
      for (const [e, d, level] of ps) {
        const [p] = await t.db.insert(people).values({ employeeId: e, givenName: e, familyName: "Z", displayName: `${e} Z`, email: `${e}@x.test`, department: d, title: "T", level, location: "Oslo" }).returning();
        ids.push(p.id);
      }
      await t.db.insert(people).values({ employeeId: "T1", givenName: "T1", familyName: "Z", displayName: "T1 Z", email: "t1@x.test", department: "Finance", title: "T", level: 9, location: "Oslo", status: "terminated" });
      await syncBirthrightGrants(t.db, ids, { now: new Date(), moverOverlapDays: 7 });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("a narrower rule: who loses what, computed without changing anything", async () => {
      const before = await snapshot();
      const p = await previewRoleChange({
        ctx: { db: t.db, actor: admin },
        input: { kind: "rule.conditions", ruleId: rule.sales, conditions: [{ attribute: "department", op: "eq", value: "Sales" }, { attribute: "level", op: "gte", value: 5 }] },
      });
      expect(p.gain).toBe(0);
      expect(p.lose).toBe(1);
      expect(p.entitlements[0]).toMatchObject({ name: "Sales ledger", lose: 1, sampleLose: ["S1 Z"] });
      expect(p.summary).toBe("−1 lose ERP Sales ledger");
      expect(await snapshot()).toEqual(before);
    });

    it("publishing a draft with a rule shows gains and the new SoD conflicts; terminated people are out", async () => {
      const p = await previewRoleChange({
        ctx: { db: t.db, actor: admin },
        input: { kind: "role.publish", roleId: role.approvers, rule: { name: "senior", conditions: [{ attribute: "level", op: "gte", value: 5 }] } },
      });
      expect(p.gain).toBe(3); // S2, S3, F2 (T1 is terminated)
      expect(p.sod).toEqual([expect.objectContaining({ name: "Pay and approve", people: 1, sample: ["F2 Z"] })]);
      expect(p.summary).toContain("+3 gain ERP Approve payments");
      expect(p.summary).toContain("1 new SoD conflicts");
    });

    it("adding an entitlement to a published template: everyone its rules match gains it", async () => {
      const p = await previewRoleChange({ ctx: { db: t.db, actor: admin }, input: { kind: "role.addEntitlement", roleId: role.finance, entitlementId: ent.Reports } });
      expect(p.gain).toBe(2);
      // On a draft template nothing happens until it is published.
      const d = await previewRoleChange({ ctx: { db: t.db, actor: admin }, input: { kind: "role.addEntitlement", roleId: role.approvers, entitlementId: ent.Reports } });
      expect(d.gain).toBe(0);
    });

    it("only admins preview or apply", async () => {
      const input = { kind: "rule.enabled", ruleId: rule.sales, enabled: false };
      await expect(previewRoleChange({ ctx: { db: t.db, actor: auditor }, input })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(applyRoleChange({ ctx: { db: t.db, actor: auditor }, input: { change: input } })).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("apply saves the change, syncs grants and plans operations in one transaction, audited", async () => {
      const change = { kind: "role.publish", roleId: role.approvers, rule: { name: "senior", conditions: [{ attribute: "level", op: "gte", value: 5 }] } };
      await expect(applyRoleChange({ ctx: { db: t.db, actor: admin }, input: { change, expect: { gain: 99, lose: 0 } } })).rejects.toBeInstanceOf(ConflictError);
      const r = await applyRoleChange({ ctx: { db: t.db, actor: admin }, input: { change, expect: { gain: 3, lose: 0 } } });
      expect(r.added).toBe(3);
      expect(r.operations).toBeGreaterThan(0);
      expect(await holders("Approve payments")).toEqual(["F2", "S2", "S3"]);
      const [tpl] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.id, role.approvers));
      expect(tpl.status).toBe("published");
      const ops = await t.db.select().from(operations).where(eq(operations.causeKind, "role.change"));
      expect(ops.length).toBe(r.operations);
      const a = await t.db.execute(sql`SELECT data FROM audit_events WHERE action = 'role.change_applied'`);
      const rows = (Array.isArray(a) ? a : (a as { rows: Array<{ data: { gain: number } }> }).rows) as Array<{ data: { gain: number } }>;
      expect(rows.map((x) => x.data.gain)).toEqual([3]);
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
      // Applying the same again: nothing left to change.
      const again = await previewRoleChange({ ctx: { db: t.db, actor: admin }, input: { kind: "rule.conditions", ruleId: r.ruleId!, conditions: [{ attribute: "level", op: "gte", value: 5 }] } });
      expect(again.gain + again.lose).toBe(0);
    });

    it("disabling a rule: the holders lose it after the overlap", async () => {
      const r = await applyRoleChange({ ctx: { db: t.db, actor: admin }, input: { change: { kind: "rule.enabled", ruleId: rule.sales, enabled: false } } });
      expect(r.preview.lose).toBe(3);
      expect(r.scheduledForRemoval).toBe(3);
      const g = await t.db.select().from(grants).where(and(eq(grants.entitlementId, ent["Sales ledger"]), eq(grants.status, "active")));
      expect(g.every((x) => x.expiresAt && x.reason.startsWith("Mover:"))).toBe(true);
    });
  });
}
