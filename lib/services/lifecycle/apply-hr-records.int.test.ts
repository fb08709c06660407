import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { applications, birthrightRules, entitlements, grants, hrEvents, operations, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { ForbiddenError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyHrRecords } from "./apply-hr-records";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const employee: Actor = { personId: "00000000-0000-0000-0000-000000000001", name: "E", email: "e@x", roles: ["employee"], ownedApplicationIds: [] };
const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
const today = "2026-11-22";

for (const driver of testDrivers()) {
  describe(`HR pipeline on ${driver.label}`, () => {
    let t: TestDb;
    const ent: Record<string, string> = {};
    const apply = (csv: string, opts: Record<string, unknown> = {}, actor = admin) => {
      const { records, errors } = parseHrCsv(csv);
      return applyHrRecords({ ctx: { db: t.db, actor }, input: { source: "csv", today, ...opts }, records, rowErrors: errors });
    };
    const activeEnts = async (employeeId: string) => {
      const rows = await t.db
        .select({ name: entitlements.name, expiresAt: grants.expiresAt })
        .from(grants)
        .innerJoin(people, eq(people.id, grants.personId))
        .innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
        .where(and(eq(people.employeeId, employeeId), eq(grants.status, "active")));
      return rows.map((r) => `${r.name}${r.expiresAt ? " (until overlap ends)" : ""}`).sort();
    };

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "slack", name: "Slack", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      for (const n of ["Members", "Sales channel", "Eng channel"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: n, name: n }).returning();
        ent[n] = e.id;
      }
      const role = async (key: string, names: string[], conditions: object[]) => {
        const [r] = await t.db.insert(roleTemplates).values({ key, name: key, status: "published" }).returning();
        await t.db.insert(roleEntitlements).values(names.map((n) => ({ roleId: r.id, entitlementId: ent[n] })));
        await t.db.insert(birthrightRules).values({ name: `${key} rule`, roleId: r.id, conditions: conditions as never });
      };
      await role("everyone", ["Members"], [{ attribute: "employmentType", op: "eq", value: "employee" }]);
      await role("sales", ["Sales channel"], [{ attribute: "department", op: "eq", value: "Sales" }]);
      await role("eng", ["Eng channel"], [{ attribute: "department", op: "eq", value: "Engineering" }]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("a dry run shows joiners and their access, and changes nothing", async () => {
      const csv = header + "M1,Mia,Boss,mia@x.test,Sales,VP Sales,6,Austin,,employee,active,2020-01-01,\nE1,Sam,Seller,sam@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\n";
      const r = await apply(csv, { dryRun: true });
      expect(r.applied).toBe(false);
      expect(r.events.map((e) => `${e.employeeId}:${e.kind}`).sort()).toEqual(["E1:joiner", "M1:joiner"]);
      expect(r.access.added).toBe(4);
      const [{ n }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(people);
      expect(n).toBe(0);
    });

    it("applying creates people, managers, HR events, birthright grants and audit events", async () => {
      const csv = header + "M1,Mia,Boss,mia@x.test,Sales,VP Sales,6,Austin,,employee,active,2020-01-01,\nE1,Sam,Seller,sam@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\n";
      const r = await apply(csv);
      expect(r.applied).toBe(true);
      expect(r.created).toBe(2);
      const [sam] = await t.db.select().from(people).where(eq(people.employeeId, "E1"));
      const [mia] = await t.db.select().from(people).where(eq(people.employeeId, "M1"));
      expect(sam.managerId).toBe(mia.id);
      expect(await activeEnts("E1")).toEqual(["Members", "Sales channel"]);
      const evs = await t.db.select().from(hrEvents).where(eq(hrEvents.personId, sam.id));
      expect(evs.map((e) => e.kind)).toEqual(["joiner"]);
      // The desired state was planned into the outbox in the same transaction.
      const ops = await t.db.select({ kind: operations.kind, entitlementId: operations.entitlementId }).from(operations).where(eq(operations.personId, sam.id));
      expect(ops.map((o) => o.kind).sort()).toEqual(["create_account", "grant", "grant"]);
      expect(r.operations).toBe(6); // Sam's three and Mia's three
      const audit = await t.db.execute(sql`SELECT action FROM audit_events ORDER BY seq`);
      const actions = (Array.isArray(audit) ? audit : (audit as { rows: Array<{ action: string }> }).rows).map((a) => (a as { action: string }).action);
      expect(actions).toEqual(expect.arrayContaining(["hr.joiner", "hr.batch_applied"]));
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it("re-importing the same snapshot changes nothing (idempotent)", async () => {
      const csv = header + "M1,Mia,Boss,mia@x.test,Sales,VP Sales,6,Austin,,employee,active,2020-01-01,\nE1,Sam,Seller,sam@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\n";
      const r = await apply(csv);
      expect(r.unchanged).toBe(2);
      expect(r.events).toEqual([]);
      expect(r.access.added).toBe(0);
    });

    it("a mover gains new access at once and keeps the old for the overlap", async () => {
      const r = await apply(header + "E1,Sam,Seller,sam@x.test,Engineering,Engineer,2,Austin,M1,employee,active,2024-01-01,\n");
      expect(r.events.map((e) => e.kind)).toEqual(["mover"]);
      expect(r.events[0].changes).toMatchObject({ department: { from: "Sales", to: "Engineering" } });
      expect(await activeEnts("E1")).toEqual(["Eng channel", "Members", "Sales channel (until overlap ends)"]);
      // The move is recorded on the person, so review triage and findings see it in any organisation.
      const [sam] = await t.db.select().from(people).where(eq(people.employeeId, "E1"));
      const day = (r.events[0] as { effectiveAt?: string }).effectiveAt?.slice(0, 10) ?? (sam!.lastHrEffectiveAt ?? new Date()).toISOString().slice(0, 10);
      expect(sam!.attributes).toMatchObject({ previousDepartment: "Sales", movedAt: day, previousTitle: "AE", titleChangedAt: day });
      expect(sam!.attributes).not.toHaveProperty("previousManagerEmployeeId");
    });

    it("a file with a bad row changes nothing, unless the admin applies only the valid rows", async () => {
      const csv = header + "E2,Eve,New,eve@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\nE3,Bad,Row,bad-email,Sales,AE,2,Austin,NOPE,employee,active,2024-01-01,\n";
      const r = await apply(csv);
      expect(r.applied).toBe(false);
      expect(r.errors.map((e) => e.line)).toContain(3);
      expect(await t.db.select().from(people).where(eq(people.employeeId, "E2"))).toHaveLength(0);
      const r2 = await apply(csv, { onlyValid: true });
      expect(r2.created).toBe(1);
      expect(await activeEnts("E2")).toEqual(["Members", "Sales channel"]);
    });

    it("a dry run of a file with a bad row previews the valid rows, exactly what applying only them does", async () => {
      const csv = header + "E5,Ola,Five,ola@x.test,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\nE6,Bad,Row,bad-email,Sales,AE,2,Austin,M1,employee,active,2024-01-01,\nE7,Lev,Nine,lev@x.test,Legal,Counsel,9,Austin,M1,employee,active,2024-01-01,\n";
      const dry = await apply(csv, { dryRun: true });
      expect(dry.applied).toBe(false);
      expect(dry.validRowsOnly).toBe(true);
      expect(dry.errors.map((e) => e.line)).toEqual([3]);
      expect(dry.events.map((e) => `${e.employeeId}:${e.kind}`).sort()).toEqual(["E5:joiner", "E7:joiner"]);
      // Values nobody in Gatehouse has yet are flagged, not refused.
      expect(dry.notices).toEqual([
        expect.objectContaining({ line: 4, column: "level", message: "level 9 is above every level in Gatehouse (the highest is 6)" }),
        expect.objectContaining({ line: 4, column: "department", message: expect.stringContaining('department "Legal" is new to Gatehouse') }),
      ]);
      // Per person: what each gains, by name.
      expect(dry.people?.map((p) => [p.employeeId, p.gained, p.lost])).toEqual([
        ["E5", ["Slack: Members", "Slack: Sales channel"], []],
        ["E7", ["Slack: Members"], []],
      ]);
      expect(await t.db.select().from(people).where(eq(people.employeeId, "E5"))).toHaveLength(0);
      // Applying without "only the valid rows" still changes nothing; with it, the totals are the preview's.
      expect((await apply(csv)).created).toBe(0);
      expect(await t.db.select().from(people).where(eq(people.employeeId, "E5"))).toHaveLength(0);
      const real = await apply(csv, { onlyValid: true });
      const view = (x: typeof dry) => ({ created: x.created, events: x.events.length, access: x.access, operations: x.operations, people: x.people?.map(({ personId: _, ...p }) => p) });
      expect(view(real)).toEqual(view(dry));
      expect(await activeEnts("E5")).toEqual(["Members", "Sales channel"]);
    });

    it("a leaver loses all access at once; a rehire starts from birthright only", async () => {
      const r = await apply(header + "E2,Eve,New,eve@x.test,Sales,AE,2,Austin,M1,employee,terminated,2024-01-01,2026-11-20\n");
      expect(r.events.map((e) => e.kind)).toEqual(["leaver"]);
      expect(r.operations).toBeGreaterThan(0);
      expect(await activeEnts("E2")).toEqual([]);
      const r2 = await apply(header + "E2,Eve,New,eve@x.test,Engineering,Engineer,2,Austin,M1,employee,active,2026-11-21,\n");
      expect(r2.events.map((e) => e.kind)).toEqual(["rehire"]);
      expect(await activeEnts("E2")).toEqual(["Eng channel", "Members"]);
    });

    it("the same idempotency key is applied once", async () => {
      const csv = header + "E4,Ian,Dem,ian@x.test,Sales,AE,2,Austin,M1,contractor,active,2024-01-01,\n";
      const a = await apply(csv, { idempotencyKey: "evt-1" });
      const b = await apply(csv, { idempotencyKey: "evt-1" });
      expect(a.created).toBe(1);
      expect(b.duplicate).toBe(true);
      expect(await activeEnts("E4")).toEqual(["Sales channel"]);
    });

    it("no HR source may write a reserved attribute: the row is an error and nothing changes", async () => {
      const rec = { ...parseHrCsv(header + "E8,Del,Egate,del@x.test,Sales,AE,2,Austin,,employee,active,2024-01-01,\n").records[0] };
      for (const source of ["csv", "webhook", "scim"] as const) {
        const r = await applyHrRecords({ ctx: { db: t.db, actor: admin }, input: { source, today }, records: [{ ...rec, attributes: { approvalDelegateId: "00000000-0000-0000-0000-000000000001" } }] });
        expect(r.applied).toBe(false);
        expect(r.errors).toEqual([expect.objectContaining({ column: "approvalDelegateId", message: expect.stringContaining("HR data cannot set it") })]);
      }
      expect(await t.db.select().from(people).where(eq(people.employeeId, "E8"))).toHaveLength(0);
      // The E1 row exists: a change that only touches a reserved attribute is refused too.
      const sam = { ...rec, employeeId: "E1", email: "sam@x.test", attributes: { ApprovalDelegateUntil: "2099-01-01T00:00:00Z" } };
      expect((await applyHrRecords({ ctx: { db: t.db, actor: admin }, input: { source: "csv", today }, records: [sam] })).errors).toHaveLength(1);
      const [row] = await t.db.select().from(people).where(eq(people.employeeId, "E1"));
      expect(row.attributes).not.toHaveProperty("ApprovalDelegateUntil");
    });

    it("only admins and HR sources may apply", async () => {
      await expect(apply(header, {}, employee)).rejects.toBeInstanceOf(ForbiddenError);
    });
  });
}
