import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { people } from "@/db/schema";
import { recordAudit, verifyAuditChain } from "@/lib/audit";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";

for (const driver of testDrivers()) {
  describe(`audit chain on ${driver.label}`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await driver.open();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("an empty log verifies", async () => {
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, events: 0 });
    });

    it("events chain in order across transactions, and the change and its event commit together", async () => {
      await t.db.transaction(async (tx) => {
        await tx.insert(people).values({ employeeId: "A1", givenName: "Ada", familyName: "L", displayName: "Ada L", email: "ada@x.test", department: "Eng", title: "Engineer", location: "Berlin" });
        await recordAudit(tx, { actorKind: "system", action: "person.created", targetKind: "person", targetId: "A1", data: { nested: { b: 2, a: 1 }, list: [3, "x"] } });
      });
      await t.db.transaction((tx) => recordAudit(tx, [{ actorKind: "cli", action: "one" }, { actorKind: "cli", action: "two", data: { n: 1.5 } }]));
      const r = await verifyAuditChain(t.db);
      expect(r).toMatchObject({ ok: true, events: 3 });
    });

    it("a rolled-back change leaves no audit event behind", async () => {
      await expect(
        t.db.transaction(async (tx) => {
          await recordAudit(tx, { actorKind: "system", action: "doomed" });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      const rows = await t.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'doomed'`);
      const n = Array.isArray(rows) ? rows[0].n : (rows as { rows: Array<{ n: number }> }).rows[0].n;
      expect(n).toBe(0);
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it("concurrent writers never fork the chain", async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => t.db.transaction((tx) => recordAudit(tx, { actorKind: "worker", action: `parallel.${i}` }))),
      );
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, events: 11 });
    });

    it("UPDATE and DELETE are refused by the database", async () => {
      // drizzle wraps the driver's error; the database's own message is its cause.
      const why = (p: Promise<unknown>) => p.then(() => "no error", (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ""}`);
      expect(await why(t.db.execute(sql`UPDATE audit_events SET action = 'x' WHERE seq = 1`))).toMatch(/append-only/);
      expect(await why(t.db.execute(sql`DELETE FROM audit_events WHERE seq = 1`))).toMatch(/append-only/);
    });

    it("names the first broken link when an event is altered behind the triggers' back", async () => {
      // A superuser can disable triggers: verification must still catch the edit.
      await t.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
      await t.db.execute(sql`UPDATE audit_events SET data = '{"tampered":true}'::jsonb WHERE seq = 2`);
      await t.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
      const r = await verifyAuditChain(t.db);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.brokenAt).toBe(2);
        expect(r.reason).toMatch(/altered/);
      }
    });
  });
}
