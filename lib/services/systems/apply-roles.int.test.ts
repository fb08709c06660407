/**
 * Roles and birthright rules in the `gatehouse apply` file: dry run (per role action + blast radius, nothing
 * written), apply (roles, rules, re-synced grants, planned operations, audit), idempotence, updates, bad refs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { applications, auditEvents, birthrightRules, entitlements, grants, operations, people, roleEntitlements, roleTemplates, sodPolicies, sodPolicyEntitlements } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyConfigFile, applySystemsFile } from "./apply-file";

const admin: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };
const employee: Actor = { personId: "00000000-0000-0000-0000-000000000009", name: "E", email: "e@x", roles: ["employee"], ownedApplicationIds: [] };

const roleFile = (over: Record<string, unknown> = {}, extra: object[] = []) =>
  JSON.stringify({
    roles: [
      {
        key: "sales-base",
        name: "Sales base",
        description: "Everyone in Sales",
        status: "published",
        entitlements: ["crm:sales-users", "crm:deals-approve"],
        rules: [{ name: "Sales department", conditions: [{ attribute: "department", op: "eq", value: "Sales" }] }],
        ...over,
      },
      ...extra,
    ],
  });

for (const driver of testDrivers()) {
  describe(`roles in the apply file on ${driver.label}`, () => {
    let t: TestDb;
    const ent: Record<string, string> = {};
    const run = (text: string, dryRun = false, actor = admin) => applyConfigFile({ ctx: { db: t.db, actor }, input: { text, environment: {}, dryRun } });
    const active = async (emp: string) =>
      (
        await t.db
          .select({ x: entitlements.externalId, expiresAt: grants.expiresAt })
          .from(grants)
          .innerJoin(people, eq(people.id, grants.personId))
          .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
          .where(and(eq(people.employeeId, emp), eq(grants.status, "active")))
      )
        .map((r) => `${r.x}${r.expiresAt ? " (overlap)" : ""}`)
        .sort();
    const count = async (table: typeof roleTemplates | typeof birthrightRules | typeof grants | typeof operations) => (await t.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "crm", name: "CRM", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      for (const x of ["sales-users", "deals-approve", "deals-pay", "eng-users"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: x, name: x }).returning();
        ent[x] = e!.id;
      }
      await t.db.insert(people).values([
        { employeeId: "S1", givenName: "Sam", familyName: "Seller", displayName: "Sam Seller", email: "s1@x.test", department: "Sales", title: "AE", location: "Austin", status: "active" },
        { employeeId: "S2", givenName: "Pat", familyName: "Payer", displayName: "Pat Payer", email: "s2@x.test", department: "Sales", title: "AE", location: "Austin", status: "active" },
        { employeeId: "E1", givenName: "Eli", familyName: "Eng", displayName: "Eli Eng", email: "e1@x.test", department: "Engineering", title: "Eng", location: "Austin", status: "active" },
      ]);
      // Pat already pays deals (requested): approving them too is a SoD conflict.
      const [pat] = await t.db.select().from(people).where(eq(people.employeeId, "S2"));
      await t.db.insert(grants).values({ personId: pat!.id, entitlementId: ent["deals-pay"]!, source: "request", reason: "requested" });
      const [pol] = await t.db.insert(sodPolicies).values({ name: "Approve vs pay", severity: "high" }).returning();
      await t.db.insert(sodPolicyEntitlements).values([
        { policyId: pol!.id, entitlementId: ent["deals-approve"]!, side: "a" },
        { policyId: pol!.id, entitlementId: ent["deals-pay"]!, side: "b" },
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("only admins apply roles; unknown entitlements and bad shapes stop the file", async () => {
      await expect(run(roleFile(), false, employee)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(run(roleFile({ entitlements: ["crm:nope"] }))).rejects.toThrow(/roles\[0\] \(sales-base\): unknown entitlement "crm:nope"/);
      await expect(run(roleFile({ entitlements: ["no-colon"] }))).rejects.toBeInstanceOf(ValidationError);
      await expect(run(roleFile({ status: "retired" }))).rejects.toBeInstanceOf(ValidationError);
      expect(await count(roleTemplates)).toBe(0);
    });

    it("--dry-run shows the new role and its blast radius (gains, new SoD conflicts) and writes nothing", async () => {
      const auditBefore = (await t.db.select().from(auditEvents)).length;
      const r = await run(roleFile(), true);
      expect(r.systems).toEqual([]);
      expect(r.roles).toHaveLength(1);
      const p = r.roles[0]!;
      expect(p).toMatchObject({ key: "sales-base", action: "create" });
      expect(p.impact.gain).toBe(4);
      expect(p.impact.people).toBe(2);
      expect(p.impact.entitlements.map((e) => `${e.entitlement}+${e.gain}-${e.lose}`).sort()).toEqual(["crm:deals-approve+2-0", "crm:sales-users+2-0"]);
      expect(p.impact.entitlements[0]!.sampleGain.sort()).toEqual(["Pat Payer", "Sam Seller"]);
      expect(p.impact.sod).toEqual([{ policy: "Approve vs pay", severity: "high", people: 1, sample: ["Pat Payer"] }]);
      expect(r.access).toMatchObject({ people: 2, added: 4, scheduledForRemoval: 0 });
      expect(await count(roleTemplates)).toBe(0);
      expect(await count(birthrightRules)).toBe(0);
      expect(await count(operations)).toBe(0);
      expect(await active("S1")).toEqual([]);
      expect((await t.db.select().from(auditEvents)).length).toBe(auditBefore);
    });

    it("applying saves the role and rules, grants the birthright access, plans operations and audits", async () => {
      const r = await run(roleFile());
      expect(r.roles[0]!.action).toBe("create");
      const [role] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.key, "sales-base"));
      expect(role).toMatchObject({ name: "Sales base", description: "Everyone in Sales", status: "published" });
      expect((await t.db.select().from(roleEntitlements).where(eq(roleEntitlements.roleId, role!.id))).map((x) => x.entitlementId).sort()).toEqual([ent["sales-users"], ent["deals-approve"]].sort());
      expect((await t.db.select().from(birthrightRules).where(eq(birthrightRules.roleId, role!.id))).map((x) => x.name)).toEqual(["Sales department"]);
      expect(await active("S1")).toEqual(["deals-approve", "sales-users"]);
      expect(await active("E1")).toEqual([]);
      expect(r.access.operations).toBeGreaterThan(0);
      const [sam] = await t.db.select().from(people).where(eq(people.employeeId, "S1"));
      expect((await t.db.select().from(operations).where(eq(operations.personId, sam!.id))).map((o) => o.kind).sort()).toEqual(["create_account", "grant", "grant"]);
      const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "role.file_applied"));
      expect(audit).toHaveLength(1);
      expect(audit[0]!.targetId).toBe(role!.id);
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it("the same file again is unchanged and changes nothing", async () => {
      const ops = await count(operations);
      const r = await run(roleFile(), true);
      expect(r.roles[0]).toMatchObject({ action: "unchanged", changes: [] });
      expect(r.roles[0]!.impact.gain + r.roles[0]!.impact.lose).toBe(0);
      const r2 = await run(roleFile());
      expect(r2.access).toMatchObject({ people: 0, operations: 0 });
      expect(await count(operations)).toBe(ops);
    });

    it("an update: removing an entitlement and widening the rule shows losses and gains, and applies them", async () => {
      const next = roleFile({
        entitlements: ["crm:sales-users"],
        rules: [{ name: "Sales department", conditions: [{ attribute: "department", op: "in", value: ["Sales", "Engineering"] }] }],
      });
      const dry = await run(next, true);
      const p = dry.roles[0]!;
      expect(p.action).toBe("update");
      expect(p.changes).toEqual(["-entitlement crm:deals-approve", "~rule Sales department"]);
      expect(p.impact.entitlements.map((e) => `${e.entitlement}+${e.gain}-${e.lose}`).sort()).toEqual(["crm:deals-approve+0-2", "crm:sales-users+1-0"]);
      expect(p.impact.sod).toEqual([]);
      expect(await active("E1")).toEqual([]);
      const r = await run(next);
      expect(r.access).toMatchObject({ added: 1, scheduledForRemoval: 2 });
      expect(await active("E1")).toEqual(["sales-users"]);
      // Losses keep the mover overlap, as in every other birthright change.
      expect(await active("S1")).toEqual(["deals-approve (overlap)", "sales-users"]);
    });

    it("unpublishing to draft shows everyone losing the role's access; a second role and systems in the same file", async () => {
      const text = JSON.stringify({
        ...JSON.parse(roleFile({ status: "draft", entitlements: ["crm:sales-users"], rules: [{ name: "Sales department", conditions: [{ attribute: "department", op: "in", value: ["Sales", "Engineering"] }] }] })),
        roles: [
          ...JSON.parse(roleFile({ status: "draft", entitlements: ["crm:sales-users"], rules: [{ name: "Sales department", conditions: [{ attribute: "department", op: "in", value: ["Sales", "Engineering"] }] }] })).roles,
          { key: "eng-base", name: "Engineering base", status: "published", entitlements: ["crm:eng-users"], rules: [{ name: "Eng", conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] }] },
        ],
      });
      const dry = await run(text, true);
      expect(dry.roles.map((x) => `${x.key}:${x.action}`)).toEqual(["sales-base:update", "eng-base:create"]);
      expect(dry.roles[0]!.changes).toEqual(["status published → draft"]);
      expect(dry.roles[0]!.impact.lose).toBe(3);
      expect(dry.roles[1]!.impact.gain).toBe(1);
      await run(text);
      expect(await active("E1")).toEqual(["eng-users", "sales-users (overlap)"]);
      const [role] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.key, "sales-base"));
      expect(role!.status).toBe("draft");
      // The systems-only entry point still works on a file with roles (roles unchanged now).
      expect(await applySystemsFile({ ctx: { db: t.db, actor: admin }, input: { text, environment: {}, dryRun: true } })).toEqual([]);
    });
  });
}
