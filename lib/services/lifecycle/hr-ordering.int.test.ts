/**
 * HR event ordering (issue 11 item 3): a snapshot exported before a webhook termination must not rehire the
 * leavers; rows older than the last applied change are skipped with a warning (dry run and result alike); a
 * rehire needs an explicit active status and a start date after the last end date.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { applications, birthrightRules, entitlements, hrEvents, operations, people, roleEntitlements, roleTemplates } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { resetEnvCache } from "@/lib/env";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyHrRecords } from "./apply-hr-records";
import { handleHrWebhook } from "./hr-webhook";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const secret = "order-secret-order-secret";
const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
const ids = ["L1", "L2", "L3", "L4", "L5"];
const row = (id: string, status = "active", start = "2024-01-01", end = "") => `${id},Lee,${id},${id.toLowerCase()}@order.test,Sales,AE,2,Austin,,employee,${status},${start},${end}\n`;
const snapshot = header + ids.map((id) => row(id)).join("");

// The story's clock: the snapshot is exported at 08:00, HR terminates the five by webhook at 10:00, the snapshot
// is imported at 12:00.
const exportedAt = new Date("2026-11-22T08:00:00Z");
const terminatedAt = new Date("2026-11-22T10:00:00Z");
const importedAt = new Date("2026-11-22T12:00:00Z");

for (const driver of testDrivers()) {
  describe(`HR event ordering on ${driver.label}`, () => {
    let t: TestDb;
    const csv = (text: string, input: Record<string, unknown>, at = importedAt) => {
      const { records, errors } = parseHrCsv(text);
      return applyHrRecords({ ctx: { db: t.db, actor: admin, clock: () => at }, input: { source: "csv", ...input }, records, rowErrors: errors });
    };
    const statuses = async () =>
      Object.fromEntries((await t.db.select({ id: people.employeeId, s: people.status }).from(people).where(inArray(people.employeeId, ids))).map((p) => [p.id, p.s]));
    const counts = async () => {
      const [o] = await t.db.select({ n: sql<number>`count(*)::int` }).from(operations);
      const [e] = await t.db.select({ n: sql<number>`count(*)::int` }).from(hrEvents);
      return { operations: Number(o.n), events: Number(e.n) };
    };

    const savedMinPeople = process.env.GATEHOUSE_GUARD_MIN_PEOPLE;
    beforeAll(async () => {
      // Terminating the whole five-person organisation would be held by the mass-change guard (its own tests are in
      // provisioning/onboard.int.test.ts); this suite is about ordering, so the guard only counts from 1,000 people.
      process.env.GATEHOUSE_GUARD_MIN_PEOPLE = "1000";
      resetEnvCache();
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: "http://127.0.0.1:9/scim/v2" } }).returning();
      const [e] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: "members", name: "Members" }).returning();
      const [r] = await t.db.insert(roleTemplates).values({ key: "everyone", name: "everyone", status: "published" }).returning();
      await t.db.insert(roleEntitlements).values({ roleId: r.id, entitlementId: e.id });
      await t.db.insert(birthrightRules).values({ name: "everyone", roleId: r.id, conditions: [{ attribute: "employmentType", op: "eq", value: "employee" }] as never });
      // The five join from an earlier snapshot (as of the day before).
      const joined = await csv(snapshot, { asOf: "2026-11-21T08:00:00Z" }, new Date("2026-11-21T09:00:00Z"));
      expect(joined.created).toBe(5);
      // HR terminates them by webhook at 10:00 (the signed timestamp is the events' effective time).
      const body = JSON.stringify({ events: ids.map((id) => ({ person: { employeeId: id, givenName: "Lee", familyName: id, email: `${id.toLowerCase()}@order.test`, department: "Sales", title: "AE", level: 2, location: "Austin", status: "terminated", startDate: "2024-01-01", endDate: "2026-11-22" } })) });
      const ts = String(Math.floor(terminatedAt.getTime() / 1000));
      const key = "term-0000001";
      const sig = `sha256=${createHmac("sha256", secret).update(`${ts}.${key}.${body}`).digest("hex")}`;
      const a = await handleHrWebhook(t.db as Db, { body, timestamp: ts, signature: sig, idempotencyKey: key }, secret, terminatedAt);
      expect(a.status).toBe(202);
      expect(Object.values(await statuses())).toEqual(["terminated", "terminated", "terminated", "terminated", "terminated"]);
      const [p] = await t.db.select().from(people).where(eq(people.employeeId, "L1"));
      expect(p.lastHrEffectiveAt?.toISOString()).toBe(terminatedAt.toISOString());
    });
    afterAll(async () => {
      if (savedMinPeople === undefined) delete process.env.GATEHOUSE_GUARD_MIN_PEOPLE;
      else process.env.GATEHOUSE_GUARD_MIN_PEOPLE = savedMinPeople;
      resetEnvCache();
      await t?.close();
    });

    it("a snapshot exported before the webhook termination changes nothing; the dry run says why", async () => {
      const before = await counts();
      const dry = await csv(snapshot, { asOf: exportedAt.toISOString(), dryRun: true });
      expect(dry.skipped).toBe(5);
      expect(dry.events).toEqual([]);
      expect(dry.warnings[0].message).toContain("older than the last HR change applied (2026-11-22T10:00:00.000Z)");
      const r = await csv(snapshot, { asOf: exportedAt.toISOString() });
      expect(r.applied).toBe(true);
      expect(r.skipped).toBe(5);
      expect(r.warnings.map((w) => w.line)).toEqual([2, 3, 4, 5, 6]);
      expect(r.events).toEqual([]);
      expect(r.operations).toBe(0);
      expect(Object.values(await statuses())).toEqual(["terminated", "terminated", "terminated", "terminated", "terminated"]);
      expect(await counts()).toEqual(before);
      const audit = await t.db.execute(sql`SELECT data FROM audit_events WHERE action = 'hr.batch_applied' ORDER BY seq DESC LIMIT 1`);
      const data = ((Array.isArray(audit) ? audit : (audit as { rows: unknown[] }).rows)[0] as { data: { skippedStale: number } }).data;
      expect(data.skippedStale).toBe(5);
    });

    it("an as_of column orders each row on its own", async () => {
      const text = "as_of," + header.replace(/\n$/, "") + "\n" + ids.map((id) => `2026-11-22T09:59:59Z,${row(id)}`).join("");
      const r = await csv(text, {});
      expect(r.skipped).toBe(5);
      expect(Object.values(await statuses())).toEqual(["terminated", "terminated", "terminated", "terminated", "terminated"]);
    });

    it("the same stale content with a newer export time is still no rehire: it needs a start date after the end date", async () => {
      const r = await csv(snapshot, { asOf: importedAt.toISOString() });
      expect(r.skipped).toBe(5);
      expect(r.warnings[0].message).toContain("the start date 2024-01-01 is not after the last end date 2026-11-22");
      expect(r.operations).toBe(0);
      expect(Object.values(await statuses())).toEqual(["terminated", "terminated", "terminated", "terminated", "terminated"]);
    });

    it("an empty status is no rehire either; an explicit active status with a later start date is", async () => {
      const blank = await csv(header + row("L1", "", "2026-12-01"), { asOf: importedAt.toISOString() });
      expect(blank.skipped).toBe(1);
      expect(blank.warnings[0].message).toContain("the status is empty");
      const r = await csv(header + row("L1", "active", "2026-11-23"), { asOf: importedAt.toISOString() });
      expect(r.skipped).toBe(0);
      expect(r.events.map((e) => e.kind)).toEqual(["rehire"]);
      expect((await statuses()).L1).toBe("pre_hire");
      const [p] = await t.db.select().from(people).where(eq(people.employeeId, "L1"));
      expect(p.lastHrEffectiveAt?.toISOString()).toBe(importedAt.toISOString());
    });

    it("an as-of time in the future counts as now: it cannot block later HR changes", async () => {
      const future = new Date(importedAt.getTime() + 30 * 86_400_000).toISOString();
      await csv(header + row("L2", "terminated", "2024-01-01", "2026-11-22").replace("Sales", "Legal"), { asOf: future });
      const [p] = await t.db.select().from(people).where(eq(people.employeeId, "L2"));
      expect(p.department).toBe("Legal");
      expect(p.lastHrEffectiveAt?.toISOString()).toBe(importedAt.toISOString());
      const later = new Date(importedAt.getTime() + 3_600_000);
      const r = await csv(header + row("L2", "terminated", "2024-01-01", "2026-11-22").replace("Sales", "Finance"), { asOf: later.toISOString() }, later);
      expect(r.skipped).toBe(0);
      expect((await t.db.select().from(people).where(eq(people.employeeId, "L2")))[0].department).toBe("Finance");
    });
  });
}
